/**
 * The ops database (the channel's shared budget, its holdings) going away in the middle of a batch
 * is syncline's own outage: the sink waits for it, parks nothing for it, and every record still
 * gets exactly one fate per attempt, one dead letter per rejection, one place in the retry list.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ItemOutcome } from '../../streams/sinks/channel-adapter.ts';
import type { RecordFate } from '../../streams/sinks/deliver-records.ts';
import { OpsUnavailable } from '../../streams/sinks/ops/ops-outage.ts';
import { delivered, harness, rec } from './sink-fixtures.ts';

const away = () =>
  new OpsUnavailable(
    'rate budget of webshop',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }),
  );

/** A call where A is delivered, B refused for good, C not taken yet; then C is delivered. */
const mixed = (batch: Parameters<typeof delivered>[0], call: number): ItemOutcome[] =>
  batch.map((d): ItemOutcome => {
    if (d.key === 'B')
      return { kind: 'rejected', status: 400, code: 'MISSING_ATTRIBUTE', channelError: 'ean' };
    if (d.key === 'C' && call === 1) return { kind: 'transient', status: 202, channelError: 'still open' };
    return { kind: 'delivered', status: 200 };
  });

/** Every (key, attempt) pair that has more than one fate. */
function doubled(fates: readonly RecordFate[]): string[] {
  const seen = new Map<string, number>();
  for (const { record, fate } of fates) {
    const id = `${record.key}@${fate.attempt}`;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

describe('deliverRecords: the ops database away', () => {
  it('gives each record one fate per attempt when the holdings cannot be written after a call', async () => {
    const h = harness(mixed, { recordFailure: (n) => (n <= 3 ? away() : undefined) });
    await h.run([rec('A'), rec('B'), rec('C')]);
    assert.deepEqual(doubled(h.fates), []);
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1', 'B:PARKED:1', 'C:FAILED_WILL_RETRY:1', 'C:DELIVERED:2']);
  });

  it('parks a rejected record once: one dead letter per rejection', async () => {
    const h = harness(mixed, { recordFailure: (n) => (n <= 3 ? away() : undefined) });
    await h.run([rec('A'), rec('B'), rec('C')]);
    assert.equal(h.fates.filter((f) => f.fate.status === 'PARKED').length, 1);
  });

  it('never sends a key twice in one call, nor a record again once its fate is final', async () => {
    const h = harness(mixed, { recordFailure: (n) => (n <= 3 ? away() : undefined) });
    await h.run([rec('A'), rec('B'), rec('C')]);
    assert.deepEqual(h.calls, [['A', 'B', 'C'], ['C']]);
    assert.deepEqual(Object.fromEntries(h.held), { A: 'h-A', C: 'h-C' });
  });

  it('waits out an outage of the budget inside the adapter call, however long, and parks nothing', async () => {
    // 40 failed calls, twice parkAfterAttempts: an outage is no reason to give up on a record.
    const h = harness((batch, call) => {
      if (call <= 40) throw away();
      return delivered(batch);
    });
    await h.run([rec('A'), rec('B')]);
    assert.equal(h.fates.filter((f) => f.fate.status === 'PARKED').length, 0);
    assert.deepEqual(h.statuses().slice(-2), ['A:DELIVERED:41', 'B:DELIVERED:41']);
    const retries = h.fates.filter((f) => f.fate.status === 'FAILED_WILL_RETRY');
    assert.equal(retries.length, 80, 'one fate per record per attempt');
    assert.ok(retries.every((f) => f.fate.errorCode === 'OPS_UNAVAILABLE'));
    assert.equal(h.breaker.state, 'closed', 'the channel did nothing wrong');
    assert.ok(
      h.sleeps.every((ms) => ms <= 5000),
      `waits stay within maxDelayMs: ${h.sleeps.join(',')}`,
    );
  });

  it('waits for the holdings to be readable before the first call of a batch', async () => {
    const h = harness(delivered, { hashesFailure: (n) => (n <= 4 ? away() : undefined) });
    await h.run([rec('A')]);
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1']);
    assert.ok(h.sleeps.length >= 4, `slept ${h.sleeps.join(',')}`);
  });

  it('tells when the ops database goes away and when it is back', async () => {
    const changes: boolean[] = [];
    const h = harness(delivered, { recordFailure: (n) => (n <= 2 ? away() : undefined) });
    await h.run([rec('A')], { opsOutage: (down) => changes.push(down) });
    assert.deepEqual(changes, [true, false]);
  });

  it('says the ops database is back only when a query reached it, not after each call the outage failed', async () => {
    const changes: boolean[] = [];
    const h = harness((batch, call) => {
      if (call <= 3) throw away();
      return delivered(batch);
    });
    await h.run([rec('A')], { opsOutage: (down) => changes.push(down) });
    assert.deepEqual(h.statuses().at(-1), 'A:DELIVERED:4');
    assert.deepEqual(changes, [true, false], 'down once, back once');
  });

  it('does not excuse a defect in the holdings: the batch fails instead of being retried as a record fault', async () => {
    const defect = Object.assign(new Error('relation "channel_holding" does not exist'), { code: '42P01' });
    const h = harness(delivered, { recordFailure: () => defect });
    await assert.rejects(h.run([rec('A')]), (e) => e === defect);
    assert.deepEqual(doubled(h.fates), []);
  });
});
