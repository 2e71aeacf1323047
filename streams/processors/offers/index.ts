/**
 * The offers processor's public surface: pure functions from the joined canonical state of a SKU
 * to what each channel should hold (ARCHITECTURE: canonical topics -> offers -> channel topics).
 * The engine wires them, per input record of catalog.product.v1 / catalog.stock.v1 /
 * catalog.price.v1 (co-partitioned by SKU, so the whole SKU is on this task):
 *
 *   const sku = skuOfKey(record.key);
 *   const before = state.get(SKUS, sku);                               // SkuState | undefined
 *   const after = applyCanonical(before, { entity, key: record.key, value: record.value });
 *   isEmptySkuState(after) ? state.delete(SKUS, sku) : state.put(SKUS, sku, after);
 *   for (const channel of config.channels) {
 *     if (channel.variants === 'grouped') continue;                     // see below
 *     const outcomes = offersFor(channel, after);
 *     const { emit, remember } = suppressOutcomes(outcomes, (key) => state.get(LAST, `${channel.id}\u001f${key}`));
 *     // offer:     write offerTopicOf(channel.id), key o.key, value o.value, header content-hash o.hash;
 *     // tombstone: write offerTopicOf(channel.id), key o.key, value null;
 *     // park:      park with o.reason (code, message, sku, channel), DLQ of the channel;
 *     // then       state.put(LAST, `${channel.id}\u001f${key}`, last) for each [key, last] of remember.
 *   }
 *
 * Grouped channels need whole families, which a SKU-partitioned task does not hold (variants.ts
 * says why). When any channel groups, the per-SKU stage also writes `after` to a repartition topic
 * keyed by each family of `familiesTouched(before, after)`; the regroup stage, partitioned by
 * family SKU, keeps `applyToFamily(...)` per family and for each grouped channel calls
 * `offersFor(channel, skuState, family)` (or `familyOffers(channel, family)`) and suppresses as
 * above. Lineage headers of the input record are carried over to every output (invariant 6).
 *
 * At start-up, `channelsJsonSchema` validates the config's `channels:` and
 * `checkChannels(channels, sources)` adds the cross-field rules.
 */
export {
  channelsJsonSchema,
  checkChannels,
  type ChannelConfig,
  type ChannelFilters,
  type ChannelKind,
  type OffersConfig,
  type RequiredField,
} from './channel-config.ts';
export {
  applyCanonical,
  emptySkuState,
  isEmptySkuState,
  type CanonicalChange,
  type SkuState,
} from './sku-state.ts';
export { availableStock } from './available-stock.ts';
export { filteredOut, type FilteredOut } from './channel-filters.ts';
export { missingFields, missingFieldsSentence } from './required-fields.ts';
export { mapFields } from './field-mapping.ts';
export {
  applyToFamily,
  familiesTouched,
  familySkuOf,
  isEmptyFamily,
  standaloneFamily,
  type FamilyState,
} from './variants.ts';
export {
  familyOffers,
  offersFor,
  skuOffers,
  type OfferOutcome,
  type OfferParkCode,
  type OfferParkReason,
  type TombstoneCause,
} from './offer.ts';
export type { Money, Offer, OfferVariant } from '../../contracts/channel-offer.ts';
export { canonicalJson, contentHash } from '../../contracts/content-hash.ts';
export { offerTopicOf } from '../../contracts/topics.ts';
export { suppress, suppressOutcomes, type LastEmitted, type SuppressDecision } from './suppress.ts';
