/**
 * The canonical model: what the ingest processor makes of ERP rows, whatever the ERP's own schema,
 * and what the offers processor joins. One record type per canonical topic; each topic is
 * compacted and keyed by the record's identity, co-partitioned by SKU.
 *
 * Keys: `catalog.product.v1` is keyed by SKU; `catalog.stock.v1` by SKU + warehouse and
 * `catalog.price.v1` by SKU + price list, joined with the ASCII unit separator (U+001F), which no
 * SKU contains. The partitioner hashes only the SKU part, so every row of a SKU meets on one
 * partition and the join stays local.
 */
import { topics } from './topics.ts';

/** Where a record came from in the ERP (ARCHITECTURE invariant 6); travels in Kafka headers. */
export interface Lineage {
  /** The source's id in the config, e.g. `postgres`. */
  readonly source: string;
  /** `<schema>.<table>` in the ERP database, e.g. `erp.stock_level`. */
  readonly table: string;
  /** Position in the source's log: a PostgreSQL LSN, or a MariaDB GTID / `binlog-file:pos`. */
  readonly position: string;
  /** The ERP transaction id when the source reports one. */
  readonly txId: string | null;
  /** Commit time in the ERP (Debezium `source.ts_ms`), epoch milliseconds. */
  readonly commitTimeMs: number;
  /** Debezium operation: `r` snapshot read, `c` create, `u` update, `d` delete. */
  readonly op: 'r' | 'c' | 'u' | 'd';
}

export interface Product {
  readonly sku: string;
  /** The parent product's SKU for a variant, null for a standalone or parent product. */
  readonly parentSku: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly ean: string | null;
  readonly brand: string | null;
  readonly category: string | null;
  /** Variant and descriptive attributes (colour, size, ...), values as text. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly active: boolean;
  /** Last change in the ERP, epoch milliseconds, when the ERP keeps it. */
  readonly updatedAtMs: number | null;
}

export interface StockLevel {
  readonly sku: string;
  readonly warehouse: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly updatedAtMs: number | null;
}

export interface Price {
  readonly sku: string;
  readonly priceList: string;
  readonly currency: string;
  /** A decimal as text ("19.90"): money never goes through a float. */
  readonly amount: string;
  readonly updatedAtMs: number | null;
}

/** The canonical topic of each entity (declared in topics.ts). */
export const canonicalTopics = {
  product: topics.catalogProduct.name,
  stock: topics.catalogStock.name,
  price: topics.catalogPrice.name,
} as const;

export type CanonicalEntity = keyof typeof canonicalTopics;

const unitSeparator = '\u001f';

export const productKey = (sku: string): string => sku;
export const stockKey = (sku: string, warehouse: string): string => `${sku}${unitSeparator}${warehouse}`;
export const priceKey = (sku: string, priceList: string): string => `${sku}${unitSeparator}${priceList}`;

/** The SKU part of any canonical key: what the partitioner hashes. */
export function skuOfKey(key: string): string {
  const at = key.indexOf(unitSeparator);
  return at === -1 ? key : key.slice(0, at);
}

/** A canonical record in flight: key, value (null = tombstone, the row is gone) and lineage. */
export type CanonicalRecord =
  | {
      readonly entity: 'product';
      readonly key: string;
      readonly value: Product | null;
      readonly lineage: Lineage;
    }
  | {
      readonly entity: 'stock';
      readonly key: string;
      readonly value: StockLevel | null;
      readonly lineage: Lineage;
    }
  | {
      readonly entity: 'price';
      readonly key: string;
      readonly value: Price | null;
      readonly lineage: Lineage;
    };

/**
 * Why a record was parked instead of processed (invariant 3): a stable machine-readable code, and
 * the sentence an operator reads ("product ABC-1 has no EAN, which channel allegro requires").
 */
export interface ParkReason {
  readonly code: string;
  readonly message: string;
  readonly sku?: string;
  readonly channel?: string;
}
