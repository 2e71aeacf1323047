import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stockKey } from '../../streams/contracts/canonical.ts';
import { ingestEvent } from '../../streams/processors/ingest/index.ts';
import { key, parked, pgProduct, pgStock, pgValue, recordsOf, sampleConfig } from './ingest-fixtures.ts';

const productTopic = 'erp.postgres.erp.product';
const stockTopic = 'erp.postgres.erp.stock_level';
const skuKey = key({ sku: 'TSH-001-M-BLK' });
const stockRowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-MAIN' });

describe('ingest of PostgreSQL change events: ownership and key changes', () => {
  it('parks stock of a warehouse the source does not own, deletes included', () => {
    const row = pgStock({ warehouse_code: 'WH-3PL' });
    const cdcKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-3PL' });
    for (const value of [
      pgValue({ op: 'c', table: 'stock_level', after: row }),
      pgValue({ op: 'd', table: 'stock_level', before: row }),
    ]) {
      const outcome = parked(ingestEvent(sampleConfig, stockTopic, cdcKey, value));
      assert.equal(outcome.reason.code, 'NOT_OWNED');
      assert.equal(outcome.reason.sku, 'TSH-001-M-BLK');
      assert.match(
        outcome.reason.message,
        /warehouse WH-3PL is not owned by source postgres \(it owns WH-MAIN, WH-SOUTH\)/,
      );
      assert.deepEqual(outcome.records, []);
    }
  });

  it('prefers NOT_OWNED to a schema violation of the same row', () => {
    const value = pgValue({
      op: 'c',
      table: 'stock_level',
      after: pgStock({ warehouse_code: 'WH-3PL', on_hand: 'x' }),
    });
    assert.equal(parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, value)).reason.code, 'NOT_OWNED');
  });

  it('turns a SKU change into a tombstone for the old key and a record for the new', () => {
    const value = pgValue({
      op: 'u',
      table: 'product',
      before: pgProduct(),
      after: pgProduct({ sku: 'TSH-001-M-BLACK' }),
    });
    const records = recordsOf(ingestEvent(sampleConfig, productTopic, skuKey, value));
    assert.deepEqual(
      records.map((r) => [r.key, r.value === null ? null : 'value', r.lineage.op]),
      [
        ['TSH-001-M-BLK', null, 'u'],
        ['TSH-001-M-BLACK', 'value', 'u'],
      ],
    );
  });

  it('turns a move between owned warehouses into a tombstone and a record', () => {
    const value = pgValue({
      op: 'u',
      table: 'stock_level',
      before: pgStock(),
      after: pgStock({ warehouse_code: 'WH-SOUTH' }),
    });
    const records = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.deepEqual(
      records.map((r) => r.key),
      [stockKey('TSH-001-M-BLK', 'WH-MAIN'), stockKey('TSH-001-M-BLK', 'WH-SOUTH')],
    );
  });

  it('still deletes the old key when the row moves to a warehouse the source does not own', () => {
    const value = pgValue({
      op: 'u',
      table: 'stock_level',
      before: pgStock(),
      after: pgStock({ warehouse_code: 'WH-3PL' }),
    });
    const outcome = parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(outcome.reason.code, 'NOT_OWNED');
    assert.deepEqual(
      outcome.records.map((r) => [r.key, r.value]),
      [[stockKey('TSH-001-M-BLK', 'WH-MAIN'), null]],
    );
  });

  it('writes no tombstone for an old key the source never owned', () => {
    const value = pgValue({
      op: 'u',
      table: 'stock_level',
      before: pgStock({ warehouse_code: 'WH-3PL' }),
      after: pgStock(),
    });
    const records = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.deepEqual(
      records.map((r) => r.key),
      [stockKey('TSH-001-M-BLK', 'WH-MAIN')],
    );
  });

  it('still deletes the old key when the re-keyed row is parked', () => {
    const value = pgValue({
      op: 'u',
      table: 'product',
      before: pgProduct(),
      after: pgProduct({ sku: 'TSH-001-M-BLACK', name: null }),
    });
    const outcome = parked(ingestEvent(sampleConfig, productTopic, skuKey, value));
    assert.equal(outcome.reason.code, 'MISSING_FIELD');
    assert.equal(outcome.reason.sku, 'TSH-001-M-BLACK');
    assert.deepEqual(
      outcome.records.map((r) => [r.key, r.value]),
      [['TSH-001-M-BLK', null]],
    );
  });
});
