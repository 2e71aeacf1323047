import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stockKey } from '../../streams/contracts/canonical.ts';
import type { IngestConfig } from '../../streams/processors/ingest/index.ts';
import {
  ingestDlqTopic,
  ingestInputTopics,
  ingestProcessor,
} from '../../streams/processors/ingest/ingest-processor.ts';
import type { Emission, InputRecord } from '../../streams/runtime/processor.ts';
import type { StateView } from '../../streams/runtime/state/task-state.ts';
import {
  key,
  mariaProduct,
  mariaStock,
  mariaValue,
  pgProduct,
  pgStock,
  pgValue,
  sampleConfig,
} from './ingest-fixtures.ts';

const productTopic = 'erp.postgres.erp.product';
const stockTopic = 'erp.postgres.erp.stock_level';
const mariaStockTopic = 'erp.mariadb.erp.stock_level';
const mariaProductTopic = 'erp.mariadb.erp.product';
const skuKey = key({ sku: 'TSH-001-M-BLK' });
const us = '\u001f';

class MemoryState implements StateView {
  readonly rows = new Map<string, unknown>();
  get<T>(table: string, k: string): T | undefined {
    return this.rows.get(`${table}|${k}`) as T | undefined;
  }
  put(table: string, k: string, value: unknown): void {
    this.rows.set(`${table}|${k}`, structuredClone(value));
  }
  delete(table: string, k: string): void {
    this.rows.delete(`${table}|${k}`);
  }
}

let nextOffset = 0;
const input = (topic: string, k: string | null, value: string | null): InputRecord => ({
  topic,
  partition: 0,
  offset: String((nextOffset += 1)),
  key: k,
  value,
  headers: {},
  timestampMs: 1_767_225_600_900,
});

function harness(config: IngestConfig = sampleConfig) {
  const state = new MemoryState();
  const processor = ingestProcessor(config);
  const process = (record: InputRecord): readonly Emission[] =>
    processor.process(record, { state, restoring: false });
  return { state, processor, process };
}

/** The emissions as `topic key op` lines (op from the lineage header) and `park CODE`. */
const lines = (emissions: readonly Emission[]): string[] =>
  emissions.map((e) =>
    e.kind === 'record'
      ? `${e.record.topic} ${e.record.key} ${e.record.headers?.['syncline.op'] ?? '-'}`
      : `park ${e.reason.code}`,
  );

describe('ingestInputTopics', () => {
  it('lists the CDC topic of every mapped table, and only those', () => {
    const expected = [
      'erp.postgres.erp.product',
      'erp.postgres.erp.stock_level',
      'erp.postgres.erp.price',
      'erp.mariadb.erp.product',
      'erp.mariadb.erp.stock_level',
    ];
    assert.deepEqual(ingestInputTopics(sampleConfig), expected);
    assert.deepEqual(ingestProcessor(sampleConfig).inputTopics, expected);
    const [postgres] = sampleConfig.sources;
    assert.ok(postgres !== undefined);
    const onlyStock: IngestConfig = {
      sources: [{ ...postgres, tables: { 'erp.stock_level': postgres.tables['erp.stock_level']! } }],
    };
    assert.deepEqual(ingestInputTopics(onlyStock), ['erp.postgres.erp.stock_level']);
  });

  it('changes the state signature with the sources', () => {
    const signature = ingestProcessor(sampleConfig).stateSignature;
    assert.match(signature, /^ingest-v2\|[0-9a-f]{16}$/);
    assert.equal(ingestProcessor(sampleConfig).stateSignature, signature);
    const [postgres, mariadb] = sampleConfig.sources;
    assert.ok(postgres !== undefined && mariadb !== undefined);
    const renamed: IngestConfig = { sources: [{ ...postgres, id: 'erp' }, mariadb] };
    assert.notEqual(ingestProcessor(renamed).stateSignature, signature);
  });
});

describe('ingestProcessor', () => {
  it('writes a PostgreSQL product change to catalog.product.v1 with lineage headers', () => {
    const { process } = harness();
    const value = pgValue({
      op: 'u',
      table: 'product',
      before: pgProduct({ name: 'old' }),
      after: pgProduct(),
      lsn: 38_642_664,
      txId: 812,
      tsMs: 1_767_225_600_123,
    });
    assert.deepEqual(process(input(productTopic, skuKey, value)), [
      {
        kind: 'record',
        record: {
          topic: 'catalog.product.v1',
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
          headers: {
            'syncline.source': 'postgres',
            'syncline.table': 'erp.product',
            'syncline.position': '38642664',
            'syncline.tx-id': '812',
            'syncline.commit-ms': '1767225600123',
            'syncline.op': 'u',
          },
        },
      },
    ]);
  });

  it('writes a delete as a canonical tombstone and ignores the Debezium tombstone after it', () => {
    const { process } = harness();
    const stockRowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-MAIN' });
    const deleted = process(
      input(stockTopic, stockRowKey, pgValue({ op: 'd', table: 'stock_level', before: pgStock() })),
    );
    assert.deepEqual(
      deleted.map((e) => (e.kind === 'record' ? [e.record.topic, e.record.key, e.record.value] : e.kind)),
      [['catalog.stock.v1', stockKey('TSH-001-M-BLK', 'WH-MAIN'), null]],
    );
    assert.deepEqual(lines(deleted), [`catalog.stock.v1 TSH-001-M-BLK${us}WH-MAIN d`]);
    assert.deepEqual(process(input(stockTopic, stockRowKey, null)), []);
  });

  it('drops a PostgreSQL event at or below the last position of its CDC key, lets a newer one through', () => {
    const { process, state } = harness();
    const change = (lsn: number, name: string) =>
      input(productTopic, skuKey, pgValue({ op: 'u', table: 'product', after: pgProduct({ name }), lsn }));
    assert.deepEqual(lines(process(change(1_000, 'first'))), ['catalog.product.v1 TSH-001-M-BLK u']);
    assert.deepEqual(state.get('positions', `${productTopic}${us}${skuKey}`), { kind: 'pg', lsn: '1000' });

    // Debezium redelivers after a Connect crash: the same event, and an older one.
    assert.deepEqual(process(change(1_000, 'first')), []);
    assert.deepEqual(process(change(900, 'older')), []);
    assert.deepEqual(state.get('positions', `${productTopic}${us}${skuKey}`), { kind: 'pg', lsn: '1000' });

    const newer = process(change(1_100, 'newer'));
    assert.equal(newer.length, 1);
    const [record] = newer;
    assert.ok(record?.kind === 'record');
    assert.equal((record.record.value as { name: string }).name, 'newer');
    assert.equal(record.record.headers?.['syncline.position'], '1100');
    assert.deepEqual(state.get('positions', `${productTopic}${us}${skuKey}`), { kind: 'pg', lsn: '1100' });

    // Positions are per CDC key: another row at a lower LSN is its own first change.
    const otherKey = key({ sku: 'TSH-001-L-BLK' });
    const other = input(
      productTopic,
      otherKey,
      pgValue({ op: 'c', table: 'product', after: pgProduct({ sku: 'TSH-001-L-BLK' }), lsn: 500 }),
    );
    assert.deepEqual(lines(process(other)), ['catalog.product.v1 TSH-001-L-BLK c']);

    // A snapshot read is current state: never dropped, and it does not move the position.
    const snapshot = input(
      productTopic,
      skuKey,
      pgValue({ op: 'r', table: 'product', after: pgProduct(), lsn: 10 }),
    );
    assert.deepEqual(lines(process(snapshot)), ['catalog.product.v1 TSH-001-M-BLK r']);
    assert.deepEqual(state.get('positions', `${productTopic}${us}${skuKey}`), { kind: 'pg', lsn: '1100' });
  });

  it('drops a replayed MariaDB event by its binlog coordinates', () => {
    const { process } = harness();
    const rowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-3PL' });
    const change = (gtid: string, pos: number, onHand: number) =>
      input(
        mariaStockTopic,
        rowKey,
        mariaValue({ op: 'u', table: 'stock_level', after: mariaStock({ on_hand: onHand }), gtid, pos }),
      );
    assert.deepEqual(lines(process(change('0-1-4711', 10_521, 17))), [
      `catalog.stock.v1 TSH-001-M-BLK${us}WH-3PL u`,
    ]);
    assert.deepEqual(process(change('0-1-4711', 10_521, 17)), []);
    assert.deepEqual(process(change('0-1-4710', 10_400, 16)), []);
    const newer = process(change('0-1-4712', 10_900, 15));
    assert.deepEqual(lines(newer), [`catalog.stock.v1 TSH-001-M-BLK${us}WH-3PL u`]);
    assert.equal(
      newer[0]?.kind === 'record' && newer[0].record.headers?.['syncline.position'],
      'mariadb-bin.000003:10900',
    );
  });

  it('parks malformed JSON as MALFORMED_CDC on the ingest DLQ, without touching state', () => {
    const { process, processor, state } = harness();
    const emissions = process(input(productTopic, skuKey, '{"before": null, "after": {'));
    assert.equal(emissions.length, 1);
    const [park] = emissions;
    assert.ok(park?.kind === 'park');
    assert.equal(park.reason.code, 'MALFORMED_CDC');
    assert.ok(
      park.reason.message.startsWith(`${productTopic} key {"sku":"TSH-001-M-BLK"}: the value is not JSON (`),
      park.reason.message,
    );
    assert.equal(processor.dlqTopic(park.reason), 'syncline.ingest.dlq.v1');
    assert.equal(ingestDlqTopic, 'syncline.ingest.dlq.v1');
    assert.equal(state.rows.size, 0);
  });

  it('parks a row the source does not own, and drops its replay', () => {
    const { process, processor, state } = harness();
    const rowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-MAIN' });
    const record = input(
      mariaStockTopic,
      rowKey,
      mariaValue({ op: 'u', table: 'stock_level', after: mariaStock({ warehouse_code: 'WH-MAIN' }) }),
    );
    const expected: Emission = {
      kind: 'park',
      reason: {
        code: 'NOT_OWNED',
        message: `${mariaStockTopic} key ${rowKey}: warehouse WH-MAIN is not owned by source mariadb (it owns WH-3PL), so stock of SKU TSH-001-M-BLK there is not taken from it`,
        sku: 'TSH-001-M-BLK',
      },
    };
    assert.deepEqual(process(record), [expected]);
    assert.equal(processor.dlqTopic({ code: 'NOT_OWNED', message: '' }), ingestDlqTopic);
    // The position moved with the park, so a redelivery is not parked twice.
    assert.deepEqual(state.get('positions', `${mariaStockTopic}${us}${rowKey}`), {
      kind: 'binlog',
      gtid: '0-1-4711',
      file: 'mariadb-bin.000003',
      pos: 10_521,
      row: 0,
    });
    assert.deepEqual(process(record), []);

    const product = process(
      input(mariaProductTopic, skuKey, mariaValue({ op: 'c', table: 'product', after: mariaProduct() })),
    );
    assert.deepEqual(product, [
      {
        kind: 'park',
        reason: {
          code: 'NOT_OWNED',
          message: `${mariaProductTopic} key ${skuKey}: source mariadb does not own products (it owns stock), so this row is not taken from it`,
          sku: 'TSH-001-M-BLK',
        },
      },
    ]);
  });

  it('ignores a topic no source maps', () => {
    const { process } = harness();
    const value = pgValue({ op: 'c', table: 'customer', after: { id: 1 } });
    assert.deepEqual(process(input('erp.postgres.erp.customer', key({ id: 1 }), value)), []);
  });
});
