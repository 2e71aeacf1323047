/**
 * The Magento 2 / Adobe Commerce channel adapter (channel-adapter.ts): offers become product
 * upserts over Magento's REST API, quantities MSI source items, tombstones disabled products.
 * The contract it follows is shared/notes/CHANNEL-APIS.md §1; settings: magento-settings.ts.
 *
 * `create` reads the credentials' environment variables at once, so a missing one stops the sink
 * at start-up with the variable's name, not at the first record.
 */
import type { AdapterFactory, ChannelAdapter } from '../../channel-adapter.ts';
import { credentialsFromEnv, magentoTokens } from './magento-auth.ts';
import { configurableOptionsReader } from './magento-configurable-options.ts';
import { deliverBatch } from './magento-deliver.ts';
import { magentoRest } from './magento-rest.ts';
import { magentoSettingsSchema, restRoot, type MagentoSettings } from './magento-settings.ts';

export const magentoAdapter: AdapterFactory<MagentoSettings> = {
  kind: 'magento',
  settingsSchema: magentoSettingsSchema,
  create(settings: MagentoSettings, channelId: string): ChannelAdapter {
    const credentials = credentialsFromEnv(settings.auth, channelId);
    const root = restRoot(settings);
    const rest = magentoRest(root, magentoTokens(credentials, `${root}/V1/integration/admin/token`));
    const options = configurableOptionsReader(rest, settings.configurableAttributes);
    return {
      kind: 'magento',
      maxBatch: settings.maxBatch,
      deliver: (batch, context) => deliverBatch(batch, context, { settings, rest, options }),
      // Nothing to release: no connection or timer outlives a deliver call.
      close: () => Promise.resolve(),
    };
  },
};
