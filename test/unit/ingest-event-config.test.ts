import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stockKey } from '../../streams/contracts/canonical.ts';
import { ingestEvent, type IngestConfig } from '../../streams/processors/ingest/index.ts';
import { key, parked, pgValue, recordsOf, sampleConfig } from './ingest-fixtures.ts';

const stockTopic = 'erp.postgres.erp.stock_level';
const stockRowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-MAIN' });

describe('ingest: what is not a canonical change', () => {
  it('ignores a table that is not mapped', () => {
    const value = pgValue({ op: 'c', table: 'customer', after: { code: 'C-1' } });
    const outcome = ingestEvent(sampleConfig, 'erp.postgres.erp.customer', key({ code: 'C-1' }), value);
    assert.deepEqual(outcome, {
      kind: 'ignore',
      why: 'table erp.customer of source postgres is not mapped to the canonical model',
    });
  });

  it('ignores a topic of no configured source', () => {
    const outcome = ingestEvent(sampleConfig, 'erp.oracle.ERP.PRODUCT', null, '{}');
    assert.equal(outcome.kind, 'ignore');
  });

  it('ignores transaction metadata and heartbeats', () => {
    const begin = JSON.stringify({ status: 'BEGIN', id: '571:53727784', event_count: null, ts_ms: 1 });
    assert.equal(ingestEvent(sampleConfig, 'erp.postgres.transaction', null, begin).kind, 'ignore');
    assert.equal(ingestEvent(sampleConfig, stockTopic, null, begin).kind, 'ignore');
    assert.equal(ingestEvent(sampleConfig, stockTopic, null, '{"ts_ms":1767225600000}').kind, 'ignore');
  });

  it('parks what is not JSON, naming topic and key', () => {
    const { reason } = parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, '{"op":"c",'));
    assert.equal(reason.code, 'MALFORMED_CDC');
    assert.match(
      reason.message,
      /^erp\.postgres\.erp\.stock_level key \{"sku":"TSH-001-M-BLK","warehouse_code":"WH-MAIN"\}: the value is not JSON/,
    );
  });

  it('parks JSON that is not a Debezium envelope', () => {
    for (const value of [
      '[1,2]',
      '"text"',
      '{"sku":"A"}',
      '{"op":"x","source":{}}',
      '{"op":"c","after":{}}',
    ]) {
      assert.equal(
        parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, value)).reason.code,
        'MALFORMED_CDC',
        value,
      );
    }
  });
});

describe('ingest with a user ERP configured by constants and defaults', () => {
  const config: IngestConfig = {
    sources: [
      {
        id: 'legacy',
        topicPrefix: 'cdc',
        owns: { entities: ['product', 'stock', 'price'] },
        tables: {
          'dbo.items': {
            entity: 'product',
            columns: { sku: 'item_no', name: 'title', brand: 'maker', category: 'group_code' },
            constants: { active: true },
            defaults: { brand: 'House brand' },
            attributeColumns: { colour: 'colour', size: 'size_code' },
          },
          'dbo.inventory': {
            entity: 'stock',
            columns: { sku: 'item_no', onHand: 'qty' },
            constants: { warehouse: 'MAIN' },
          },
          'dbo.prices': {
            entity: 'price',
            columns: { sku: 'item_no', priceList: 'list', amount: 'net', currency: 'cur' },
            defaults: { currency: 'CHF' },
          },
        },
      },
    ],
  };
  const legacyValue = (table: string, after: Record<string, unknown>): string =>
    pgValue({ op: 'c', table, after }).replace('"schema":"erp"', '"schema":"dbo"');

  it('fills a product from renamed columns, a constant, a default and attribute columns', () => {
    const after = {
      item_no: 10023,
      title: 'Drill',
      maker: null,
      group_code: 'Tools',
      colour: 'red',
      size_code: null,
    };
    const [record] = recordsOf(
      ingestEvent(config, 'cdc.dbo.items', key({ item_no: 10023 }), legacyValue('items', after)),
    );
    assert.deepEqual(record?.value, {
      sku: '10023',
      parentSku: null,
      name: 'Drill',
      description: null,
      ean: null,
      brand: 'House brand',
      category: 'Tools',
      attributes: { colour: 'red' },
      active: true,
      updatedAtMs: null,
    });
    assert.equal(record?.lineage.table, 'dbo.items');
  });

  it('fills stock of a single-warehouse ERP without reservations', () => {
    const after = { item_no: 'A-1', qty: '12.000' };
    const [record] = recordsOf(
      ingestEvent(config, 'cdc.dbo.inventory', null, legacyValue('inventory', after)),
    );
    assert.deepEqual(record?.value, {
      sku: 'A-1',
      warehouse: 'MAIN',
      onHand: 12,
      reserved: 0,
      updatedAtMs: null,
    });
    assert.equal(record?.key, stockKey('A-1', 'MAIN'));
  });

  it('takes the currency from its column, else from the default', () => {
    const withColumn = legacyValue('prices', { item_no: 'A-1', list: 'STD', net: '5.5', cur: 'eur ' });
    const withoutColumn = legacyValue('prices', { item_no: 'A-1', list: 'STD', net: '5.5', cur: null });
    const [a] = recordsOf(ingestEvent(config, 'cdc.dbo.prices', null, withColumn));
    const [b] = recordsOf(ingestEvent(config, 'cdc.dbo.prices', null, withoutColumn));
    assert.equal(a?.value && 'currency' in a.value ? a.value.currency : null, 'EUR');
    assert.equal(b?.value && 'currency' in b.value ? b.value.currency : null, 'CHF');
  });
});
