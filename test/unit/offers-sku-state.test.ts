import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { priceKey, productKey, stockKey } from '../../streams/contracts/canonical.ts';
import {
  applyCanonical,
  emptySkuState,
  isEmptySkuState,
  type CanonicalChange,
  type SkuState,
} from '../../streams/processors/offers/index.ts';
import { price, product, stock } from './offers-fixtures.ts';

const apply = (changes: readonly CanonicalChange[], from?: SkuState): SkuState | undefined =>
  changes.reduce<SkuState | undefined>((state, change) => applyCanonical(state, change), from);

const full: CanonicalChange[] = [
  { entity: 'product', key: productKey('SKU-1'), value: product('SKU-1') },
  { entity: 'stock', key: stockKey('SKU-1', 'WH-MAIN'), value: stock('SKU-1', 'WH-MAIN', 10, 2) },
  { entity: 'stock', key: stockKey('SKU-1', 'WH-3PL'), value: stock('SKU-1', 'WH-3PL', 4) },
  { entity: 'price', key: priceKey('SKU-1', 'B2C-EUR'), value: price('SKU-1', 'B2C-EUR', '19.90') },
  { entity: 'price', key: priceKey('SKU-1', 'B2B-EUR'), value: price('SKU-1', 'B2B-EUR', '15.00') },
];

const joined: SkuState = {
  sku: 'SKU-1',
  product: product('SKU-1'),
  stock: { 'WH-MAIN': stock('SKU-1', 'WH-MAIN', 10, 2), 'WH-3PL': stock('SKU-1', 'WH-3PL', 4) },
  prices: { 'B2C-EUR': price('SKU-1', 'B2C-EUR', '19.90'), 'B2B-EUR': price('SKU-1', 'B2B-EUR', '15.00') },
};

describe('SKU state: joining rows', () => {
  it('starts empty and holds each row under its warehouse or price list', () => {
    assert.deepEqual(apply(full), joined);
  });

  it('joins whatever order the rows arrive in', () => {
    assert.deepEqual(apply([...full].reverse()), joined);
  });

  it('holds stock and prices before the product arrives', () => {
    const state = apply(full.slice(1));
    assert.deepEqual(state, { ...joined, product: null });
  });

  it('replaces a row with its newer version', () => {
    const state = apply([
      ...full,
      { entity: 'stock', key: stockKey('SKU-1', 'WH-MAIN'), value: stock('SKU-1', 'WH-MAIN', 3) },
      { entity: 'product', key: productKey('SKU-1'), value: product('SKU-1', { name: 'Renamed' }) },
    ]);
    assert.deepEqual(state?.stock['WH-MAIN'], stock('SKU-1', 'WH-MAIN', 3));
    assert.equal(state?.product?.name, 'Renamed');
    assert.deepEqual(state?.stock['WH-3PL'], joined.stock['WH-3PL']);
  });

  it('gives the same state when a record is applied twice (a replay)', () => {
    assert.deepEqual(apply([...full, ...full]), joined);
  });

  it('reads the warehouse and price list from the key, which a tombstone has too', () => {
    const state = apply([
      { entity: 'stock', key: stockKey('SKU-1', 'WH-SOUTH'), value: stock('SKU-1', 'WH-MAIN', 1) },
    ]);
    assert.deepEqual(Object.keys(state?.stock ?? {}), ['WH-SOUTH']);
  });
});

describe('SKU state: tombstones', () => {
  it('a product tombstone removes the product and keeps stock and prices', () => {
    const state = apply([...full, { entity: 'product', key: productKey('SKU-1'), value: null }]);
    assert.deepEqual(state, { ...joined, product: null });
  });

  it('a stock tombstone removes that warehouse only', () => {
    const state = apply([...full, { entity: 'stock', key: stockKey('SKU-1', 'WH-MAIN'), value: null }]);
    assert.deepEqual(state?.stock, { 'WH-3PL': stock('SKU-1', 'WH-3PL', 4) });
    assert.deepEqual(state?.prices, joined.prices);
  });

  it('a price tombstone removes that price list only', () => {
    const state = apply([...full, { entity: 'price', key: priceKey('SKU-1', 'B2C-EUR'), value: null }]);
    assert.deepEqual(state?.prices, { 'B2B-EUR': price('SKU-1', 'B2B-EUR', '15.00') });
    assert.deepEqual(state?.stock, joined.stock);
  });

  it('a tombstone of a row never seen changes nothing', () => {
    const state = apply([
      ...full,
      { entity: 'stock', key: stockKey('SKU-1', 'WH-NORTH'), value: null },
      { entity: 'price', key: priceKey('SKU-1', 'B2C-PLN'), value: null },
    ]);
    assert.deepEqual(state, joined);
  });

  it('is empty once every row is gone', () => {
    const state = apply([...full, ...full.map((change) => ({ ...change, value: null }))]);
    assert.ok(state !== undefined);
    assert.deepEqual(state, emptySkuState('SKU-1'));
    assert.equal(isEmptySkuState(state), true);
  });

  it('is not empty while any row is left', () => {
    assert.equal(isEmptySkuState(emptySkuState('SKU-1')), true);
    const onlyStock = apply(full.slice(1, 2));
    const onlyPrice = apply(full.slice(3, 4));
    const onlyProduct = apply(full.slice(0, 1));
    for (const state of [onlyStock, onlyPrice, onlyProduct]) {
      assert.ok(state !== undefined);
      assert.equal(isEmptySkuState(state), false);
    }
  });
});

describe('SKU state: wiring mistakes', () => {
  it('ignores a stock or price key without a warehouse or price list', () => {
    const state = apply(full);
    assert.ok(state !== undefined);
    const keyless: CanonicalChange[] = [
      { entity: 'stock', key: 'SKU-1', value: stock('SKU-1', 'WH-MAIN', 99) },
      { entity: 'stock', key: 'SKU-1\u001f', value: stock('SKU-1', 'WH-MAIN', 99) },
      { entity: 'price', key: 'SKU-1', value: price('SKU-1', 'B2C-EUR', '1.00') },
    ];
    for (const change of keyless) assert.equal(applyCanonical(state, change), state);
  });

  it('throws on a record of another SKU', () => {
    const state = apply(full);
    assert.throws(
      () => applyCanonical(state, { entity: 'price', key: priceKey('SKU-2', 'B2C-EUR'), value: null }),
      { message: 'a price record of SKU SKU-2 was applied to the state of SKU SKU-1' },
    );
  });

  it('does not change the state it is given', () => {
    const state = apply(full);
    assert.ok(state !== undefined);
    const copy = structuredClone(state);
    apply(
      [
        { entity: 'stock', key: stockKey('SKU-1', 'WH-MAIN'), value: null },
        {
          entity: 'price',
          key: priceKey('SKU-1', 'B2C-PLN'),
          value: price('SKU-1', 'B2C-PLN', '80.00', 'PLN'),
        },
        { entity: 'product', key: productKey('SKU-1'), value: null },
      ],
      state,
    );
    assert.deepEqual(state, copy);
  });
});
