import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldValue } from '../../streams/processors/offers/field-mapping.ts';
import { mapFields, skuOffers } from '../../streams/processors/offers/index.ts';
import { channel, offerOf, product, sellable } from './offers-fixtures.ts';

const shirt = product('SKU-1-M', {
  parentSku: 'SKU-1',
  name: 'Trail shirt M',
  description: 'Merino.',
  ean: '4006381333931',
  brand: 'Nordwand',
  category: 'Apparel > T-Shirts',
  attributes: { color: 'red', size: 'M' },
});

describe('field mapping: values', () => {
  it('reads every canonical field a mapping may name', () => {
    assert.deepEqual(
      mapFields(
        {
          id: 'sku',
          parent: 'parentSku',
          title: 'name',
          body: 'description',
          gtin: 'ean',
          maker: 'brand',
          path: 'category',
        },
        shirt,
      ),
      {
        id: 'SKU-1-M',
        parent: 'SKU-1',
        title: 'Trail shirt M',
        body: 'Merino.',
        gtin: '4006381333931',
        maker: 'Nordwand',
        path: 'Apparel > T-Shirts',
      },
    );
  });

  it('reads attributes by name', () => {
    assert.deepEqual(mapFields({ colour: 'attributes.color', size: 'attributes.size' }, shirt), {
      colour: 'red',
      size: 'M',
    });
  });

  it('maps a missing value to null instead of dropping the key', () => {
    const bare = product('SKU-2', { ean: null, brand: null, description: null, category: null });
    assert.deepEqual(
      mapFields(
        { gtin: 'ean', maker: 'brand', body: 'description', path: 'category', parent: 'parentSku' },
        bare,
      ),
      { gtin: null, maker: null, body: null, path: null, parent: null },
    );
    assert.deepEqual(mapFields({ colour: 'attributes.color' }, bare), { colour: null });
  });

  it('maps a source it does not know to null', () => {
    assert.equal(fieldValue(shirt, 'weight'), null);
    assert.equal(fieldValue(shirt, 'active'), null);
    assert.equal(fieldValue(shirt, 'attributes'), null);
  });

  it('reads only attributes the product has, never inherited properties', () => {
    assert.equal(fieldValue(shirt, 'attributes.constructor'), null);
    assert.equal(fieldValue(shirt, 'attributes.toString'), null);
    assert.equal(fieldValue(shirt, 'attributes.__proto__'), null);
  });

  it('maps nothing when there is no mapping', () => {
    assert.deepEqual(mapFields({}, shirt), {});
  });

  it('may map one source to several output names', () => {
    assert.deepEqual(mapFields({ gtin: 'ean', barcode: 'ean' }, shirt), {
      gtin: '4006381333931',
      barcode: '4006381333931',
    });
  });
});

describe('field mapping: in the offer', () => {
  const mapped = channel({ fieldMapping: { gtin: 'ean', colour: 'attributes.color' } });

  it("travels in the offer's fields next to the canonical ones", () => {
    const offer = offerOf(skuOffers(mapped, sellable('SKU-1', { attributes: { color: 'blue' } })));
    assert.deepEqual(offer.fields, { gtin: '2000000000015', colour: 'blue' });
    assert.equal(offer.ean, '2000000000015');
    assert.deepEqual(offer.attributes, { color: 'blue' });
  });

  it('is empty when the channel maps nothing', () => {
    assert.deepEqual(offerOf(skuOffers(channel(), sellable('SKU-1'))).fields, {});
  });

  it('changes the hash when a value that was missing appears', () => {
    const [before] = skuOffers(mapped, sellable('SKU-1'));
    const [after] = skuOffers(mapped, sellable('SKU-1', { attributes: { color: 'blue' } }));
    assert.ok(before?.kind === 'offer' && after?.kind === 'offer');
    assert.deepEqual(before.value.fields, { gtin: '2000000000015', colour: null });
    assert.notEqual(before.hash, after.hash);
  });
});
