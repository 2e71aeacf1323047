/**
 * The ingest processor's state is bounded: the position kept for a deleted CDC key (so a Debezium
 * replay of its changes is dropped) goes once the deleted-key grace period has passed on the
 * records' clock, and not before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestProcessor } from '../../streams/processors/ingest/ingest-processor.ts';
import type { InputRecord } from '../../streams/runtime/processor.ts';
import type { StateView } from '../../streams/runtime/state/task-state.ts';
import { key, pgProduct, pgValue, sampleConfig } from './ingest-fixtures.ts';

const topic = 'erp.postgres.erp.product';
const dayMs = 86_400_000;
const start = 1_767_225_600_000;

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
  /** Rows whose key or value names `text`. */
  mentioning(text: string): string[] {
    return [...this.rows].filter(([k, v]) => `${k} ${JSON.stringify(v)}`.includes(text)).map(([k]) => k);
  }
}

let offset = 0;
const skuKey = (i: number) => key({ sku: `DEL-${String(i).padStart(4, '0')}` });

function event(op: 'c' | 'u' | 'd', i: number, lsn: number, timestampMs: number): InputRecord {
  const row = pgProduct({ sku: `DEL-${String(i).padStart(4, '0')}` });
  return {
    topic,
    partition: 0,
    offset: String((offset += 1)),
    key: skuKey(i),
    value: pgValue({
      op,
      table: 'product',
      before: op === 'c' ? null : row,
      after: op === 'd' ? null : row,
      lsn,
    }),
    headers: {},
    timestampMs,
  };
}

const keep = (record: InputRecord, state: StateView) =>
  ingestProcessor(sampleConfig).step(record, { state, restoring: false });

describe('ingest: the positions of deleted keys', () => {
  it('after N keys created and deleted, and the clock past the grace period, the state holds no entry for them', () => {
    const processor = ingestProcessor(sampleConfig);
    const state = new MemoryState();
    const n = 200;
    let lsn = 1_000;
    for (let i = 0; i < n; i += 1) {
      processor.process(event('c', i, (lsn += 10), start + i * 1_000), { state, restoring: false });
      processor.process(event('d', i, (lsn += 10), start + i * 1_000 + 500), { state, restoring: false });
    }
    // Any later record moves the clock: another key's change eight days on (the default grace is 7 days).
    processor.process(event('u', 100_000, (lsn += 10), start + 8 * dayMs), { state, restoring: false });
    for (let i = 0; i < n; i += 1) {
      const name = `DEL-${String(i).padStart(4, '0')}`;
      assert.deepEqual(state.mentioning(name), [], `${name} is still in the state`);
    }
    assert.equal(state.mentioning('DEL-100000').length > 0, true, 'the live key keeps its position');
  });

  it('within the grace period a replay of a deleted key is still dropped', () => {
    const state = new MemoryState();
    keep(event('c', 1, 2_000, start), state);
    keep(event('d', 1, 2_010, start + 1_000), state);
    keep(event('u', 2, 2_020, start + 6 * dayMs), state);
    const replay = keep(event('c', 1, 2_000, start + 6 * dayMs + 1), state);
    assert.deepEqual(replay.emissions, []);
    assert.notEqual(replay.replayDropped, undefined);
  });

  it('takes its grace period from the options, and forgets a key only once the grace has passed', () => {
    const hourMs = 3_600_000;
    const processor = ingestProcessor(sampleConfig, { deletedKeyGraceMs: hourMs });
    const state = new MemoryState();
    const run = (record: InputRecord) => processor.process(record, { state, restoring: false });
    run(event('c', 7, 3_000, start));
    run(event('d', 7, 3_010, start + 1_000));
    run(event('u', 8, 3_020, start + 1_000 + hourMs - 1));
    assert.notDeepEqual(state.mentioning('DEL-0007'), [], 'kept until the grace period has passed');
    run(event('u', 8, 3_030, start + 1_000 + hourMs + 60_000));
    assert.deepEqual(state.mentioning('DEL-0007'), []);
  });

  it('a key created again within the grace period keeps its position', () => {
    const processor = ingestProcessor(sampleConfig);
    const state = new MemoryState();
    const run = (record: InputRecord) => processor.step(record, { state, restoring: false });
    run(event('c', 3, 4_000, start));
    run(event('d', 3, 4_010, start + 1_000));
    run(event('c', 3, 4_020, start + 2 * dayMs));
    run(event('u', 4, 4_030, start + 30 * dayMs));
    const replay = run(event('c', 3, 4_020, start + 30 * dayMs + 1));
    assert.notEqual(replay.replayDropped, undefined, 'the live key still drops its replays');
  });

  it('a record with an older timestamp does not turn the clock back', () => {
    const hourMs = 3_600_000;
    const processor = ingestProcessor(sampleConfig, { deletedKeyGraceMs: hourMs });
    const state = new MemoryState();
    const run = (record: InputRecord) => processor.process(record, { state, restoring: false });
    run(event('c', 9, 5_000, start));
    run(event('u', 10, 5_010, start + 10 * hourMs));
    // Deleted with a timestamp from before the clock: its grace counts from the clock.
    run(event('d', 9, 5_020, start + 1_000));
    run(event('u', 10, 5_030, start + 10 * hourMs + hourMs / 2));
    assert.notDeepEqual(state.mentioning('DEL-0009'), []);
    run(event('u', 10, 5_040, start + 11 * hourMs + 60_000));
    assert.deepEqual(state.mentioning('DEL-0009'), []);
  });

  it('a restore replaying the same records ends with the same state', () => {
    const records: InputRecord[] = [];
    let lsn = 6_000;
    for (let i = 0; i < 20; i += 1) {
      records.push(event('c', i, (lsn += 10), start + i * 60_000));
      if (i % 3 === 0) records.push(event('d', i, (lsn += 10), start + i * 60_000 + 1));
    }
    records.push(event('u', 999, (lsn += 10), start + 8 * dayMs));
    const live = new MemoryState();
    const restored = new MemoryState();
    const processor = ingestProcessor(sampleConfig);
    for (const record of records) processor.process(record, { state: live, restoring: false });
    for (const record of records) processor.process(record, { state: restored, restoring: true });
    assert.deepEqual([...restored.rows].sort(), [...live.rows].sort());
    assert.deepEqual(live.mentioning('DEL-0003'), []);
    assert.notDeepEqual(live.mentioning('DEL-0004'), []);
  });
});
