import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import avsc from 'avsc';
import {
  canonicalTopics,
  type Price,
  type Product,
  type StockLevel,
} from '../../streams/contracts/canonical.ts';

const schemaOf = (topic: string): avsc.Schema =>
  JSON.parse(readFileSync(new URL(`../../schemas/${topic}.avsc`, import.meta.url), 'utf8')) as avsc.Schema;

const product: Product = {
  sku: 'TSH-001-M-BLK',
  parentSku: 'TSH-001',
  name: 'Organic cotton T-shirt, black, M',
  description: 'Heavy jersey, 180 g/m².',
  ean: '4006381333931',
  brand: 'Nordwand',
  category: 'Apparel/T-shirts',
  attributes: { size: 'M', colour: 'black' },
  active: true,
  updatedAtMs: Date.UTC(2026, 0, 1, 0, 0, 0, 123),
};
const stock: StockLevel = {
  sku: 'TSH-001-M-BLK',
  warehouse: 'WH-MAIN',
  onHand: -2,
  reserved: 3,
  updatedAtMs: null,
};
const price: Price = {
  sku: 'TSH-001-M-BLK',
  priceList: 'B2C-EUR',
  currency: 'EUR',
  amount: '19.90',
  updatedAtMs: 1,
};

const samples = [
  { topic: canonicalTopics.product, name: 'dev.syncline.catalog.Product', value: product },
  { topic: canonicalTopics.stock, name: 'dev.syncline.catalog.StockLevel', value: stock },
  { topic: canonicalTopics.price, name: 'dev.syncline.catalog.Price', value: price },
] as const;

const sparse: Product = {
  ...product,
  parentSku: null,
  description: null,
  ean: null,
  brand: null,
  category: null,
  attributes: {},
  updatedAtMs: null,
};

describe('canonical Avro schemas', () => {
  for (const { topic, name, value } of samples) {
    it(`${topic}: parses, names the record in dev.syncline.catalog, has exactly the TypeScript fields`, () => {
      const type = avsc.Type.forSchema(schemaOf(topic));
      assert.equal(type.name, name);
      const fields = (schemaOf(topic) as { fields: { name: string }[] }).fields.map((field) => field.name);
      assert.deepEqual([...fields].sort(), Object.keys(value).sort());
    });

    it(`${topic}: round-trips a sample record`, () => {
      const type = avsc.Type.forSchema(schemaOf(topic));
      const decoded: unknown = type.fromBuffer(type.toBuffer(value));
      assert.deepEqual({ ...(decoded as object) }, value);
    });

    it(`${topic}: gives every nullable field a null default, so adding fields stays BACKWARD compatible`, () => {
      const fields = (schemaOf(topic) as { fields: { name: string; type: unknown; default?: unknown }[] })
        .fields;
      for (const field of fields.filter((f) => Array.isArray(f.type))) {
        assert.equal((field.type as unknown[])[0], 'null', field.name);
        assert.equal(field.default, null, field.name);
      }
    });
  }

  it('round-trips a product with every optional field null and no attributes', () => {
    const type = avsc.Type.forSchema(schemaOf(canonicalTopics.product));
    assert.deepEqual({ ...(type.fromBuffer(type.toBuffer(sparse)) as object) }, sparse);
  });

  it('reads a product written before an optional field existed (BACKWARD)', () => {
    const schema = schemaOf(canonicalTopics.product) as { fields: { name: string }[] };
    const older = { ...schema, fields: schema.fields.filter((field) => field.name !== 'brand') };
    const writer = avsc.Type.forSchema(older as avsc.Schema);
    const reader = avsc.Type.forSchema(schema as avsc.Schema);
    const { brand: _brand, ...withoutBrand } = product;
    const resolver = reader.createResolver(writer);
    const read = reader.fromBuffer(writer.toBuffer(withoutBrand), resolver) as Product;
    assert.equal(read.brand, null);
    assert.equal(read.sku, product.sku);
  });

  it('refuses a price whose amount is a number: money is text', () => {
    const type = avsc.Type.forSchema(schemaOf(canonicalTopics.price));
    assert.equal(type.isValid({ ...price, amount: 19.9 }), false);
  });
});
