/**
 * A channel that refuses every call (a rotated credential, a withdrawn permission, a wrong route)
 * is a fault of the channel, not of its records: nothing is parked, delivery pauses with one
 * channel-wide register entry, one probe goes per interval, and delivery resumes by itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelCallError, type Delivery } from '../../streams/sinks/channel-adapter.ts';
import { delivered, harness, rec } from './sink-fixtures.ts';

const unauthorized = () =>
  new ChannelCallError('PUT product: Magento refused the credentials (401)', {
    transient: false,
    channelWide: true,
    status: 401,
    channelError: "The consumer isn't authorized to access Magento_Catalog::products.",
    code: 'UNAUTHORIZED',
  });

/** Refuses every call made before `untilMs` on the harness's clock, then delivers. */
const refusingUntil = (untilMs: number) => (batch: readonly Delivery[], _call: number, nowMs: number) => {
  if (nowMs < untilMs) throw unauthorized();
  return delivered(batch);
};

describe('deliverRecords: a channel refusing every call', () => {
  it('parks nothing and resumes by itself when the channel accepts again', async () => {
    const h = harness(refusingUntil(60_000), { probeIntervalMs: 5000 });
    await h.run([rec('A'), rec('B')]);
    assert.deepEqual(
      h.fates.filter((f) => f.fate.status === 'PARKED'),
      [],
      'nothing parked',
    );
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1', 'B:DELIVERED:1']);
    assert.deepEqual(Object.fromEntries(h.held), { A: 'h-A', B: 'h-B' });
    assert.equal(h.refusal.access, 'accepting');
  });

  it('probes at most once per interval however long the refusal lasts', async () => {
    const h = harness(refusingUntil(60_000), { probeIntervalMs: 5000 });
    await h.run([rec('A')]);
    const gaps = h.callTimes.slice(1).map((t, i) => t - h.callTimes[i]!);
    assert.ok(
      gaps.every((gap) => gap >= 5000),
      `calls ${h.callTimes.join(',')}`,
    );
    // The first call met the refusal at 0; probes at 5 s, 10 s, ... 60 s: 13 calls in all.
    assert.equal(h.calls.length, 13);
  });

  it("registers one channel-wide entry when the refusal starts and one when it ends, with the channel's words", async () => {
    const h = harness(refusingUntil(20_000), { probeIntervalMs: 5000 });
    const first = rec('A');
    await h.run([first, rec('B')]);
    assert.deepEqual(
      h.events.map((e) => e.kind),
      ['REFUSED', 'RESUMED'],
    );
    const [refused, resumed] = h.events;
    assert.equal(refused?.refusal.httpStatus, 401);
    assert.equal(refused?.refusal.errorCode, 'UNAUTHORIZED');
    assert.match(refused?.refusal.channelError ?? '', /isn't authorized/);
    assert.equal(refused?.record, first, 'where delivery stopped');
    // Refused at 0, 5, 10 and 15 s; the probe at 20 s is accepted.
    assert.equal(resumed?.refusal.refusedCalls, 4);
    assert.equal(resumed?.atMs, 20_000);
    // Refused calls are not attempts of the records: the channel looked at none of them.
    assert.deepEqual(
      h.fates.map((f) => f.fate.status),
      ['DELIVERED', 'DELIVERED'],
    );
  });

  it('does not trip the circuit breaker: a refusal is not an outage', async () => {
    const h = harness(refusingUntil(30_000), { probeIntervalMs: 5000 });
    await h.run([rec('A')]);
    assert.equal(h.breaker.state, 'closed');
    assert.ok(
      h.sleeps.every((ms) => ms <= 5000),
      `slept ${h.sleeps.join(',')}`,
    );
  });

  it('still parks the records of a call refused for what it carries (not channel-wide)', async () => {
    const h = harness(() => {
      throw new ChannelCallError('400', {
        transient: false,
        status: 400,
        channelError: 'bad body',
      });
    });
    await h.run([rec('A')]);
    assert.deepEqual(h.statuses(), ['A:PARKED:1']);
    assert.deepEqual(h.events, []);
  });
});
