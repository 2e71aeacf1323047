import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Offer, OfferVariant } from '../../streams/contracts/channel-offer.ts';
import {
  configurableProduct,
  delistProduct,
  magentoPrice,
  offerSourceItems,
  simpleProduct,
  UnsendableOffer,
  variantProduct,
} from '../../streams/sinks/adapters/magento/magento-product-payload.ts';

const settings = {
  attributeMapping: { description: 'description', ean: 'ean', brand: 'manufacturer' },
  attributeSetId: 4,
  websiteIds: [1],
  sourceCode: 'default',
} as const;

function offer(overrides: Partial<Offer> = {}): Offer {
  return {
    channel: 'webshop',
    sku: 'SKU-1',
    parentSku: null,
    name: 'Trail shirt',
    description: 'A shirt.',
    ean: '2000000000015',
    brand: 'Nordwand',
    category: 'Apparel > T-Shirts',
    attributes: { color: 'red' },
    price: { amount: '19.90', currency: 'EUR' },
    quantity: 7,
    variants: [],
    fields: {},
    ...overrides,
  };
}

function variant(sku: string, overrides: Partial<OfferVariant> = {}): OfferVariant {
  return {
    sku,
    name: `Trail shirt ${sku}`,
    ean: `ean-${sku}`,
    attributes: { size: 'M' },
    price: { amount: '21.00', currency: 'EUR' },
    quantity: 3,
    fields: {},
    ...overrides,
  };
}

describe('magentoPrice', () => {
  it('turns the decimal text into the JSON number of the same decimal', () => {
    assert.equal(magentoPrice('19.90'), 19.9);
    assert.equal(JSON.stringify({ price: magentoPrice('19.90') }), '{"price":19.9}');
    assert.equal(JSON.stringify(magentoPrice('0.10')), '0.1');
    assert.equal(JSON.stringify(magentoPrice('1234567.89')), '1234567.89');
    assert.equal(magentoPrice('0'), 0);
  });

  it('keeps every amount of up to 15 significant digits exact through JSON', () => {
    for (const amount of ['0.01', '0.07', '1.15', '2.675', '99999999.99', '123456789012.345']) {
      assert.equal(JSON.parse(JSON.stringify(magentoPrice(amount))), Number(amount));
      assert.equal(String(magentoPrice(amount)), amount.replace(/\.?0+$/, ''));
    }
  });

  it('refuses what is not a non-negative decimal, or has more digits than a double keeps', () => {
    for (const amount of ['-1.00', '1e3', '', '12,50', ' 1.00', 'NaN']) {
      assert.throws(
        () => magentoPrice(amount),
        (error: unknown) => {
          assert.ok(error instanceof UnsendableOffer);
          assert.equal(error.code, 'INVALID_PRICE');
          return true;
        },
      );
    }
    assert.throws(() => magentoPrice('12345678901234.567'), UnsendableOffer);
    assert.equal(magentoPrice('000012.500000'), 12.5);
  });
});

describe('simpleProduct', () => {
  it('is the PUT /V1/products/{sku} body of a flat offer', () => {
    assert.deepEqual(simpleProduct(offer({ fields: { gtin: '2000000000015', colour: 'red' } }), settings), {
      product: {
        sku: 'SKU-1',
        name: 'Trail shirt',
        price: 19.9,
        status: 1,
        visibility: 4,
        type_id: 'simple',
        attribute_set_id: 4,
        custom_attributes: [
          { attribute_code: 'description', value: 'A shirt.' },
          { attribute_code: 'ean', value: '2000000000015' },
          { attribute_code: 'manufacturer', value: 'Nordwand' },
          { attribute_code: 'gtin', value: '2000000000015' },
          { attribute_code: 'colour', value: 'red' },
        ],
        extension_attributes: { website_ids: [1] },
      },
    });
  });

  it('clears an attribute whose value the product lacks, and lets a field win over a mapped fact', () => {
    const body = simpleProduct(
      offer({ ean: null, fields: { manufacturer: 'Own label', note: null } }),
      settings,
    );
    assert.deepEqual(body.product.custom_attributes, [
      { attribute_code: 'description', value: 'A shirt.' },
      { attribute_code: 'ean', value: '' },
      { attribute_code: 'manufacturer', value: 'Own label' },
      { attribute_code: 'note', value: '' },
    ]);
  });

  it('sends only the facts the mapping names', () => {
    const body = simpleProduct(offer({ parentSku: 'FAM-1' }), {
      ...settings,
      attributeMapping: { parentSku: 'parent_sku', category: 'erp_category' },
    });
    assert.deepEqual(body.product.custom_attributes, [
      { attribute_code: 'parent_sku', value: 'FAM-1' },
      { attribute_code: 'erp_category', value: 'Apparel > T-Shirts' },
    ]);
  });

  it('rejects an offer whose price Magento cannot take', () => {
    assert.throws(
      () => simpleProduct(offer({ price: { amount: 'abc', currency: 'EUR' } }), settings),
      UnsendableOffer,
    );
  });
});

describe('grouped offers', () => {
  const family = offer({ sku: 'FAM-1', variants: [variant('FAM-1-M'), variant('FAM-1-L', { quantity: 0 })] });

  it('makes each variant a simple child, not visible on its own, with the family brand', () => {
    const child = variantProduct(family.variants[0] as OfferVariant, family, settings, [
      { attribute_code: 'size', value: '168' },
    ]);
    assert.deepEqual(child, {
      product: {
        sku: 'FAM-1-M',
        name: 'Trail shirt FAM-1-M',
        price: 21,
        status: 1,
        visibility: 1,
        type_id: 'simple',
        attribute_set_id: 4,
        custom_attributes: [
          { attribute_code: 'description', value: 'A shirt.' },
          { attribute_code: 'ean', value: 'ean-FAM-1-M' },
          { attribute_code: 'manufacturer', value: 'Nordwand' },
          { attribute_code: 'size', value: '168' },
        ],
        extension_attributes: { website_ids: [1] },
      },
    });
  });

  it('makes the parent a configurable linking the children by entity id', () => {
    const options = [{ attribute_id: '141', label: 'Size', position: 0, values: [{ value_index: 168 }] }];
    const parent = configurableProduct(family, [11, 12], options, settings);
    assert.equal(parent.product.type_id, 'configurable');
    assert.equal(parent.product.visibility, 4);
    assert.deepEqual(parent.product.extension_attributes, {
      website_ids: [1],
      configurable_product_links: [11, 12],
      configurable_product_options: options,
    });
    const withoutOptions = configurableProduct(family, [11], [], settings);
    assert.deepEqual(withoutOptions.product.extension_attributes, {
      website_ids: [1],
      configurable_product_links: [11],
    });
  });

  it("puts a family's stock on its variants: a configurable holds none in MSI", () => {
    assert.deepEqual(offerSourceItems(family, settings), [
      { sku: 'FAM-1-M', source_code: 'default', quantity: 3, status: 1 },
      { sku: 'FAM-1-L', source_code: 'default', quantity: 0, status: 0 },
    ]);
  });
});

describe('stock and delist', () => {
  it("sets a flat offer's quantity on the configured source, in stock only above zero", () => {
    assert.deepEqual(offerSourceItems(offer(), { sourceCode: 'wh-1' }), [
      { sku: 'SKU-1', source_code: 'wh-1', quantity: 7, status: 1 },
    ]);
    assert.deepEqual(offerSourceItems(offer({ quantity: 0 }), settings), [
      { sku: 'SKU-1', source_code: 'default', quantity: 0, status: 0 },
    ]);
  });

  it('delists by disabling, nothing else', () => {
    assert.deepEqual(delistProduct('SKU-1'), { product: { sku: 'SKU-1', status: 2 } });
  });
});
