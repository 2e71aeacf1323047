/**
 * The offers processor's decision: what one channel should hold for a SKU (or, in grouped mode, a
 * family), given the joined state. Pure: the engine applies the canonical record to the state,
 * calls `offersFor`, passes the outcomes through `suppressOutcomes` and writes what is left.
 *
 * Outcomes, for one channel:
 *   - `offer`: the channel view and its content hash, written to `channel.<id>.offer.v1`.
 *   - `tombstone`: the key must not be live on the channel: the product is deleted (or never
 *     arrived), inactive, filtered out, has no price in the channel's list, is parked, or (grouped
 *     mode) is a variant whose offer is its family's.
 *   - `park`: the product cannot be offered until the ERP is fixed; always with a tombstone of the
 *     same key, so the channel does not keep selling it with stale data.
 */
import type { ParkReason, Price, Product } from '../../contracts/canonical.ts';
import type { Money, Offer, OfferVariant } from '../../contracts/channel-offer.ts';
import { availableStock } from './available-stock.ts';
import type { ChannelConfig, RequiredField } from './channel-config.ts';
import { filteredOut, type FilteredOut } from './channel-filters.ts';
import { contentHash } from '../../contracts/content-hash.ts';
import { mapFields } from './field-mapping.ts';
import { missingFields, missingFieldsSentence } from './required-fields.ts';
import type { SkuState } from './sku-state.ts';
import type { FamilyState } from './variants.ts';

export type OfferParkCode =
  /** The product lacks a field the channel requires. */
  | 'MISSING_REQUIRED_FIELD'
  /** The channel's price list holds the price in another currency than the channel sells in. */
  | 'CURRENCY_MISMATCH';

export interface OfferParkReason extends ParkReason {
  readonly code: OfferParkCode;
  /** The sentence an operator reads: "product ABC-1 has no EAN, which channel marketplace requires". */
  readonly message: string;
  readonly sku: string;
  readonly channel: string;
  /** MISSING_REQUIRED_FIELD: the fields the product lacks; empty for other codes. */
  readonly fields: readonly RequiredField[];
}

export type TombstoneCause =
  | 'deleted'
  | FilteredOut
  | 'no-price'
  | 'parked'
  /** Grouped mode: the SKU is a variant; its offer is inside its family's, keyed by the parent. */
  | 'grouped-under-parent';

export type OfferOutcome =
  | { readonly kind: 'offer'; readonly key: string; readonly value: Offer; readonly hash: string }
  | { readonly kind: 'tombstone'; readonly key: string; readonly cause: TombstoneCause }
  | { readonly kind: 'park'; readonly key: string; readonly reason: OfferParkReason };

/** One SKU's verdict before it becomes outcomes: offerable with its price and quantity, or not. */
type Verdict =
  | { readonly kind: 'sell'; readonly product: Product; readonly price: Money; readonly quantity: number }
  | { readonly kind: 'out'; readonly cause: TombstoneCause }
  | { readonly kind: 'park'; readonly reason: OfferParkReason };

function currencyMismatch(channel: ChannelConfig, sku: string, price: Price): OfferParkReason {
  return {
    code: 'CURRENCY_MISMATCH',
    message: `product ${sku} is priced in ${price.currency} in price list ${channel.priceList}, but channel ${channel.id} sells in ${channel.currency ?? '?'}`,
    sku,
    channel: channel.id,
    fields: [],
  };
}

/**
 * The verdict for one SKU. `familyWide` = false asks only the filters that belong to a variant
 * itself (active, excluded SKU): in grouped mode category and brand are the parent's to decide.
 * Order: deleted, filters, required fields, price; a missing required field is reported even when
 * the price is missing too, so the operator sees everything that blocks the product.
 */
function verdictFor(channel: ChannelConfig, state: SkuState, familyWide: boolean): Verdict {
  const product = state.product;
  if (product === null) return { kind: 'out', cause: 'deleted' };
  const filters = familyWide
    ? channel.filters
    : { activeOnly: channel.filters.activeOnly, excludeSkus: channel.filters.excludeSkus };
  const filtered = filteredOut(filters, product);
  if (filtered !== null) return { kind: 'out', cause: filtered };
  const price = state.prices[channel.priceList] ?? null;
  const missing = missingFields(channel, product, price);
  if (missing.length > 0) {
    const message = missingFieldsSentence(product.sku, channel, missing);
    const reason = {
      code: 'MISSING_REQUIRED_FIELD',
      message,
      sku: product.sku,
      channel: channel.id,
    } as const;
    return { kind: 'park', reason: { ...reason, fields: missing } };
  }
  if (price === null) return { kind: 'out', cause: 'no-price' };
  if (channel.currency !== undefined && price.currency !== channel.currency) {
    return { kind: 'park', reason: currencyMismatch(channel, product.sku, price) };
  }
  return {
    kind: 'sell',
    product,
    price: { amount: price.amount, currency: price.currency },
    quantity: availableStock(channel, state.stock),
  };
}

function offerOf(
  channel: ChannelConfig,
  product: Product,
  price: Money,
  quantity: number,
  variants: readonly OfferVariant[],
): Offer {
  return {
    channel: channel.id,
    sku: product.sku,
    parentSku: product.parentSku,
    name: product.name,
    description: product.description,
    ean: product.ean,
    brand: product.brand,
    category: product.category,
    attributes: product.attributes,
    price,
    quantity,
    variants,
    fields: mapFields(channel.fieldMapping, product),
  };
}

const offered = (key: string, value: Offer): OfferOutcome => ({
  kind: 'offer',
  key,
  value,
  hash: contentHash(value),
});

/** A verdict that is not `sell`, as outcomes: a park is also a tombstone (see the top of the file). */
function notSold(key: string, verdict: Exclude<Verdict, { kind: 'sell' }>): OfferOutcome[] {
  if (verdict.kind === 'out') return [{ kind: 'tombstone', key, cause: verdict.cause }];
  return [
    { kind: 'park', key, reason: verdict.reason },
    { kind: 'tombstone', key, cause: 'parked' },
  ];
}

/** Flat mode: the SKU's own offer, keyed by its SKU, a variant carrying its `parentSku`. */
export function skuOffers(channel: ChannelConfig, state: SkuState): OfferOutcome[] {
  const verdict = verdictFor(channel, state, true);
  if (verdict.kind !== 'sell') return notSold(state.sku, verdict);
  return [offered(state.sku, offerOf(channel, verdict.product, verdict.price, verdict.quantity, []))];
}

/**
 * Grouped mode: the family's offer, keyed by the family (parent) SKU. The parent decides for the
 * family: deleted, filtered out (category and brand included), parked or without a price, and the
 * family is a tombstone. A variant that is inactive, excluded or without a price is left out of
 * the family; one lacking a required field is parked (its key is the variant SKU, so the operator
 * knows which) and left out as well, which is its tombstone here.
 */
export function familyOffers(channel: ChannelConfig, family: FamilyState): OfferOutcome[] {
  const parent =
    family.parent === null
      ? ({ kind: 'out', cause: 'deleted' } as const)
      : verdictFor(channel, family.parent, true);
  if (parent.kind !== 'sell') return notSold(family.sku, parent);
  const outcomes: OfferOutcome[] = [];
  const variants: OfferVariant[] = [];
  for (const sku of Object.keys(family.variants).sort()) {
    const state = family.variants[sku];
    if (state === undefined) continue;
    const verdict = verdictFor(channel, state, false);
    if (verdict.kind === 'park') outcomes.push({ kind: 'park', key: sku, reason: verdict.reason });
    if (verdict.kind !== 'sell') continue;
    const { product } = verdict;
    variants.push({
      sku: product.sku,
      name: product.name,
      ean: product.ean,
      attributes: product.attributes,
      price: verdict.price,
      quantity: verdict.quantity,
      fields: mapFields(channel.fieldMapping, product),
    });
  }
  const quantity = variants.reduce((sum, variant) => sum + variant.quantity, parent.quantity);
  outcomes.unshift(offered(family.sku, offerOf(channel, parent.product, parent.price, quantity, variants)));
  return outcomes;
}

/**
 * Everything one channel should see after a change of `state`'s SKU.
 *
 * Flat channels need only the SKU's state. Grouped channels also need the family the SKU belongs
 * to (see variants.ts for who builds it; `standaloneFamily(state)` for a product without
 * variants): the outcomes are the family's, plus a tombstone of the SKU's own key when the SKU is
 * not the family's parent, because in grouped mode a variant is never live under its own SKU (and
 * may have been, as a standalone product, before it got a parent). Suppression drops that
 * tombstone when nothing was ever offered under the key.
 *
 * Throws when a grouped channel is asked without a family: that is a wiring mistake, and offering
 * the parent without its variants would delist them silently.
 */
export function offersFor(channel: ChannelConfig, state: SkuState, family?: FamilyState): OfferOutcome[] {
  if (channel.variants === 'flat') return skuOffers(channel, state);
  if (family === undefined) {
    throw new Error(`channel ${channel.id} groups variants: offersFor needs the family of SKU ${state.sku}`);
  }
  const own: OfferOutcome[] =
    state.sku === family.sku ? [] : [{ kind: 'tombstone', key: state.sku, cause: 'grouped-under-parent' }];
  return [...own, ...familyOffers(channel, family)];
}
