/**
 * An offer as a row of the portal table, in the JSON shape `jsonb_to_recordset` reads. The price
 * stays the decimal text of the offer ("19.90"): PostgreSQL parses it straight into numeric, so
 * money never passes through a float.
 */
import type { Offer } from '../../../contracts/channel-offer.ts';

export interface OfferRow {
  readonly sku: string;
  readonly parent_sku: string | null;
  readonly name: string;
  readonly price: string;
  readonly currency: string;
  readonly quantity: number;
  readonly ean: string | null;
  readonly brand: string | null;
  readonly fields: Offer['fields'];
  readonly offer: Offer;
  readonly content_hash: string;
}

/** `sku` is the record's key, the identity the runner tracks (the family's parent SKU when grouped). */
export function offerRow(key: string, offer: Offer, contentHash: string): OfferRow {
  return {
    sku: key,
    parent_sku: offer.parentSku,
    name: offer.name,
    price: offer.price.amount,
    currency: offer.price.currency,
    quantity: offer.quantity,
    ean: offer.ean,
    brand: offer.brand,
    fields: offer.fields,
    offer,
    content_hash: contentHash,
  };
}

/** The columns `jsonb_to_recordset` produces, as its column definition list. */
export const offerRowColumns =
  'sku text, parent_sku text, name text, price numeric, currency text, quantity integer, ' +
  'ean text, brand text, fields jsonb, offer jsonb, content_hash text';
