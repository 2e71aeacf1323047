import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  missingFields,
  missingFieldsSentence,
  skuOffers,
  type OfferOutcome,
  type RequiredField,
} from '../../streams/processors/offers/index.ts';
import { channel, offerOf, price, product, sellable, skuState, stock, summary } from './offers-fixtures.ts';

const requiring = (...requiredFields: RequiredField[]) => ({ requiredFields });
const aPrice = price('SKU-1', 'B2C-EUR', '19.90');
const marketplace = channel({ id: 'marketplace', priceList: 'MKT-EUR', requiredFields: ['ean', 'brand'] });

function parkOf(outcomes: readonly OfferOutcome[]) {
  const parks = outcomes.filter((o) => o.kind === 'park');
  assert.equal(parks.length, 1, JSON.stringify(outcomes));
  const [only] = parks;
  assert.ok(only?.kind === 'park');
  return only;
}

describe('required fields: what is missing', () => {
  it('is nothing when the channel requires nothing', () => {
    const bare = product('SKU-1', { ean: null, brand: null, category: null, description: null });
    assert.deepEqual(missingFields(requiring(), bare, null), []);
  });

  it('is nothing when every required field has a value', () => {
    const all = requiring('ean', 'brand', 'category', 'description', 'price', 'name');
    assert.deepEqual(missingFields(all, product('SKU-1'), aPrice), []);
  });

  it('treats null, empty and blank text alike', () => {
    for (const ean of [null, '', '   ', '\t']) {
      assert.deepEqual(
        missingFields(requiring('ean'), product('SKU-1', { ean }), aPrice),
        ['ean'],
        String(ean),
      );
    }
    assert.deepEqual(missingFields(requiring('name'), product('SKU-1', { name: ' ' }), aPrice), ['name']);
  });

  it("lists the missing fields in the channel's order", () => {
    const bare = product('SKU-1', { ean: null, brand: null, category: null, description: null, name: '' });
    assert.deepEqual(
      missingFields(requiring('price', 'description', 'brand', 'name', 'category', 'ean'), bare, null),
      ['price', 'description', 'brand', 'name', 'category', 'ean'],
    );
    assert.deepEqual(missingFields(requiring('brand', 'ean'), bare, aPrice), ['brand', 'ean']);
  });

  it('reads price as a price in the channel list', () => {
    assert.deepEqual(missingFields(requiring('price'), product('SKU-1'), null), ['price']);
    assert.deepEqual(missingFields(requiring('price'), product('SKU-1'), aPrice), []);
  });
});

describe('required fields: the sentence an operator reads', () => {
  it('names one field', () => {
    assert.equal(
      missingFieldsSentence('SKU-1', marketplace, ['ean']),
      'product SKU-1 has no EAN, which channel marketplace requires',
    );
  });

  it('joins two with "and", more with commas and "and"', () => {
    assert.equal(
      missingFieldsSentence('SKU-1', marketplace, ['ean', 'brand']),
      'product SKU-1 has no EAN and no brand, which channel marketplace requires',
    );
    assert.equal(
      missingFieldsSentence('SKU-1', marketplace, ['ean', 'brand', 'price']),
      'product SKU-1 has no EAN, no brand and no price in price list MKT-EUR, which channel marketplace requires',
    );
    assert.equal(
      missingFieldsSentence('SKU-1', marketplace, ['category', 'description', 'name', 'brand']),
      'product SKU-1 has no category, no description, no name and no brand, which channel marketplace requires',
    );
  });
});

describe('required fields: in the offer', () => {
  it('parks a product without an EAN, with the sentence, and tombstones its key', () => {
    const outcomes = skuOffers(
      marketplace,
      skuState('SKU-1', {
        product: product('SKU-1', { ean: null }),
        stock: [stock('SKU-1', 'WH-MAIN', 10)],
        prices: [price('SKU-1', 'MKT-EUR', '21.00')],
      }),
    );
    assert.deepEqual(outcomes, [
      {
        kind: 'park',
        key: 'SKU-1',
        reason: {
          code: 'MISSING_REQUIRED_FIELD',
          message: 'product SKU-1 has no EAN, which channel marketplace requires',
          sku: 'SKU-1',
          channel: 'marketplace',
          fields: ['ean'],
        },
      },
      { kind: 'tombstone', key: 'SKU-1', cause: 'parked' },
    ]);
  });

  it('names every missing field at once', () => {
    const outcomes = skuOffers(marketplace, sellable('SKU-1', { ean: '', brand: null }));
    const { reason } = parkOf(outcomes);
    assert.deepEqual(reason.fields, ['ean', 'brand']);
    assert.equal(reason.message, 'product SKU-1 has no EAN and no brand, which channel marketplace requires');
  });

  it('parks a product lacking a field even when it has no price either', () => {
    const noPrice = skuState('SKU-1', { product: product('SKU-1', { brand: null }) });
    assert.deepEqual(summary(skuOffers(marketplace, noPrice)), ['park SKU-1', 'tombstone SKU-1 (parked)']);
    assert.deepEqual(parkOf(skuOffers(marketplace, noPrice)).reason.fields, ['brand']);
  });

  it('parks a missing price when the channel requires one, instead of only delisting', () => {
    const noPrice = skuState('SKU-1', { product: product('SKU-1') });
    const pricey = channel({ requiredFields: ['price'] });
    const { reason } = parkOf(skuOffers(pricey, noPrice));
    assert.equal(
      reason.message,
      'product SKU-1 has no price in price list B2C-EUR, which channel webshop requires',
    );
    assert.deepEqual(summary(skuOffers(channel(), noPrice)), ['tombstone SKU-1 (no-price)']);
  });

  it('offers the product again once the ERP fills the field', () => {
    const fixed = skuState('SKU-1', {
      product: product('SKU-1', { ean: '4006381333931' }),
      prices: [price('SKU-1', 'MKT-EUR', '21.00')],
    });
    assert.equal(offerOf(skuOffers(marketplace, fixed)).ean, '4006381333931');
  });

  it('reports a missing field before a currency mismatch', () => {
    const euro = channel({ currency: 'EUR', requiredFields: ['ean'] });
    const state = skuState('SKU-1', {
      product: product('SKU-1', { ean: null }),
      prices: [price('SKU-1', 'B2C-EUR', '80.00', 'PLN')],
    });
    assert.equal(parkOf(skuOffers(euro, state)).reason.code, 'MISSING_REQUIRED_FIELD');
  });
});
