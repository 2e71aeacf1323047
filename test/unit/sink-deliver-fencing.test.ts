/**
 * The sink fenced against its own replicas, without Kafka (harness: sink-fixtures.ts): a batch
 * whose partition went to another member while a call was in flight records nothing of that call;
 * a record older than the one its key's holding reflects is not sent, and a delivery that a newer
 * holding overtook during the call is not recorded as held or as DELIVERED.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SinkStopped } from '../../streams/sinks/deliver-records.ts';
import type { SinkRecord } from '../../streams/sinks/register-entry.ts';
import { delivered, harness, rec } from './sink-fixtures.ts';

const at = (key: string, offset: number, hash = `h-${key}@${offset}`): SinkRecord => ({
  ...rec(key, hash),
  offset: String(offset),
});
const revision = (offset: number) => ({ partition: 0, offset: BigInt(offset) });

describe('deliverRecords: fenced against replicas that lost their partition', () => {
  it('records nothing of a call whose partition went to another member meanwhile', async () => {
    const h = harness(delivered);
    let assignedAsked = 0;
    // Still assigned when the batch begins; gone by the time the answer comes.
    await assert.rejects(
      h.run([at('A', 5), at('B', 6)], {
        stillAssigned: () => Promise.resolve(assignedAsked++ === 0),
      }),
      SinkStopped,
    );
    assert.deepEqual(h.calls, [['A', 'B']], 'the call was made');
    assert.equal(assignedAsked, 2);
    assert.deepEqual(Object.fromEntries(h.held), {}, 'not recorded as held');
    assert.deepEqual(h.statuses(), [], 'no fate registered for it');
  });

  it("does not look at a batch whose partition is no longer this replica's when it begins", async () => {
    const h = harness(delivered, { held: { A: 'h-A@5' }, heldRevisions: { A: revision(5) } });
    await assert.rejects(
      h.run([at('A', 5), at('B', 6)], { stillAssigned: () => Promise.resolve(false) }),
      SinkStopped,
    );
    assert.deepEqual(h.calls, []);
    assert.deepEqual(h.statuses(), [], 'not even UNCHANGED is registered');
  });

  it('records nothing when the batch is abandoned while the call is in flight', async () => {
    const abandoned = new AbortController();
    const h = harness((batch) => {
      // The consumer's heartbeat failed during the call: the group rebalanced.
      abandoned.abort();
      return delivered(batch);
    });
    await assert.rejects(h.run([at('A', 5)], { signal: abandoned.signal }), SinkStopped);
    assert.deepEqual(Object.fromEntries(h.held), {});
    assert.deepEqual(h.statuses(), []);
  });

  it("records the call as usual while the partition is still this replica's", async () => {
    const h = harness(delivered);
    await h.run([at('A', 5)], { stillAssigned: () => Promise.resolve(true) });
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1']);
    assert.deepEqual(h.revisions.get('A'), revision(5));
  });

  it('does not send a record older than the one its holding reflects', async () => {
    const stale: string[] = [];
    const h = harness(delivered, { held: { A: 'h-A@9' }, heldRevisions: { A: revision(9) } });
    await h.run([at('A', 5), at('B', 6)], {
      stale: (stage, keys) => void stale.push(`${stage}:${keys.join(',')}`),
    });
    assert.deepEqual(h.calls, [['B']]);
    assert.deepEqual(h.statuses(), ['A:SUPERSEDED:0', 'B:DELIVERED:1']);
    const fate = h.fates.find((f) => f.record.key === 'A')!.fate;
    assert.equal(fate.errorCode, 'NEWER_HELD');
    assert.equal(fate.channelError, 'the holding reflects revision 0:9');
    assert.equal(h.held.get('A'), 'h-A@9', 'the newer holding stays');
    assert.deepEqual(stale, ['before-call:A']);
  });

  it('keeps the newer holding when a successor delivered a newer record during the call', async () => {
    const stale: string[] = [];
    const h: ReturnType<typeof harness> = harness((batch) => {
      // Another replica took the partition over and delivered revision 8 of A meanwhile.
      h.held.set('A', 'h-A@8');
      h.revisions.set('A', revision(8));
      return delivered(batch);
    });
    await h.run([at('A', 5), at('B', 6)], {
      stale: (stage, keys) => void stale.push(`${stage}:${keys.join(',')}`),
    });
    assert.deepEqual(h.statuses(), ['A:SUPERSEDED:1', 'B:DELIVERED:1']);
    const fate = h.fates.find((f) => f.record.key === 'A')!.fate;
    assert.equal(fate.errorCode, 'NEWER_HELD');
    assert.equal(fate.httpStatus, 200);
    assert.equal(h.held.get('A'), 'h-A@8');
    assert.deepEqual(h.revisions.get('A'), revision(8));
    assert.equal(h.held.get('B'), 'h-B@6');
    assert.deepEqual(stale, ['after-call:A']);
  });

  it('sends a record whose holding is from before revisions, and gives the holding one', async () => {
    const h = harness(delivered, { held: { A: 'old' } });
    await h.run([at('A', 3)]);
    assert.deepEqual(h.calls, [['A']]);
    assert.deepEqual(h.revisions.get('A'), revision(3));
  });

  it('moves the revision of an unchanged holding on to the newer record with the same content', async () => {
    const h = harness(delivered, { held: { A: 'same' }, heldRevisions: { A: revision(2) } });
    await h.run([at('A', 7, 'same')]);
    assert.deepEqual(h.calls, []);
    assert.deepEqual(h.statuses(), ['A:UNCHANGED:0']);
    assert.deepEqual(h.revisions.get('A'), revision(7));
  });

  it('passes the partition end on, so a holding from a former topic of the same name is replaced', async () => {
    const h = harness(delivered, { held: { A: 'h-A@900' }, heldRevisions: { A: revision(900) } });
    await h.run([at('A', 3)], { partitionEnd: 10n });
    assert.deepEqual(h.calls, [['A']], 'sent: the holding is not about this topic');
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1']);
    assert.deepEqual(h.revisions.get('A'), revision(3));
    assert.deepEqual(h.holdingWrites.at(-1), { keys: ['A'], partitionEnd: 10n });
  });
});
