import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { priceKey, stockKey } from '../../streams/contracts/canonical.ts';
import { ingestEvent } from '../../streams/processors/ingest/index.ts';
import {
  key,
  parked,
  pgPrice,
  pgProduct,
  pgStock,
  pgValue,
  recordsOf,
  sampleConfig,
} from './ingest-fixtures.ts';

const productTopic = 'erp.postgres.erp.product';
const stockTopic = 'erp.postgres.erp.stock_level';
const priceTopic = 'erp.postgres.erp.price';
const skuKey = key({ sku: 'TSH-001-M-BLK' });
const stockRowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-MAIN' });

describe('ingest of PostgreSQL change events: each op', () => {
  it('maps a snapshot read of a product, with lineage', () => {
    const value = pgValue({ op: 'r', table: 'product', after: pgProduct(), lsn: 38_642_664, txId: 812 });
    const [record, ...rest] = recordsOf(ingestEvent(sampleConfig, productTopic, skuKey, value));
    assert.equal(rest.length, 0);
    assert.deepEqual(record, {
      entity: 'product',
      key: 'TSH-001-M-BLK',
      value: {
        sku: 'TSH-001-M-BLK',
        parentSku: 'TSH-001',
        name: 'Organic cotton T-shirt, black, M',
        description: 'Heavy jersey, 180 g/m².',
        ean: '4006381333931',
        brand: 'Nordwand',
        category: 'Apparel/T-shirts',
        attributes: { size: 'M', colour: 'black', weight_g: '180' },
        active: true,
        updatedAtMs: Date.UTC(2026, 0, 1, 0, 0, 0, 123),
      },
      lineage: {
        source: 'postgres',
        table: 'erp.product',
        position: '38642664',
        txId: '812',
        commitTimeMs: 1_767_225_600_123,
        op: 'r',
      },
    });
  });

  it('maps an insert of a stock level, keyed by SKU and warehouse', () => {
    const value = pgValue({ op: 'c', table: 'stock_level', after: pgStock() });
    const [record] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.deepEqual(record?.value, {
      sku: 'TSH-001-M-BLK',
      warehouse: 'WH-MAIN',
      onHand: 42,
      reserved: 3,
      updatedAtMs: Date.UTC(2026, 0, 1),
    });
    assert.equal(record?.key, stockKey('TSH-001-M-BLK', 'WH-MAIN'));
    assert.equal(record?.lineage.op, 'c');
  });

  it('maps an update of a price, amount as exact text and currency from its price list', () => {
    const value = pgValue({
      op: 'u',
      table: 'price',
      before: pgPrice({ amount: '21.00' }),
      after: pgPrice({ price_list_code: 'B2C-PLN', amount: '89.90' }),
    });
    // A price list change is a key change: before says B2C-EUR, so its tombstone comes first.
    const records = recordsOf(ingestEvent(sampleConfig, priceTopic, key({ sku: 'TSH-001-M-BLK' }), value));
    assert.deepEqual(
      records.map((r) => [r.key, r.value]),
      [
        [priceKey('TSH-001-M-BLK', 'B2C-EUR'), null],
        [
          priceKey('TSH-001-M-BLK', 'B2C-PLN'),
          {
            sku: 'TSH-001-M-BLK',
            priceList: 'B2C-PLN',
            currency: 'PLN',
            amount: '89.90',
            updatedAtMs: Date.UTC(2026, 0, 1),
          },
        ],
      ],
    );
  });

  it('maps an update that keeps the key to one record', () => {
    const value = pgValue({
      op: 'u',
      table: 'stock_level',
      before: pgStock(),
      after: pgStock({ on_hand: 41 }),
    });
    const records = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(records.length, 1);
    assert.equal(records[0]?.value && 'onHand' in records[0].value ? records[0].value.onHand : null, 41);
  });

  it('maps an update without before (default replica identity) to one record', () => {
    const value = pgValue({ op: 'u', table: 'stock_level', before: null, after: pgStock({ on_hand: 40 }) });
    assert.equal(recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value)).length, 1);
  });

  it('maps a delete to a tombstone with delete lineage', () => {
    const value = pgValue({ op: 'd', table: 'stock_level', before: pgStock(), lsn: 38_700_000 });
    const [record, ...rest] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(rest.length, 0);
    assert.equal(record?.entity, 'stock');
    assert.equal(record?.key, stockKey('TSH-001-M-BLK', 'WH-MAIN'));
    assert.equal(record?.value, null);
    assert.equal(record?.lineage.op, 'd');
    assert.equal(record?.lineage.position, '38700000');
  });

  it('maps a delete whose before holds only the primary key', () => {
    const before = {
      sku: 'TSH-001-M-BLK',
      warehouse_code: 'WH-MAIN',
      on_hand: null,
      reserved: null,
      updated_at: null,
    };
    const value = pgValue({ op: 'd', table: 'stock_level', before });
    const [record] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(record?.key, stockKey('TSH-001-M-BLK', 'WH-MAIN'));
  });

  it('maps a delete without before from the CDC key', () => {
    const value = pgValue({ op: 'd', table: 'price', before: null });
    const cdcKey = key({ sku: 'TSH-001-M-BLK', price_list_code: 'B2B-EUR' });
    const [record] = recordsOf(ingestEvent(sampleConfig, priceTopic, cdcKey, value));
    assert.equal(record?.key, priceKey('TSH-001-M-BLK', 'B2B-EUR'));
    assert.equal(record?.value, null);
  });

  it('parks a delete it cannot identify, saying how to fix the table', () => {
    const value = pgValue({ op: 'd', table: 'price', before: null });
    const outcome = parked(ingestEvent(sampleConfig, priceTopic, key({ id: 7 }), value));
    assert.equal(outcome.reason.code, 'MISSING_FIELD');
    assert.match(outcome.reason.message, /REPLICA IDENTITY FULL/);
  });

  it('ignores the Debezium tombstone after a delete: the d event already produced the canonical one', () => {
    const outcome = ingestEvent(sampleConfig, stockTopic, stockRowKey, null);
    assert.equal(outcome.kind, 'ignore');
    assert.match(outcome.kind === 'ignore' ? outcome.why : '', /tombstone/);
  });

  it('parks a truncate: the canonical records cannot be deleted row by row', () => {
    const value = pgValue({ op: 't', table: 'stock_level' });
    const outcome = parked(ingestEvent(sampleConfig, stockTopic, null, value));
    assert.equal(outcome.reason.code, 'TABLE_TRUNCATED');
    assert.match(outcome.reason.message, /erp\.stock_level of source postgres was truncated.*resync/);
  });

  it('reads bytes as well as text', () => {
    const value = Buffer.from(pgValue({ op: 'c', table: 'stock_level', after: pgStock() }));
    const [record] = recordsOf(ingestEvent(sampleConfig, stockTopic, Buffer.from(stockRowKey), value));
    assert.equal(record?.key, stockKey('TSH-001-M-BLK', 'WH-MAIN'));
  });
});

describe('ingest of PostgreSQL change events: values', () => {
  it('takes nulls in optional columns as null and a null attributes column as no attributes', () => {
    const after = pgProduct({
      parent_sku: null,
      description: null,
      ean: null,
      brand: null,
      category: null,
      attributes: null,
      updated_at: null,
    });
    const [record] = recordsOf(
      ingestEvent(sampleConfig, productTopic, skuKey, pgValue({ op: 'c', table: 'product', after })),
    );
    assert.deepEqual(record?.value, {
      sku: 'TSH-001-M-BLK',
      parentSku: null,
      name: 'Organic cotton T-shirt, black, M',
      description: null,
      ean: null,
      brand: null,
      category: null,
      attributes: {},
      active: true,
      updatedAtMs: null,
    });
  });

  it('takes blank optional codes as null', () => {
    const after = pgProduct({ ean: '   ', parent_sku: '' });
    const [record] = recordsOf(
      ingestEvent(sampleConfig, productTopic, skuKey, pgValue({ op: 'c', table: 'product', after })),
    );
    assert.ok(record?.value && 'ean' in record.value);
    assert.equal(record.value.ean, null);
    assert.equal(record.value.parentSku, null);
  });

  it('keeps negative stock on hand: the ERP books oversold stock below zero', () => {
    const value = pgValue({ op: 'u', table: 'stock_level', after: pgStock({ on_hand: -2 }) });
    const [record] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.ok(record?.value && 'onHand' in record.value);
    assert.equal(record.value.onHand, -2);
  });

  it('parks a missing required column value with MISSING_FIELD naming topic, key and column', () => {
    const value = pgValue({ op: 'c', table: 'product', after: pgProduct({ name: null }) });
    const { reason } = parked(ingestEvent(sampleConfig, productTopic, skuKey, value));
    assert.equal(reason.code, 'MISSING_FIELD');
    assert.equal(reason.sku, 'TSH-001-M-BLK');
    assert.equal(
      reason.message,
      'erp.postgres.erp.product key {"sku":"TSH-001-M-BLK"}: the product row of SKU TSH-001-M-BLK cannot be mapped: name is missing: column name is null',
    );
  });

  it('parks a row whose required column is not there at all (renamed in the ERP)', () => {
    const after = pgProduct();
    delete after.active;
    const { reason } = parked(
      ingestEvent(sampleConfig, productTopic, skuKey, pgValue({ op: 'c', table: 'product', after })),
    );
    assert.equal(reason.code, 'MISSING_FIELD');
    assert.match(reason.message, /active is missing: column active is not in the row/);
  });

  it('parks a non-numeric stock with SCHEMA_VIOLATION quoting the value', () => {
    const value = pgValue({ op: 'c', table: 'stock_level', after: pgStock({ on_hand: 'abc' }) });
    const { reason } = parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(reason.code, 'SCHEMA_VIOLATION');
    assert.match(reason.message, /column on_hand is "abc", expected an integer \(canonical onHand\)/);
  });

  it('parks a fractional stock quantity', () => {
    const value = pgValue({ op: 'c', table: 'stock_level', after: pgStock({ on_hand: '2.5' }) });
    assert.equal(
      parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, value)).reason.code,
      'SCHEMA_VIOLATION',
    );
  });

  it('parks a negative price', () => {
    const value = pgValue({ op: 'c', table: 'price', after: pgPrice({ amount: '-1.00' }) });
    const { reason } = parked(ingestEvent(sampleConfig, priceTopic, skuKey, value));
    assert.equal(reason.code, 'SCHEMA_VIOLATION');
    assert.match(reason.message, /column amount is "-1.00"/);
  });

  it('parks a price sent as a double, naming the connector setting to fix', () => {
    const value = pgValue({ op: 'c', table: 'price', after: pgPrice({ amount: 19.9 }) });
    const { reason } = parked(ingestEvent(sampleConfig, priceTopic, skuKey, value));
    assert.equal(reason.code, 'SCHEMA_VIOLATION');
    assert.match(reason.message, /decimal\.handling\.mode=string/);
  });

  it('parks a price of a price list with no currency configured', () => {
    const value = pgValue({ op: 'c', table: 'price', after: pgPrice({ price_list_code: 'B2B-CHF' }) });
    const { reason } = parked(ingestEvent(sampleConfig, priceTopic, skuKey, value));
    assert.equal(reason.code, 'MISSING_FIELD');
    assert.match(
      reason.message,
      /currency is missing: .*price list B2B-CHF has no entry in currencyByPriceList/,
    );
  });

  it('parks attributes that are not a JSON object', () => {
    for (const attributes of ['{"size": "M"', '["M"]']) {
      const value = pgValue({ op: 'c', table: 'product', after: pgProduct({ attributes }) });
      const { reason } = parked(ingestEvent(sampleConfig, productTopic, skuKey, value));
      assert.equal(reason.code, 'SCHEMA_VIOLATION');
      assert.match(reason.message, /column attributes is .*expected a JSON object/);
    }
  });

  it('reports every problem of a row at once', () => {
    const after = pgProduct({ name: null, active: 'maybe', updated_at: 'yesterday' });
    const { reason } = parked(
      ingestEvent(sampleConfig, productTopic, skuKey, pgValue({ op: 'c', table: 'product', after })),
    );
    assert.match(
      reason.message,
      /name is missing.*; column active is "maybe".*; column updated_at is "yesterday"/,
    );
  });

  it('parks a row without a SKU, without a sku on the reason', () => {
    const value = pgValue({ op: 'c', table: 'product', after: pgProduct({ sku: null }) });
    const { reason } = parked(ingestEvent(sampleConfig, productTopic, skuKey, value));
    assert.equal(reason.code, 'MISSING_FIELD');
    assert.equal(reason.sku, undefined);
  });
});
