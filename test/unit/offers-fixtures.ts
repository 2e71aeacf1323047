/**
 * Shared by the offers tests: a channel config with every default filled in (as the JSON Schema
 * leaves it), canonical rows, and SKU states built through `applyCanonical`, the way the engine
 * builds them.
 */
import assert from 'node:assert/strict';
import {
  priceKey,
  productKey,
  stockKey,
  type Price,
  type Product,
  type StockLevel,
} from '../../streams/contracts/canonical.ts';
import {
  applyCanonical,
  type ChannelConfig,
  type Offer,
  type OfferOutcome,
  type SkuState,
} from '../../streams/processors/offers/index.ts';

export function channel(overrides: Partial<ChannelConfig> = {}): ChannelConfig {
  return {
    id: 'webshop',
    kind: 'magento',
    priceList: 'B2C-EUR',
    warehouses: ['WH-MAIN', 'WH-3PL'],
    safetyStock: 0,
    requiredFields: [],
    filters: { activeOnly: true, excludeSkus: [] },
    fieldMapping: {},
    variants: 'flat',
    ...overrides,
  };
}

export function product(sku: string, overrides: Partial<Product> = {}): Product {
  return {
    sku,
    parentSku: null,
    name: `Product ${sku}`,
    description: 'A product.',
    ean: '2000000000015',
    brand: 'Nordwand',
    category: 'Apparel > T-Shirts',
    attributes: {},
    active: true,
    updatedAtMs: null,
    ...overrides,
  };
}

export const stock = (sku: string, warehouse: string, onHand: number, reserved = 0): StockLevel => ({
  sku,
  warehouse,
  onHand,
  reserved,
  updatedAtMs: null,
});

export const price = (sku: string, priceList: string, amount: string, currency = 'EUR'): Price => ({
  sku,
  priceList,
  currency,
  amount,
  updatedAtMs: null,
});

/** A SKU's state from its rows, applied one by one as canonical records. */
export function skuState(
  sku: string,
  rows: { product?: Product | null; stock?: readonly StockLevel[]; prices?: readonly Price[] },
): SkuState {
  let state: SkuState | undefined;
  if (rows.product !== undefined) {
    state = applyCanonical(state, { entity: 'product', key: productKey(sku), value: rows.product });
  }
  for (const row of rows.stock ?? []) {
    state = applyCanonical(state, { entity: 'stock', key: stockKey(sku, row.warehouse), value: row });
  }
  for (const row of rows.prices ?? []) {
    state = applyCanonical(state, { entity: 'price', key: priceKey(sku, row.priceList), value: row });
  }
  return state ?? { sku, product: null, stock: {}, prices: {} };
}

/** A sellable SKU: active product, 10 on hand in WH-MAIN, a B2C-EUR price of 19.90. */
export const sellable = (sku: string, overrides: Partial<Product> = {}): SkuState =>
  skuState(sku, {
    product: product(sku, overrides),
    stock: [stock(sku, 'WH-MAIN', 10)],
    prices: [price(sku, 'B2C-EUR', '19.90')],
  });

/** The single offer among the outcomes. */
export function offerOf(outcomes: readonly OfferOutcome[]): Offer {
  const offers = outcomes.filter((o) => o.kind === 'offer');
  assert.equal(offers.length, 1, JSON.stringify(outcomes));
  const [only] = offers;
  assert.ok(only?.kind === 'offer');
  return only.value;
}

/** The outcomes as `kind key` lines, with the cause of a tombstone: easy to compare. */
export const summary = (outcomes: readonly OfferOutcome[]): string[] =>
  outcomes.map((o) => (o.kind === 'tombstone' ? `tombstone ${o.key} (${o.cause})` : `${o.kind} ${o.key}`));
