import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  comparePositions,
  decideReplay,
  readCdcRecord,
  type ChangeEvent,
  type SourcePosition,
} from '../../streams/processors/ingest/index.ts';
import { mariaStock, mariaValue, pgStock, pgValue, type MariaOptions } from './ingest-fixtures.ts';

function eventOf(value: string): ChangeEvent {
  const read = readCdcRecord(null, value);
  if (read.kind !== 'change') throw new Error(`not a change: ${JSON.stringify(read)}`);
  return read.event;
}

const pg = (lsn: number, op: 'c' | 'u' | 'd' | 'r' = 'u'): ChangeEvent =>
  eventOf(
    pgValue({ op, table: 'stock_level', after: op === 'd' ? null : pgStock(), before: pgStock(), lsn }),
  );

const maria = (options: Partial<MariaOptions>): ChangeEvent =>
  eventOf(mariaValue({ op: 'u', table: 'stock_level', after: mariaStock(), ...options }));

/** Runs events of one key through decideReplay as the engine would, returning which were kept. */
function replayThrough(events: readonly ChangeEvent[]): boolean[] {
  let position: SourcePosition | null = null;
  return events.map((event) => {
    const decision = decideReplay(position, event);
    position = decision.position;
    return decision.keep;
  });
}

describe('decideReplay: PostgreSQL', () => {
  it('keeps the first change of a key and stores its LSN', () => {
    assert.deepEqual(decideReplay(null, pg(100)), {
      keep: true,
      position: { kind: 'pg', lsn: '100' },
      why: 'the first change seen for this key',
    });
  });

  it('drops a change at or below the last LSN seen, keeping the stored position', () => {
    const last: SourcePosition = { kind: 'pg', lsn: '200' };
    assert.deepEqual(decideReplay(last, pg(200)), {
      keep: false,
      position: last,
      why: 'at or below the last position seen for this key',
    });
    assert.equal(decideReplay(last, pg(150)).keep, false);
    assert.equal(decideReplay(last, pg(150, 'd')).keep, false);
    assert.deepEqual(decideReplay(last, pg(201)).position, { kind: 'pg', lsn: '201' });
  });

  it('compares LSNs numerically, not as text', () => {
    assert.equal(decideReplay({ kind: 'pg', lsn: '999' }, pg(1000)).keep, true);
    assert.equal(
      comparePositions(
        { kind: 'pg', lsn: '18446744073709551614' },
        { kind: 'pg', lsn: '18446744073709551615' },
      ),
      -1,
    );
  });

  it('drops a replay after a Connect crash and lets the changes after it through', () => {
    // Seen: 100, 200, 300; Connect dies before flushing offsets past 100 and re-emits 200, 300.
    const kept = replayThrough([pg(100), pg(200), pg(300), pg(200), pg(300), pg(400)]);
    assert.deepEqual(kept, [true, true, true, false, false, true]);
  });

  it('never drops a snapshot read, and a snapshot read does not move the position', () => {
    const last: SourcePosition = { kind: 'pg', lsn: '500' };
    assert.deepEqual(decideReplay(last, pg(100, 'r')), {
      keep: true,
      position: last,
      why: 'a snapshot read is current state',
    });
    assert.deepEqual(decideReplay(null, pg(100, 'r')).position, null);
  });
});

describe('decideReplay: MariaDB', () => {
  it('orders by GTID sequence number within a domain', () => {
    const last = decideReplay(null, maria({ gtid: '0-1-100', pos: 9000 })).position;
    assert.equal(decideReplay(last, maria({ gtid: '0-1-99', pos: 9500 })).keep, false);
    assert.equal(decideReplay(last, maria({ gtid: '0-1-100', pos: 9000 })).keep, false);
    assert.equal(
      decideReplay(last, maria({ gtid: '0-1-101', pos: 100, file: 'mariadb-bin.000001' })).keep,
      true,
    );
  });

  it('survives a failover: same domain, another server id, a new binlog', () => {
    const last = decideReplay(
      null,
      maria({ gtid: '0-1-100', file: 'mariadb-bin.000009', pos: 9000 }),
    ).position;
    assert.equal(
      decideReplay(last, maria({ gtid: '0-2-101', file: 'replica-bin.000001', pos: 4 })).keep,
      true,
    );
    assert.equal(
      decideReplay(last, maria({ gtid: '0-2-100', file: 'replica-bin.000001', pos: 4 })).keep,
      false,
    );
  });

  it('orders changes of one transaction (same GTID) by position and row', () => {
    const kept = replayThrough([
      maria({ gtid: '0-1-7', pos: 500, row: 0 }),
      maria({ gtid: '0-1-7', pos: 500, row: 1 }),
      maria({ gtid: '0-1-7', pos: 800, row: 0 }),
      maria({ gtid: '0-1-7', pos: 500, row: 1 }),
    ]);
    assert.deepEqual(kept, [true, true, true, false]);
  });

  it('orders by binlog file, position and row without GTIDs', () => {
    const kept = replayThrough([
      maria({ gtid: null, file: 'mariadb-bin.000003', pos: 900 }),
      maria({ gtid: null, file: 'mariadb-bin.000004', pos: 4 }),
      maria({ gtid: null, file: 'mariadb-bin.000003', pos: 950 }),
      maria({ gtid: null, file: 'mariadb-bin.000010', pos: 4 }),
    ]);
    assert.deepEqual(kept, [true, true, false, true]);
  });

  it('falls back to file and position across GTID domains', () => {
    const last = decideReplay(null, maria({ gtid: '1-1-500', pos: 700 })).position;
    assert.equal(decideReplay(last, maria({ gtid: '0-1-3', pos: 600 })).keep, false);
    assert.equal(decideReplay(last, maria({ gtid: '0-1-3', pos: 800 })).keep, true);
  });

  it('keeps what it cannot order and takes its position', () => {
    const last = decideReplay(null, maria({ gtid: null, file: 'a-bin.000003', pos: 900 })).position;
    const decision = decideReplay(last, maria({ gtid: null, file: 'b-bin.000001', pos: 4 }));
    assert.equal(decision.keep, true);
    assert.deepEqual(decision.position, { kind: 'binlog', gtid: null, file: 'b-bin.000001', pos: 4, row: 0 });
    assert.equal(decideReplay({ kind: 'pg', lsn: '1' }, maria({})).keep, true);
  });

  it('reads MySQL GTIDs (server uuid:seq) too', () => {
    const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    const last = decideReplay(null, maria({ gtid: `${uuid}:23` })).position;
    assert.equal(decideReplay(last, maria({ gtid: `${uuid}:22`, pos: 99_999 })).keep, false);
    assert.equal(decideReplay(last, maria({ gtid: `${uuid}:24`, pos: 1 })).keep, true);
  });
});

describe('decideReplay: other connectors', () => {
  it('keeps every event of a connector whose positions it does not order', () => {
    const value = JSON.parse(pgValue({ op: 'u', table: 'stock_level', after: pgStock() })) as {
      source: Record<string, unknown>;
    };
    value.source = {
      connector: 'sqlserver',
      db: 'erp',
      schema: 'dbo',
      table: 'stock',
      ts_ms: 1,
      change_lsn: '00000027:00000758:0005',
      commit_lsn: '00000027:00000758:0006',
    };
    const decision = decideReplay({ kind: 'pg', lsn: '1' }, eventOf(JSON.stringify(value)));
    assert.equal(decision.keep, true);
    assert.deepEqual(decision.position, { kind: 'pg', lsn: '1' });
  });
});
