import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ingestProcessor } from '../../streams/processors/ingest/ingest-processor.ts';
import { recordReplayDrops } from '../../streams/roles/ingest-replay-drops.ts';
import { ingestMetrics } from '../../streams/runtime/metrics.ts';
import type { InputRecord } from '../../streams/runtime/processor.ts';
import type { StateView } from '../../streams/runtime/state/task-state.ts';
import { key, pgProduct, pgValue, sampleConfig } from './ingest-fixtures.ts';

const topic = 'erp.postgres.erp.product';
const sku = key({ sku: 'TSH-001-M-BLK' });

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

let offset = 0;
const change = (lsn: number, k = sku): InputRecord => ({
  topic,
  partition: 2,
  offset: String((offset += 1)),
  key: k,
  value: pgValue({ op: 'u', table: 'product', after: pgProduct(), lsn }),
  headers: {},
  timestampMs: 1_767_225_600_900,
});

function recorded() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const registry = new Registry();
  let clock = 0;
  const recorder = recordReplayDrops(ingestProcessor(sampleConfig), {
    metrics: ingestMetrics(registry),
    logger: pino({ level: 'info' }, sink),
    intervalMs: 10_000,
    now: () => clock,
  });
  const state = new MemoryState();
  return {
    lines,
    recorder,
    run: (record: InputRecord, restoring = false) => recorder.processor.process(record, { state, restoring }),
    advance: (ms: number) => (clock += ms),
    dropped: async () => {
      const metric = await registry.getSingleMetric('syncline_ingest_replays_dropped_total')?.get();
      return (metric?.values ?? []).map((v) => ({ ...v.labels, value: v.value }));
    },
  };
}

describe('ingest replay drops', () => {
  it('the processor returns a dropped event with its source, table, key and both positions', () => {
    const processor = ingestProcessor(sampleConfig);
    const state = new MemoryState();
    const kept = processor.step(change(1000), { state, restoring: false });
    assert.equal(kept.replayDropped, undefined);
    assert.equal(kept.emissions.length, 1);
    const record = change(900);
    const dropped = processor.step(record, { state, restoring: false });
    assert.deepEqual(dropped.emissions, []);
    assert.deepEqual(dropped.replayDropped, {
      source: 'postgres',
      table: 'erp.product',
      topic,
      partition: 2,
      offset: record.offset,
      key: sku,
      position: { kind: 'pg', lsn: '900' },
      lastPosition: { kind: 'pg', lsn: '1000' },
    });
  });

  it('an event at the last position (a redelivery of the same change) is a drop too', () => {
    const processor = ingestProcessor(sampleConfig);
    const state = new MemoryState();
    processor.step(change(1000), { state, restoring: false });
    assert.notEqual(processor.step(change(1000), { state, restoring: false }).replayDropped, undefined);
  });

  it('counts every drop in syncline_ingest_replays_dropped_total by source and table', async () => {
    const { run, dropped } = recorded();
    run(change(1000));
    run(change(900));
    run(change(800));
    run(change(1100));
    assert.deepEqual(await dropped(), [{ source: 'postgres', table: 'erp.product', value: 2 }]);
  });

  it('does not count again the drops a restore replays (counted when first processed)', async () => {
    const { run, dropped } = recorded();
    run(change(1000), true);
    run(change(900), true);
    assert.deepEqual(await dropped(), []);
  });

  it('logs the first drop with its key and positions, then one summed line per interval', () => {
    const { run, lines, recorder, advance } = recorded();
    run(change(5000));
    for (let lsn = 1; lsn <= 3000; lsn += 1) run(change(lsn));
    assert.equal(lines.length, 1, 'a replay of thousands is one line, not thousands');
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.key, sku);
    assert.deepEqual(lines[0]?.position, { kind: 'pg', lsn: '1' });
    assert.deepEqual(lines[0]?.lastPosition, { kind: 'pg', lsn: '5000' });
    assert.match(String(lines[0]?.msg), /reset the source's positions and resync/);
    recorder.flush();
    assert.equal(lines.length, 1, 'nothing more before the interval is over');
    advance(10_000);
    recorder.flush();
    assert.equal(lines.length, 2);
    assert.equal(lines[1]?.dropped, 2999);
    recorder.flush();
    assert.equal(lines.length, 2, 'a sum is logged once');
  });
});
