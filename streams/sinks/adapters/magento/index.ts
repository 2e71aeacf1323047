/** The Magento channel adapter's public surface: the factory for the adapter registry, and its settings. */
export { magentoAdapter } from './magento-adapter.ts';
export {
  magentoSettingsSchema,
  type MagentoAuthSettings,
  type MagentoSettings,
  type MappedOfferField,
} from './magento-settings.ts';
