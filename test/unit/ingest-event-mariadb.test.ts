import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stockKey } from '../../streams/contracts/canonical.ts';
import { ingestEvent, type IngestConfig } from '../../streams/processors/ingest/index.ts';
import {
  key,
  mariaProduct,
  mariaStock,
  mariaValue,
  parked,
  recordsOf,
  sampleConfig,
} from './ingest-fixtures.ts';

const stockTopic = 'erp.mariadb.erp.stock_level';
const productTopic = 'erp.mariadb.erp.product';
const stockRowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-3PL' });

describe('ingest of MariaDB change events', () => {
  it('maps a snapshot read of the 3PL stock, datetime(6) from epoch microseconds, with binlog lineage', () => {
    const value = mariaValue({ op: 'r', table: 'stock_level', after: mariaStock(), gtid: null, pos: 389 });
    const [record, ...rest] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(rest.length, 0);
    assert.deepEqual(record, {
      entity: 'stock',
      key: stockKey('TSH-001-M-BLK', 'WH-3PL'),
      value: {
        sku: 'TSH-001-M-BLK',
        warehouse: 'WH-3PL',
        onHand: 17,
        reserved: 0,
        updatedAtMs: Date.UTC(2026, 0, 1, 0, 0, 0, 123),
      },
      lineage: {
        source: 'mariadb',
        table: 'erp.stock_level',
        position: 'mariadb-bin.000003:389',
        txId: null,
        commitTimeMs: 1_767_225_600_000,
        op: 'r',
      },
    });
  });

  it('maps inserts and updates, with the GTID as the transaction id', () => {
    for (const op of ['c', 'u'] as const) {
      const value = mariaValue({
        op,
        table: 'stock_level',
        before: op === 'u' ? mariaStock() : null,
        after: mariaStock({ on_hand: 16 }),
      });
      const [record, ...rest] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
      assert.equal(rest.length, 0);
      assert.equal(record?.lineage.op, op);
      assert.equal(record?.lineage.txId, '0-1-4711');
      assert.equal(record?.lineage.position, 'mariadb-bin.000003:10521');
      assert.ok(record?.value && 'onHand' in record.value);
      assert.equal(record.value.onHand, 16);
    }
  });

  it('maps a delete to a tombstone and ignores the tombstone record after it', () => {
    const value = mariaValue({ op: 'd', table: 'stock_level', before: mariaStock() });
    const [record] = recordsOf(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(record?.value, null);
    assert.equal(record?.key, stockKey('TSH-001-M-BLK', 'WH-3PL'));
    assert.equal(ingestEvent(sampleConfig, stockTopic, stockRowKey, null).kind, 'ignore');
  });

  it('parks stock of the ERP warehouses: the 3PL owns only WH-3PL', () => {
    const value = mariaValue({
      op: 'u',
      table: 'stock_level',
      after: mariaStock({ warehouse_code: 'WH-MAIN' }),
    });
    const { reason } = parked(
      ingestEvent(sampleConfig, stockTopic, key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-MAIN' }), value),
    );
    assert.equal(reason.code, 'NOT_OWNED');
    assert.equal(
      reason.message,
      'erp.mariadb.erp.stock_level key {"sku":"TSH-001-M-BLK","warehouse_code":"WH-MAIN"}: warehouse WH-MAIN is not owned by source mariadb (it owns WH-3PL), so stock of SKU TSH-001-M-BLK there is not taken from it',
    );
  });

  it('parks products: the 3PL does not own the entity, deletes included', () => {
    for (const value of [
      mariaValue({ op: 'c', table: 'product', after: mariaProduct() }),
      mariaValue({ op: 'd', table: 'product', before: mariaProduct() }),
    ]) {
      const { reason } = parked(
        ingestEvent(sampleConfig, productTopic, key({ sku: 'TSH-001-M-BLK' }), value),
      );
      assert.equal(reason.code, 'NOT_OWNED');
      assert.equal(reason.sku, 'TSH-001-M-BLK');
      assert.match(reason.message, /source mariadb does not own products \(it owns stock\)/);
    }
  });

  it('parks a stock level that is not a number', () => {
    const value = mariaValue({ op: 'c', table: 'stock_level', after: mariaStock({ reserved: 'abc' }) });
    const { reason } = parked(ingestEvent(sampleConfig, stockTopic, stockRowKey, value));
    assert.equal(reason.code, 'SCHEMA_VIOLATION');
    assert.match(reason.message, /column reserved is "abc", expected an integer/);
  });

  it('reads tinyint(1) booleans as 0/1 and JSON columns as text when MariaDB owns products', () => {
    const config: IngestConfig = {
      sources: [
        {
          ...sampleConfig.sources[1]!,
          owns: { entities: ['product', 'stock'] },
          tables: {
            'erp.product': {
              entity: 'product',
              columns: {
                sku: 'sku',
                name: 'name',
                attributes: 'attributes',
                active: 'active',
                updatedAt: 'updated_at',
              },
            },
          },
        },
      ],
    };
    const actives = [1, 0, true, false].map((active) => {
      const value = mariaValue({ op: 'c', table: 'product', after: mariaProduct({ active }) });
      const [record] = recordsOf(ingestEvent(config, productTopic, key({ sku: 'TSH-001-M-BLK' }), value));
      assert.ok(record?.value && 'active' in record.value);
      assert.deepEqual(record.value.attributes, { size: 'M', colour: 'black', weight_g: '180' });
      assert.equal(record.value.updatedAtMs, Date.UTC(2026, 0, 1, 0, 0, 0, 123));
      return record.value.active;
    });
    assert.deepEqual(actives, [true, false, true, false]);
  });
});
