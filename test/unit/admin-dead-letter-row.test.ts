/**
 * What the dead-letter index keeps of a dead letter: the stage that parked it, the key, and the ERP
 * lineage of the parked input, from its lineage headers (offers, sinks) or from the Debezium
 * envelope it carries (ingest).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parkedRecord, type ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import { lineageHeaders } from '../../streams/runtime/lineage-headers.ts';
import { deadLetterRow, isParkedRecord, stageOf } from '../../streams/sinks/dead-letter-row.ts';

const at = { topic: 'channel.marketplace.dlq.v1', partition: 2, offset: '41' };
const sources = [
  { id: 'postgres', topicPrefix: 'erp.postgres' },
  { id: 'mariadb', topicPrefix: 'erp.mariadb' },
];

describe('dead-letter index row', () => {
  it('names the stage: a sink by its channel, processors by their name', () => {
    assert.equal(stageOf('sink.webshop'), 'sink');
    assert.equal(stageOf('offers'), 'offers');
    assert.equal(stageOf('ingest'), 'ingest');
  });

  it("keeps an offers park's key, channel, reason and the lineage of the canonical record it read", () => {
    const headers = {
      ...lineageHeaders({
        source: 'postgres',
        table: 'erp.product',
        position: '24023128',
        txId: '771',
        commitTimeMs: Date.parse('2026-12-03T17:00:00.250Z'),
        op: 'u',
      }),
      'syncline.content-hash': 'not lineage',
    };
    const record = parkedRecord(
      'offers',
      {
        code: 'MISSING_REQUIRED_FIELDS',
        message: 'product SKU-1 has no EAN, which channel marketplace requires',
        sku: 'SKU-1',
        channel: 'marketplace',
      },
      {
        topic: 'catalog.product.v1',
        partition: 2,
        offset: '900',
        key: 'SKU-1',
        raw: Buffer.from([0x00, 0xff, 0xfe]),
        headers,
      },
      Date.parse('2026-12-03T17:00:01Z'),
    );
    assert.deepEqual(record.lineage, {
      'syncline.source': 'postgres',
      'syncline.table': 'erp.product',
      'syncline.position': '24023128',
      'syncline.commit-ms': String(Date.parse('2026-12-03T17:00:00.250Z')),
      'syncline.op': 'u',
      'syncline.tx-id': '771',
    });
    assert.ok(isParkedRecord(JSON.parse(JSON.stringify(record))));
    const row = deadLetterRow(at, JSON.parse(JSON.stringify(record)) as ParkedRecord, sources);
    assert.equal(row.stage, 'offers');
    assert.equal(row.channel, 'marketplace');
    assert.equal(row.key, 'SKU-1');
    assert.equal(row.code, 'MISSING_REQUIRED_FIELDS');
    assert.equal(row.sentence, 'product SKU-1 has no EAN, which channel marketplace requires');
    assert.deepEqual(
      [
        row.dlq_topic,
        row.dlq_partition,
        row.dlq_offset,
        row.source_topic,
        row.source_partition,
        row.source_offset,
      ],
      ['channel.marketplace.dlq.v1', 2, '41', 'catalog.product.v1', 2, '900'],
    );
    assert.deepEqual(
      [row.erp_source, row.erp_table, row.erp_position, row.erp_tx_id, row.erp_commit_at],
      ['postgres', 'erp.product', '24023128', '771', '2026-12-03T17:00:00.250Z'],
    );
    assert.equal(row.parked_at, '2026-12-03T17:00:01.000Z');
    assert.equal(row.source_value_encoding, 'base64');
  });

  it("reads an ingest park's lineage from its Debezium envelope: PostgreSQL LSN and transaction", () => {
    const envelope = {
      before: null,
      after: { sku: 'SKU-2', warehouse_code: 'WH-X' },
      source: {
        connector: 'postgresql',
        db: 'erp',
        schema: 'erp',
        table: 'stock_level',
        ts_ms: 1_764_780_000_000,
        lsn: 123456789,
        txId: 880,
      },
      op: 'u',
      ts_ms: 1_764_780_000_100,
    };
    const record = parkedRecord(
      'ingest',
      { code: 'NOT_OWNED', message: 'stock of SKU-2 in WH-X is not owned by source postgres', sku: 'SKU-2' },
      {
        topic: 'erp.postgres.erp.stock_level',
        partition: 0,
        offset: '5',
        key: '{"id":1}',
        raw: Buffer.from(JSON.stringify(envelope)),
      },
      1_764_780_001_000,
    );
    assert.equal(record.lineage, undefined, 'a CDC record carries no lineage headers');
    const row = deadLetterRow(
      { topic: 'syncline.ingest.dlq.v1', partition: 0, offset: '3' },
      record,
      sources,
    );
    assert.deepEqual(
      [
        row.stage,
        row.channel,
        row.key,
        row.erp_source,
        row.erp_table,
        row.erp_position,
        row.erp_tx_id,
        row.erp_commit_at,
      ],
      [
        'ingest',
        null,
        'SKU-2',
        'postgres',
        'erp.stock_level',
        '123456789',
        '880',
        new Date(1_764_780_000_000).toISOString(),
      ],
    );
  });

  it('reads a MariaDB envelope: the GTID, else the binlog file and position', () => {
    const source = {
      connector: 'mariadb',
      db: 'erp',
      table: 'stock_level',
      ts_ms: 1_764_780_000_000,
      file: 'mysql-bin.000003',
      pos: 4711,
      row: 0,
    };
    const park = (gtid: string | null) =>
      deadLetterRow(
        at,
        parkedRecord(
          'ingest',
          { code: 'X', message: 'x' },
          {
            topic: 'erp.mariadb.erp.stock_level',
            partition: 0,
            offset: '1',
            key: null,
            raw: Buffer.from(JSON.stringify({ source: { ...source, gtid }, op: 'c' })),
          },
          0,
        ),
        sources,
      );
    assert.deepEqual(
      [park('0-1-99').erp_position, park('0-1-99').erp_tx_id, park('0-1-99').erp_source],
      ['0-1-99', '0-1-99', 'mariadb'],
    );
    assert.equal(park(null).erp_position, 'mysql-bin.000003:4711');
    assert.equal(
      park(null).key,
      'erp.mariadb.erp.stock_level/0@1',
      'no SKU, no key: filed under its position',
    );
  });

  it('has no lineage for an ingest park whose input is not JSON', () => {
    const row = deadLetterRow(
      at,
      parkedRecord(
        'ingest',
        { code: 'DECODE_FAILED', message: 'x' },
        {
          topic: 'erp.postgres.erp.product',
          partition: 0,
          offset: '1',
          key: 'k',
          raw: Buffer.from('not json'),
        },
        0,
      ),
      sources,
    );
    assert.deepEqual([row.erp_source, row.erp_table, row.erp_commit_at], [null, null, null]);
  });

  it('tells a dead letter from other JSON', () => {
    assert.equal(isParkedRecord({ hello: 'world' }), false);
    assert.equal(isParkedRecord(null), false);
  });
});
