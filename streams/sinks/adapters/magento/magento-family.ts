/**
 * A grouped offer with variants as a Magento configurable (AdobeDocs `rest/tutorials/
 * configurable-product/`): the variants first, as simple children, each `PUT /V1/products/{sku}`;
 * then the parent, a `configurable` whose `configurable_product_links` are the children's entity
 * ids from those answers, and whose `configurable_product_options` name the attributes a shopper
 * picks by (magento-configurable-options.ts; none when the settings name none).
 *
 * Always synchronous, whatever the batch size: the parent needs the children's ids, which only a
 * synchronous save answers. The family is one record, so one outcome: a child Magento refuses
 * rejects the family (named in the text) and the parent is not saved with a partial family.
 */
import type { ChannelHttp } from '../../channel-adapter.ts';
import type { Offer } from '../../../contracts/channel-offer.ts';
import type { ConfigurableOptionsReader } from './magento-configurable-options.ts';
import { configurableProduct, variantProduct } from './magento-product-payload.ts';
import { saveProduct, type SaveResult } from './magento-product-save.ts';
import { skuPath, type MagentoRest } from './magento-rest.ts';
import type { MagentoSettings } from './magento-settings.ts';

type FamilySettings = Pick<MagentoSettings, 'attributeMapping' | 'attributeSetId' | 'websiteIds'>;

/** A saved product's entity id, read back when the save's answer did not carry it. */
async function entityIdOf(rest: MagentoRest, http: ChannelHttp, sku: string): Promise<number | null> {
  const response = await rest.send(http, {
    method: 'GET',
    path: `/V1/products/${skuPath(sku)}`,
    items: 0,
    what: `GET product ${sku}`,
  });
  const id = (response.json as { id?: unknown } | null)?.id;
  return response.status === 200 && typeof id === 'number' ? id : null;
}

export async function saveFamily(
  rest: MagentoRest,
  http: ChannelHttp,
  offer: Offer,
  settings: FamilySettings,
  optionsReader: ConfigurableOptionsReader,
): Promise<SaveResult> {
  const picked = await optionsReader.forVariants(http, offer.variants);
  if (picked.kind === 'rejected') return { ...picked, status: null };
  const links: number[] = [];
  for (const [index, variant] of offer.variants.entries()) {
    const request = variantProduct(variant, offer, settings, picked.attributes[index]);
    const saved = await saveProduct(rest, http, request);
    if (saved.kind === 'rejected') {
      return { ...saved, channelError: `variant ${variant.sku}: ${saved.channelError}` };
    }
    const id = saved.id ?? (await entityIdOf(rest, http, variant.sku));
    if (id === null) {
      return {
        kind: 'rejected',
        status: saved.status,
        channelError: `variant ${variant.sku}: Magento saved it but reported no entity id to link it by`,
        code: 'NO_ENTITY_ID',
      };
    }
    links.push(id);
  }
  return saveProduct(rest, http, configurableProduct(offer, links, picked.options, settings));
}
