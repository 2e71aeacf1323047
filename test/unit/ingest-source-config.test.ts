import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import {
  checkSources,
  sourcesJsonSchema,
  type IngestConfig,
  type SourceConfig,
} from '../../streams/processors/ingest/index.ts';
import { sampleConfig } from './ingest-fixtures.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['sources'],
  properties: { sources: sourcesJsonSchema },
};

function problems(document: unknown): string {
  try {
    validateConfig(schema, document, 'syncline.yaml');
  } catch (error) {
    assert.ok(error instanceof SynclineError);
    return error.message;
  }
  assert.fail('expected the config to be refused');
}

const exampleYaml = `
sources:
  - id: postgres
    topicPrefix: erp.postgres          # CDC topics: <topicPrefix>.<schema>.<table>
    owns: { entities: [product, stock, price], warehouses: [WH-MAIN, WH-SOUTH] }
    tables:
      erp.product:
        entity: product
        columns: { sku: sku, parentSku: parent_sku, name: name, description: description, ean: ean,
                   brand: brand, category: category, attributes: attributes, active: active, updatedAt: updated_at }
      erp.stock_level:
        entity: stock
        columns: { sku: sku, warehouse: warehouse_code, onHand: on_hand, reserved: reserved, updatedAt: updated_at }
      erp.price:
        entity: price
        columns: { sku: sku, priceList: price_list_code, amount: amount, updatedAt: updated_at }
        currencyByPriceList: { B2C-EUR: EUR, B2B-EUR: EUR, MKT-EUR: EUR, B2C-PLN: PLN }
  - id: mariadb
    topicPrefix: erp.mariadb
    owns: { entities: [stock], warehouses: [WH-3PL] }
    tables:
      erp.stock_level:
        entity: stock
        columns: { sku: sku, warehouse: warehouse_code, onHand: on_hand, reserved: reserved, updatedAt: updated_at }
`;

describe('sources config: JSON Schema', () => {
  it('accepts the documented YAML example and the test sample', () => {
    const config = validateConfig<IngestConfig>(schema, parse(exampleYaml), 'syncline.yaml');
    assert.equal(config.sources[0]?.tables['erp.price']?.entity, 'price');
    assert.deepEqual(checkSources(config.sources), []);
    validateConfig(schema, sampleConfig, 'syncline.yaml');
    assert.deepEqual(checkSources(sampleConfig.sources), []);
  });

  it('names each bad key, all at once', () => {
    const message = problems({
      sources: [
        {
          id: 'Postgres',
          topicPrefix: 'erp postgres',
          owns: { entities: ['product', 'offer'] },
          tables: {
            product: { entity: 'product', columns: { sku: 'sku' } },
            'erp.stock_level': { entity: 'stock', columns: { sku: 'sku', onhand: 'on_hand' } },
            'erp.price': {
              entity: 'price',
              columns: { sku: 'sku' },
              currencyByPriceList: { 'B2C-EUR': 'euro' },
            },
            'erp.thing': { entity: 'thing', columns: {} },
            'erp.product': { entity: 'product', columns: { sku: 'sku' }, constants: { attributes: '{}' } },
          },
          extra: true,
        },
      ],
    });
    assert.match(message, /sources\[0\]\.id: "Postgres" does not match the pattern/);
    assert.match(message, /sources\[0\]\.topicPrefix: "erp postgres" does not match the pattern/);
    assert.match(
      message,
      /sources\[0\]\.owns\.entities\[1\]: expected one of "product", "stock", "price", got "offer"/,
    );
    assert.match(message, /sources\[0\]\.tables\.erp\.stock_level\.columns\.onhand: unknown key/);
    assert.match(
      message,
      /sources\[0\]\.tables\.erp\.price\.currencyByPriceList\.B2C-EUR: "euro" does not match the pattern/,
    );
    assert.match(message, /sources\[0\]\.tables\.erp\.thing\.entity: expected one of/);
    assert.match(message, /sources\[0\]\.tables\.erp\.product\.constants\.attributes: unknown key/);
    assert.match(message, /sources\[0\]\.extra: unknown key/);
    assert.match(message, /sources\[0\]\.tables\.product: unknown key/); // a table name without its schema
  });

  it('requires a table mapping to say its entity and columns', () => {
    const message = problems({
      sources: [
        {
          id: 'pg',
          topicPrefix: 'erp.pg',
          owns: { entities: [] },
          tables: { 'erp.product': { columns: {} } },
        },
      ],
    });
    assert.match(message, /sources\[0\]\.tables\.erp\.product\.entity: required but missing/);
  });
});

describe('sources config: cross-field rules', () => {
  const source = (
    tables: SourceConfig['tables'],
    owns: SourceConfig['owns'] = { entities: ['product', 'stock', 'price'] },
  ): SourceConfig => ({
    id: 'pg',
    topicPrefix: 'erp.pg',
    owns,
    tables,
  });

  it('wants every required field reachable, the SKU from a column', () => {
    const found = checkSources([
      source({
        'erp.product': { entity: 'product', columns: { name: 'name' } },
        'erp.stock_level': { entity: 'stock', columns: { sku: 'sku', warehouse: 'wh' } },
        'erp.price': { entity: 'price', columns: { sku: 'sku', priceList: 'list', amount: 'amount' } },
      }),
    ]);
    assert.deepEqual(found, [
      'sources[0].tables.erp.product.columns.sku: required, the SKU must come from a column',
      'sources[0].tables.erp.product.columns.sku: sku is required; give it a column, a constant or a default',
      'sources[0].tables.erp.product.columns.active: active is required; give it a column, a constant or a default',
      'sources[0].tables.erp.stock_level.columns.onHand: onHand is required; give it a column, a constant or a default',
      'sources[0].tables.erp.price.columns.currency: currency is required; give it a column, a constant, a default or currencyByPriceList',
    ]);
  });

  it('refuses a field that is both a column and a constant, defaults for key fields, constants of the wrong kind', () => {
    const found = checkSources([
      source({
        'erp.stock_level': {
          entity: 'stock',
          columns: { sku: 'sku', warehouse: 'wh', onHand: 'qty' },
          constants: { warehouse: 'MAIN', reserved: 'none' },
          defaults: { reserved: 0, sku: 'X' },
        },
        'erp.price': {
          entity: 'price',
          columns: { sku: 'sku', priceList: 'list', amount: 'amount' },
          constants: { currency: 'euro' },
          defaults: { amount: -1 },
        },
      }),
    ]);
    assert.deepEqual(found, [
      "sources[0].tables.erp.stock_level.defaults.sku: sku is part of the record's key; map it to a column or make it a constant",
      'sources[0].tables.erp.stock_level.constants.warehouse: also mapped to column wh; keep one of the two',
      'sources[0].tables.erp.stock_level.defaults.reserved: never used, reserved is a constant',
      'sources[0].tables.erp.stock_level.constants.reserved: expected an integer, got "none"',
      'sources[0].tables.erp.price.defaults.amount: expected a non-negative decimal as text (set decimal.handling.mode=string on the connector), got -1',
      'sources[0].tables.erp.price.constants.currency: expected an ISO 4217 currency code such as "EUR", got "euro"',
    ]);
  });

  it('refuses contradictions with ownership and duplicate ids or prefixes', () => {
    const found = checkSources([
      source(
        {
          'erp.stock_level': {
            entity: 'stock',
            columns: { sku: 'sku', onHand: 'qty' },
            constants: { warehouse: 'WH-3PL' },
          },
        },
        { entities: ['product'], warehouses: ['WH-MAIN'], priceLists: ['B2C'] },
      ),
      source({}),
    ]);
    assert.deepEqual(found, [
      'sources[0].owns.warehouses: listed, but the source does not own stock (add stock to owns.entities)',
      'sources[0].owns.priceLists: listed, but the source does not own prices (add price to owns.entities)',
      'sources[0].tables.erp.stock_level.constants.warehouse: WH-3PL is not in owns.warehouses, so every row would be parked',
      'sources[1].id: pg is also the id of sources[0]',
      'sources[1].topicPrefix: erp.pg is also the topic prefix of sources[0]',
    ]);
  });
});
