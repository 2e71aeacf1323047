/**
 * The joined state the offers processor keeps for one SKU: the table-table join product ⋈ stock ⋈
 * price of ARCHITECTURE's data flow, held per SKU because every canonical topic is co-partitioned
 * by SKU, so all three rows of a SKU arrive on the same task. Plain JSON-able objects (no Map), so
 * the engine's state store can serialise them as they are.
 *
 * Each canonical record replaces its row (compacted topics carry whole rows) or, as a tombstone,
 * removes it; applying the same record twice gives the same state, so a replay is harmless.
 */
import {
  skuOfKey,
  type CanonicalRecord,
  type Price,
  type Product,
  type StockLevel,
} from '../../contracts/canonical.ts';

export interface SkuState {
  readonly sku: string;
  /** Null until the product row arrives, and again after it is deleted. */
  readonly product: Product | null;
  /** Warehouse code -> stock row; a warehouse without a row counts 0. */
  readonly stock: Readonly<Record<string, StockLevel>>;
  /** Price list code -> price row. */
  readonly prices: Readonly<Record<string, Price>>;
}

type WithoutLineage<R> = R extends unknown ? Omit<R, 'lineage'> : never;

/** A canonical record without its lineage: all the join needs. */
export type CanonicalChange = WithoutLineage<CanonicalRecord>;

export const emptySkuState = (sku: string): SkuState => ({ sku, product: null, stock: {}, prices: {} });

/** True when nothing of the SKU is left: the engine may delete the state entry. */
export const isEmptySkuState = (state: SkuState): boolean =>
  state.product === null && Object.keys(state.stock).length === 0 && Object.keys(state.prices).length === 0;

/** The part of a stock or price key after the SKU: the warehouse or price list; null when absent. */
function secondPart(key: string): string | null {
  const sku = skuOfKey(key);
  return key.length > sku.length + 1 ? key.slice(sku.length + 1) : null;
}

function withRow<T>(
  rows: Readonly<Record<string, T>>,
  code: string,
  row: T | null,
): Readonly<Record<string, T>> {
  if (row === null) {
    if (!(code in rows)) return rows;
    const { [code]: _gone, ...rest } = rows;
    return rest;
  }
  return { ...rows, [code]: row };
}

/**
 * The state after one canonical record of this SKU (`state` undefined = nothing kept yet). The row's
 * code (warehouse, price list) is read from the key, which a tombstone has too; a stock or price
 * key without one cannot come from ingest and leaves the state unchanged. A record of another SKU
 * is a wiring mistake and throws.
 */
export function applyCanonical(state: SkuState | undefined, change: CanonicalChange): SkuState {
  const sku = skuOfKey(change.key);
  const current = state ?? emptySkuState(sku);
  if (current.sku !== sku) {
    throw new Error(`a ${change.entity} record of SKU ${sku} was applied to the state of SKU ${current.sku}`);
  }
  switch (change.entity) {
    case 'product':
      return { ...current, product: change.value };
    case 'stock': {
      const warehouse = secondPart(change.key);
      if (warehouse === null) return current;
      return { ...current, stock: withRow(current.stock, warehouse, change.value) };
    }
    case 'price': {
      const priceList = secondPart(change.key);
      if (priceList === null) return current;
      return { ...current, prices: withRow(current.prices, priceList, change.value) };
    }
  }
}
