import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCdcRecord, type CdcRead } from '../../streams/processors/ingest/index.ts';
import { key, mariaStock, mariaValue, pgStock, pgValue } from './ingest-fixtures.ts';

function change(read: CdcRead) {
  assert.equal(read.kind, 'change', JSON.stringify(read));
  if (read.kind !== 'change') throw new Error('unreachable');
  return read.event;
}

function problem(read: CdcRead): string {
  assert.equal(read.kind, 'malformed', JSON.stringify(read));
  return read.kind === 'malformed' ? read.problem : '';
}

describe('readCdcRecord', () => {
  it('reads a PostgreSQL envelope, the LSN exact from source.sequence', () => {
    const event = change(
      readCdcRecord(
        key({ sku: 'A' }),
        pgValue({ op: 'c', table: 'stock_level', after: pgStock(), lsn: 1234 }),
      ),
    );
    assert.equal(event.op, 'c');
    assert.deepEqual(event.key, { sku: 'A' });
    assert.equal(event.keyText, '{"sku":"A"}');
    assert.deepEqual(event.source, {
      connector: 'postgresql',
      db: 'erp',
      schema: 'erp',
      table: 'stock_level',
      tsMs: 1_767_225_600_123,
      snapshot: 'false',
      lsn: '1234',
      txId: '812',
    });
  });

  it('keeps an LSN beyond 2^53 exact when sequence carries it', () => {
    // The JSON text as Debezium writes it; JSON.parse rounds the bare number to 9007199254740996.
    const value = pgValue({ op: 'c', table: 'stock_level', after: pgStock(), lsn: 1, lastCommitLsn: 1 })
      .replace(
        '"sequence":"[\\"1\\",\\"1\\"]"',
        '"sequence":"[\\"9007199254740993\\",\\"9007199254740995\\"]"',
      )
      .replace('"lsn":1,', '"lsn":9007199254740995,');
    assert.match(value, /"lsn":9007199254740995,/);
    assert.match(value, /9007199254740993/);
    const event = change(readCdcRecord(null, value));
    assert.equal('lsn' in event.source ? event.source.lsn : null, '9007199254740995');
  });

  it('reads a MariaDB envelope with its binlog coordinates', () => {
    const event = change(
      readCdcRecord(null, mariaValue({ op: 'u', table: 'stock_level', after: mariaStock(), row: 2 })),
    );
    assert.deepEqual(event.source, {
      connector: 'mariadb',
      db: 'erp',
      table: 'stock_level',
      tsMs: 1_767_225_600_000,
      snapshot: 'false',
      file: 'mariadb-bin.000003',
      pos: 10_521,
      row: 2,
      gtid: '0-1-4711',
    });
  });

  it('reads bytes, text and already parsed JSON alike', () => {
    const text = pgValue({ op: 'c', table: 'stock_level', after: pgStock() });
    const fromText = change(readCdcRecord('{"sku":"A"}', text));
    const fromBytes = change(readCdcRecord(Buffer.from('{"sku":"A"}'), Buffer.from(text)));
    const fromObject = change(readCdcRecord({ sku: 'A' }, JSON.parse(text) as Record<string, unknown>));
    assert.deepEqual(fromBytes, fromText);
    assert.deepEqual(fromObject, fromText);
  });

  it('reads an envelope written with schemas enabled', () => {
    const payload = JSON.parse(pgValue({ op: 'c', table: 'stock_level', after: pgStock() })) as unknown;
    const wrapped = JSON.stringify({ schema: { type: 'struct' }, payload });
    assert.equal(change(readCdcRecord('{"schema":{},"payload":{"sku":"A"}}', wrapped)).key?.sku, 'A');
  });

  it('takes a null value as the tombstone', () => {
    assert.deepEqual(readCdcRecord('{"sku":"A"}', null), { kind: 'tombstone', keyText: '{"sku":"A"}' });
  });

  it('tells Debezium records that are not row changes apart', () => {
    assert.equal(
      readCdcRecord(null, '{"status":"END","id":"1","event_count":2,"ts_ms":1}').kind,
      'not-a-change',
    );
    assert.equal(readCdcRecord(null, '{"ts_ms":1767225600000}').kind, 'not-a-change');
    assert.equal(
      readCdcRecord(null, '{"source":{},"ddl":"CREATE TABLE x (a int)","tableChanges":[]}').kind,
      'not-a-change',
    );
    assert.equal(readCdcRecord(null, '{"op":"m","source":{},"message":{"prefix":"p"}}').kind, 'not-a-change');
  });

  it('says what is wrong with a malformed record', () => {
    assert.match(problem(readCdcRecord(null, 'not json')), /the value is not JSON/);
    assert.match(problem(readCdcRecord(null, Buffer.from([0xc3, 0x28]))), /not UTF-8/);
    assert.match(problem(readCdcRecord('{bad', '{}')), /the key is not JSON/);
    assert.match(problem(readCdcRecord('[1]', '{}')), /the key is not a JSON object/);
    assert.match(problem(readCdcRecord(null, '42')), /not a JSON object/);
    assert.match(problem(readCdcRecord(null, '{"after":{}}')), /no "op" field/);
    assert.match(problem(readCdcRecord(null, '{"op":"x"}')), /unknown op "x"/);
    assert.match(problem(readCdcRecord(null, '{"op":"c","after":{}}')), /no "source" block/);
    const noLsn = JSON.parse(pgValue({ op: 'c', table: 't', after: {} })) as {
      source: Record<string, unknown>;
    };
    delete noLsn.source.lsn;
    delete noLsn.source.sequence;
    assert.match(problem(readCdcRecord(null, JSON.stringify(noLsn))), /source\.lsn is missing/);
    const noFile = JSON.parse(mariaValue({ op: 'c', table: 't', after: {} })) as {
      source: Record<string, unknown>;
    };
    delete noFile.source.file;
    assert.match(problem(readCdcRecord(null, JSON.stringify(noFile))), /source\.file is missing/);
    assert.match(
      problem(readCdcRecord(null, pgValue({ op: 'u', table: 't', after: null }))),
      /op "u" event without "after"/,
    );
    const badRow = JSON.parse(pgValue({ op: 'c', table: 't', after: {} })) as Record<string, unknown>;
    badRow.after = 'row';
    assert.match(problem(readCdcRecord(null, JSON.stringify(badRow))), /"after" is not an object/);
  });

  it('keeps the transaction id when the connector provides transaction metadata', () => {
    const value = JSON.parse(pgValue({ op: 'c', table: 't', after: {} })) as Record<string, unknown>;
    value.transaction = { id: '812:38642664', total_order: 1, data_collection_order: 1 };
    assert.equal(change(readCdcRecord(null, JSON.stringify(value))).transactionId, '812:38642664');
  });
});
