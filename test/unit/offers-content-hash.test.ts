import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { priceKey, productKey, stockKey } from '../../streams/contracts/canonical.ts';
import {
  applyCanonical,
  canonicalJson,
  contentHash,
  skuOffers,
  type CanonicalChange,
  type OfferOutcome,
  type SkuState,
} from '../../streams/processors/offers/index.ts';
import { channel, price, product, stock } from './offers-fixtures.ts';

describe('content hash: canonical JSON', () => {
  it('sorts object keys at every depth, arrays included', () => {
    assert.equal(canonicalJson({ b: [2, { d: 4, c: 3 }], a: 1 }), '{"a":1,"b":[2,{"c":3,"d":4}]}');
    assert.equal(canonicalJson({ z: { y: { x: 1, w: null } } }), '{"z":{"y":{"w":null,"x":1}}}');
  });

  it('keeps the order of arrays', () => {
    assert.equal(canonicalJson([3, 1, 2]), '[3,1,2]');
  });

  it('leaves out undefined properties and keeps nulls', () => {
    assert.equal(canonicalJson({ b: undefined, a: null }), '{"a":null}');
  });

  it('writes scalars as JSON does', () => {
    assert.equal(canonicalJson('19.90'), '"19.90"');
    assert.equal(canonicalJson(null), 'null');
    assert.equal(canonicalJson({}), '{}');
  });
});

describe('content hash: the hash', () => {
  it('is the lowercase hex SHA-256 of the canonical JSON', () => {
    assert.equal(
      contentHash({ b: [2, { d: 4, c: 3 }], a: 1 }),
      '88c3cdf568e74603bc9ea42ed03f42ad6dcf46dbfbb56089d8a163f6b84a0c52',
    );
  });

  it('does not depend on the order keys were added in', () => {
    const one = { name: 'Shirt', price: { currency: 'EUR', amount: '19.90' }, fields: { a: '1', b: null } };
    const other = { fields: { b: null, a: '1' }, price: { amount: '19.90', currency: 'EUR' }, name: 'Shirt' };
    assert.equal(contentHash(one), contentHash(other));
  });

  it('changes with any value, and with the order of an array', () => {
    const base = contentHash({ amount: '19.90', variants: ['A', 'B'] });
    assert.notEqual(contentHash({ amount: '19.9', variants: ['A', 'B'] }), base);
    assert.notEqual(contentHash({ amount: '19.90', variants: ['B', 'A'] }), base);
    assert.notEqual(contentHash({ amount: '19.90', variants: ['A', 'B'], extra: null }), base);
  });

  it('tells a value apart from its string', () => {
    assert.notEqual(contentHash({ quantity: 1 }), contentHash({ quantity: '1' }));
  });
});

describe('content hash: of an offer', () => {
  const rows: CanonicalChange[] = [
    {
      entity: 'product',
      key: productKey('SKU-1'),
      value: product('SKU-1', { attributes: { size: 'M', color: 'red' } }),
    },
    { entity: 'stock', key: stockKey('SKU-1', 'WH-MAIN'), value: stock('SKU-1', 'WH-MAIN', 10) },
    { entity: 'stock', key: stockKey('SKU-1', 'WH-3PL'), value: stock('SKU-1', 'WH-3PL', 4) },
    { entity: 'price', key: priceKey('SKU-1', 'B2C-EUR'), value: price('SKU-1', 'B2C-EUR', '19.90') },
  ];
  const stateOf = (changes: readonly CanonicalChange[]): SkuState => {
    const state = changes.reduce<SkuState | undefined>((s, change) => applyCanonical(s, change), undefined);
    assert.ok(state !== undefined);
    return state;
  };
  const hashOf = (outcomes: readonly OfferOutcome[]): string => {
    const [only] = outcomes;
    assert.ok(only?.kind === 'offer', JSON.stringify(outcomes));
    return only.hash;
  };
  const mapped = channel({ fieldMapping: { colour: 'attributes.color', gtin: 'ean' } });

  it('is the same however the state was built: row order, attribute order, mapping order', () => {
    const reordered = rows.map((row) =>
      row.entity === 'product' && row.value !== null
        ? { ...row, value: { ...row.value, attributes: { color: 'red', size: 'M' } } }
        : row,
    );
    const remapped = channel({ fieldMapping: { gtin: 'ean', colour: 'attributes.color' } });
    const hash = hashOf(skuOffers(mapped, stateOf(rows)));
    assert.equal(hashOf(skuOffers(mapped, stateOf([...rows].reverse()))), hash);
    assert.equal(hashOf(skuOffers(mapped, stateOf(reordered))), hash);
    assert.equal(hashOf(skuOffers(remapped, stateOf(rows))), hash);
  });

  it('survives a round trip through JSON, as a state store gives the state back', () => {
    const state = stateOf(rows);
    const restored = JSON.parse(JSON.stringify(state)) as SkuState;
    assert.equal(hashOf(skuOffers(mapped, restored)), hashOf(skuOffers(mapped, state)));
  });

  it('changes when the quantity or the price changes, not when stock outside the channel does', () => {
    const hash = hashOf(skuOffers(mapped, stateOf(rows)));
    const south: CanonicalChange = {
      entity: 'stock',
      key: stockKey('SKU-1', 'WH-SOUTH'),
      value: stock('SKU-1', 'WH-SOUTH', 99),
    };
    const fewer: CanonicalChange = {
      entity: 'stock',
      key: stockKey('SKU-1', 'WH-3PL'),
      value: stock('SKU-1', 'WH-3PL', 4, 1),
    };
    const dearer: CanonicalChange = {
      entity: 'price',
      key: priceKey('SKU-1', 'B2C-EUR'),
      value: price('SKU-1', 'B2C-EUR', '21.90'),
    };
    assert.equal(hashOf(skuOffers(mapped, stateOf([...rows, south]))), hash);
    assert.notEqual(hashOf(skuOffers(mapped, stateOf([...rows, fewer]))), hash);
    assert.notEqual(hashOf(skuOffers(mapped, stateOf([...rows, dearer]))), hash);
  });

  it('does not change with more stock while the safety stock still holds all of it back', () => {
    const clamped = channel({ fieldMapping: mapped.fieldMapping, safetyStock: 20 });
    const more: CanonicalChange = {
      entity: 'stock',
      key: stockKey('SKU-1', 'WH-MAIN'),
      value: stock('SKU-1', 'WH-MAIN', 12),
    };
    assert.equal(
      hashOf(skuOffers(clamped, stateOf([...rows, more]))),
      hashOf(skuOffers(clamped, stateOf(rows))),
    );
  });
});
