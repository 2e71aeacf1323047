/**
 * The SQL of the db-table adapter. Every statement takes a whole list (a JSON array of rows, or an
 * array of SKUs), so the same text serves a batch of 500 and the one-row fallback.
 */
import { offerRowColumns } from './offer-rows.ts';

/**
 * Upserts the rows of `$1` (a JSON array of OfferRow) in one statement. A row whose content hash
 * the table already holds, listed, is left alone, so a re-sent batch does not even bump
 * `updated_at`. A delisted row is relisted even with the same hash (a delist keeps the last offer
 * and its hash). Rows go in SKU order, so two writers lock rows in the same order and cannot
 * deadlock on each other.
 */
export function upsertStatement(table: string): string {
  return `INSERT INTO ${table} AS held
  (sku, parent_sku, name, price, currency, quantity, ean, brand, fields, offer, content_hash, listed, updated_at)
SELECT r.sku, r.parent_sku, r.name, r.price, r.currency, r.quantity, r.ean, r.brand, r.fields, r.offer,
       r.content_hash, true, now()
FROM jsonb_to_recordset($1::jsonb) AS r(${offerRowColumns})
ORDER BY r.sku
ON CONFLICT (sku) DO UPDATE SET
  parent_sku = excluded.parent_sku, name = excluded.name, price = excluded.price,
  currency = excluded.currency, quantity = excluded.quantity, ean = excluded.ean, brand = excluded.brand,
  fields = excluded.fields, offer = excluded.offer, content_hash = excluded.content_hash,
  listed = true, updated_at = now()
WHERE held.content_hash IS DISTINCT FROM excluded.content_hash OR NOT held.listed`;
}

/** Delists the SKUs of `$1` (text[]): a key the table does not hold is already delisted. */
export function delistStatement(table: string, deleteOnDelist: boolean): string {
  return deleteOnDelist
    ? `DELETE FROM ${table} WHERE sku = ANY($1::text[])`
    : `UPDATE ${table} SET listed = false, updated_at = now() WHERE sku = ANY($1::text[]) AND listed`;
}
