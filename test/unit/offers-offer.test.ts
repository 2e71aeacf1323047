import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { priceKey, productKey, stockKey } from '../../streams/contracts/canonical.ts';
import {
  applyCanonical,
  contentHash,
  offersFor,
  skuOffers,
  type Offer,
} from '../../streams/processors/offers/index.ts';
import { channel, offerOf, price, product, sellable, skuState, stock, summary } from './offers-fixtures.ts';

const webshop = channel();

describe('flat offer: a sellable SKU', () => {
  it('is one offer keyed by the SKU, with the channel view and its hash', () => {
    const outcomes = skuOffers(
      channel({ fieldMapping: { gtin: 'ean' } }),
      sellable('SKU-1', { attributes: { color: 'red' } }),
    );
    const expected: Offer = {
      channel: 'webshop',
      sku: 'SKU-1',
      parentSku: null,
      name: 'Product SKU-1',
      description: 'A product.',
      ean: '2000000000015',
      brand: 'Nordwand',
      category: 'Apparel > T-Shirts',
      attributes: { color: 'red' },
      price: { amount: '19.90', currency: 'EUR' },
      quantity: 10,
      variants: [],
      fields: { gtin: '2000000000015' },
    };
    assert.deepEqual(outcomes, [
      { kind: 'offer', key: 'SKU-1', value: expected, hash: contentHash(expected) },
    ]);
  });

  it('names the channel it is for', () => {
    assert.equal(offerOf(skuOffers(channel({ id: 'b2b-portal' }), sellable('SKU-1'))).channel, 'b2b-portal');
  });

  it('is the same for a flat channel through offersFor', () => {
    assert.deepEqual(offersFor(webshop, sellable('SKU-1')), skuOffers(webshop, sellable('SKU-1')));
  });
});

describe('flat offer: price list', () => {
  const twoLists = skuState('SKU-1', {
    product: product('SKU-1'),
    stock: [stock('SKU-1', 'WH-MAIN', 10)],
    prices: [price('SKU-1', 'B2C-EUR', '19.90'), price('SKU-1', 'B2B-EUR', '15.00')],
  });

  it("sells at the channel's price list, whatever others the SKU has", () => {
    assert.deepEqual(offerOf(skuOffers(webshop, twoLists)).price, { amount: '19.90', currency: 'EUR' });
    assert.deepEqual(offerOf(skuOffers(channel({ priceList: 'B2B-EUR' }), twoLists)).price, {
      amount: '15.00',
      currency: 'EUR',
    });
  });

  it('keeps the amount as the text the ERP gave', () => {
    const state = skuState('SKU-1', {
      product: product('SKU-1'),
      prices: [price('SKU-1', 'B2C-EUR', '0.10')],
    });
    assert.equal(offerOf(skuOffers(webshop, state)).price.amount, '0.10');
  });

  it('is a tombstone when the channel list has no price, even if another list has one', () => {
    const otherList = skuState('SKU-1', {
      product: product('SKU-1'),
      stock: [stock('SKU-1', 'WH-MAIN', 10)],
      prices: [price('SKU-1', 'B2B-EUR', '15.00')],
    });
    assert.deepEqual(skuOffers(webshop, otherList), [{ kind: 'tombstone', key: 'SKU-1', cause: 'no-price' }]);
  });
});

describe('flat offer: currency', () => {
  const inPln = skuState('SKU-1', {
    product: product('SKU-1'),
    prices: [price('SKU-1', 'B2C-EUR', '85.00', 'PLN')],
  });

  it('parks a price in another currency than the channel sells in, and tombstones the key', () => {
    assert.deepEqual(skuOffers(channel({ currency: 'EUR' }), inPln), [
      {
        kind: 'park',
        key: 'SKU-1',
        reason: {
          code: 'CURRENCY_MISMATCH',
          message: 'product SKU-1 is priced in PLN in price list B2C-EUR, but channel webshop sells in EUR',
          sku: 'SKU-1',
          channel: 'webshop',
          fields: [],
        },
      },
      { kind: 'tombstone', key: 'SKU-1', cause: 'parked' },
    ]);
  });

  it('offers a price in the channel currency', () => {
    assert.deepEqual(offerOf(skuOffers(channel({ currency: 'PLN' }), inPln)).price, {
      amount: '85.00',
      currency: 'PLN',
    });
  });

  it('offers any currency when the channel names none', () => {
    assert.equal(offerOf(skuOffers(webshop, inPln)).price.currency, 'PLN');
  });
});

describe('flat offer: warehouses and safety stock', () => {
  const spread = skuState('SKU-1', {
    product: product('SKU-1'),
    stock: [stock('SKU-1', 'WH-MAIN', 10, 4), stock('SKU-1', 'WH-3PL', 3), stock('SKU-1', 'WH-SOUTH', 40)],
    prices: [price('SKU-1', 'B2C-EUR', '19.90')],
  });

  it('counts only the warehouses the channel sells from', () => {
    assert.equal(offerOf(skuOffers(webshop, spread)).quantity, 9);
    assert.equal(offerOf(skuOffers(channel({ warehouses: ['WH-SOUTH', 'WH-3PL'] }), spread)).quantity, 43);
  });

  it('holds back the safety stock, never below 0', () => {
    assert.equal(offerOf(skuOffers(channel({ safetyStock: 2 }), spread)).quantity, 7);
    assert.equal(offerOf(skuOffers(channel({ safetyStock: 9 }), spread)).quantity, 0);
    assert.equal(offerOf(skuOffers(channel({ safetyStock: 50 }), spread)).quantity, 0);
  });
});

describe('flat offer: deletes and nulls', () => {
  it('is a tombstone when the product is deleted', () => {
    const deleted = applyCanonical(sellable('SKU-1'), {
      entity: 'product',
      key: productKey('SKU-1'),
      value: null,
    });
    assert.deepEqual(skuOffers(webshop, deleted), [{ kind: 'tombstone', key: 'SKU-1', cause: 'deleted' }]);
  });

  it('is a tombstone while stock and price have arrived but the product has not', () => {
    const orphan = skuState('SKU-1', {
      stock: [stock('SKU-1', 'WH-MAIN', 10)],
      prices: [price('SKU-1', 'B2C-EUR', '19.90')],
    });
    assert.deepEqual(summary(skuOffers(webshop, orphan)), ['tombstone SKU-1 (deleted)']);
  });

  it('is a tombstone when the price is deleted', () => {
    const noPrice = applyCanonical(sellable('SKU-1'), {
      entity: 'price',
      key: priceKey('SKU-1', 'B2C-EUR'),
      value: null,
    });
    assert.deepEqual(summary(skuOffers(webshop, noPrice)), ['tombstone SKU-1 (no-price)']);
  });

  it('offers quantity 0 when the stock row is deleted', () => {
    const noStock = applyCanonical(sellable('SKU-1'), {
      entity: 'stock',
      key: stockKey('SKU-1', 'WH-MAIN'),
      value: null,
    });
    assert.equal(offerOf(skuOffers(webshop, noStock)).quantity, 0);
  });

  it('carries null product fields as null', () => {
    const bare = sellable('SKU-1', { description: null, ean: null, brand: null, category: null });
    const offer = offerOf(skuOffers(webshop, bare));
    assert.deepEqual([offer.description, offer.ean, offer.brand, offer.category], [null, null, null, null]);
  });

  it('reports a deleted product before any filter', () => {
    const strict = channel({
      filters: { activeOnly: true, excludeSkus: ['SKU-1'] },
      requiredFields: ['ean'],
    });
    assert.deepEqual(summary(skuOffers(strict, skuState('SKU-1', { product: null }))), [
      'tombstone SKU-1 (deleted)',
    ]);
  });
});

describe('flat offer: variants', () => {
  it("is one offer per variant under its own SKU, carrying its parent's SKU", () => {
    const variant = sellable('SKU-1-M', { parentSku: 'SKU-1', attributes: { size: 'M' } });
    const outcomes = offersFor(webshop, variant);
    assert.deepEqual(summary(outcomes), ['offer SKU-1-M']);
    const offer = offerOf(outcomes);
    assert.equal(offer.parentSku, 'SKU-1');
    assert.deepEqual(offer.variants, []);
    assert.deepEqual(offer.attributes, { size: 'M' });
  });

  it('offers a parent alone, without its variants', () => {
    assert.deepEqual(offerOf(offersFor(webshop, sellable('SKU-1'))).variants, []);
  });
});

describe('offersFor: grouped channels', () => {
  it('throws without a family: offering a parent without its variants would delist them', () => {
    assert.throws(() => offersFor(channel({ variants: 'grouped' }), sellable('SKU-1')), {
      message: 'channel webshop groups variants: offersFor needs the family of SKU SKU-1',
    });
  });
});
