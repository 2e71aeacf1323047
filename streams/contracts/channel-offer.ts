/**
 * The channel offer: the value of `channel.<id>.offer.v1`, what the offers processor writes and
 * every sink and channel adapter reads. Mirrors schemas/channel.offer.v1.avsc. Kept apart from
 * both so neither imports the other: a sink reads this contract, never the processor's code.
 */
import type { Product } from './canonical.ts';

/** Money never goes through a float: a decimal as text ("19.90") and its ISO 4217 currency. */
export interface Money {
  readonly amount: string;
  readonly currency: string;
}

/** A variant inside a grouped offer: what sets it apart from its parent. */
export interface OfferVariant {
  readonly sku: string;
  readonly name: string;
  readonly ean: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly price: Money;
  readonly quantity: number;
  readonly fields: Readonly<Record<string, string | null>>;
}

/** The product's own facts an offer carries as they are (`active` and times stay behind). */
type OfferedProductField =
  'sku' | 'parentSku' | 'name' | 'description' | 'ean' | 'brand' | 'category' | 'attributes';

/** The channel view of one SKU (flat) or one family (grouped): the value of `channel.<id>.offer.v1`. */
export interface Offer extends Pick<Product, OfferedProductField> {
  readonly channel: string;
  readonly price: Money;
  /** Available to sell (available-stock.ts); grouped: the parent's own plus every offered variant's. */
  readonly quantity: number;
  /** Grouped mode: the family's offered variants, sorted by SKU; empty otherwise. */
  readonly variants: readonly OfferVariant[];
  /** The channel's `fieldMapping`: output name -> value (null = the product has none). */
  readonly fields: Readonly<Record<string, string | null>>;
}
