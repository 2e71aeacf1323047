/**
 * The sink's core decisions without Kafka: which records are sent, what each record's fate is,
 * how transient failures are retried (backoff, Retry-After, circuit breaker) and when a record is
 * parked (harness: sink-fixtures.ts). A channel refusing every call is in
 * sink-deliver-refusals.test.ts, the ops database going away in sink-deliver-ops-outage.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelCallError } from '../../streams/sinks/channel-adapter.ts';
import { delivered, harness, rec } from './sink-fixtures.ts';

describe('deliverRecords', () => {
  it('delivers every record once and records the channel as holding it', async () => {
    const h = harness(delivered);
    await h.run([rec('A'), rec('B')]);
    assert.deepEqual(h.calls, [['A', 'B']]);
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1', 'B:DELIVERED:1']);
    assert.deepEqual(Object.fromEntries(h.held), { A: 'h-A', B: 'h-B' });
  });

  it('sends nothing for a record whose content hash the channel already holds', async () => {
    const h = harness(delivered, { held: { A: 'h-A', B: 'old' } });
    await h.run([rec('A'), rec('B')]);
    assert.deepEqual(h.calls, [['B']]);
    assert.deepEqual(h.statuses(), ['A:UNCHANGED:0', 'B:DELIVERED:1']);
  });

  it('sends only the last record of a key written twice in the batch', async () => {
    const h = harness(delivered);
    const first = rec('A', 'v1');
    await h.run([first, rec('B'), rec('A', 'v2')]);
    assert.deepEqual(h.calls, [['A', 'B']]);
    assert.equal(h.fates.find((f) => f.record === first)?.fate.status, 'SUPERSEDED');
    assert.equal(h.held.get('A'), 'v2');
  });

  it('splits the records into calls of the batch size', async () => {
    const h = harness(delivered, { batchSize: 2 });
    await h.run(['A', 'B', 'C', 'D', 'E'].map((k) => rec(k)));
    assert.deepEqual(h.calls, [['A', 'B'], ['C', 'D'], ['E']]);
  });

  it('parks a rejected record and delivers the rest of the call', async () => {
    const h = harness((batch) =>
      batch.map((d) =>
        d.key === 'B'
          ? {
              kind: 'rejected',
              status: 400,
              code: 'MISSING_ATTRIBUTE',
              channelError: 'The "ean" attribute value is empty.',
            }
          : { kind: 'delivered', status: 200 },
      ),
    );
    await h.run([rec('A'), rec('B'), rec('C')]);
    assert.deepEqual(h.statuses(), ['A:DELIVERED:1', 'B:PARKED:1', 'C:DELIVERED:1']);
    const parked = h.fates.find((f) => f.record.key === 'B')!.fate;
    assert.equal(parked.errorCode, 'MISSING_ATTRIBUTE');
    assert.equal(parked.channelError, 'The "ean" attribute value is empty.');
    assert.equal(h.held.has('B'), false);
  });

  it('retries a channel that is down until it answers, without parking, and opens the breaker', async () => {
    const h = harness((batch, call) => {
      if (call <= 6)
        throw new ChannelCallError('503', {
          transient: true,
          status: 503,
          channelError: 'Service Unavailable',
        });
      return delivered(batch);
    });
    await h.run([rec('A'), rec('B')]);
    assert.equal(h.calls.length, 7);
    assert.deepEqual(h.statuses().slice(-2), ['A:DELIVERED:7', 'B:DELIVERED:7']);
    assert.equal(h.fates.filter((f) => f.fate.status === 'PARKED').length, 0);
    assert.equal(h.fates.filter((f) => f.fate.status === 'FAILED_WILL_RETRY').length, 12);
    // After 3 failures in a row the breaker opened: the sink waited the open time (1 s, then 2 s).
    assert.ok(
      h.sleeps.some((ms) => ms >= 1000),
      `sleeps ${h.sleeps.join(',')}`,
    );
    assert.equal(h.breaker.state, 'closed');
  });

  it("waits at least the channel's Retry-After before trying again", async () => {
    const h = harness((batch, call) => {
      if (call === 1)
        throw new ChannelCallError('429', {
          transient: true,
          status: 429,
          channelError: 'Too Many Requests',
          retryAfterMs: 3000,
        });
      return delivered(batch);
    });
    await h.run([rec('A')]);
    assert.equal(h.sleeps.reduce((a, b) => a + b, 0) >= 3000, true, `slept ${h.sleeps.join(',')}`);
    assert.deepEqual(h.statuses(), ['A:FAILED_WILL_RETRY:1', 'A:DELIVERED:2']);
  });

  it('retries only the records the channel could not take yet', async () => {
    const h = harness((batch, call) =>
      batch.map((d) =>
        call === 1 && d.key === 'B'
          ? { kind: 'transient', status: null, channelError: 'operation failed, retriable' }
          : { kind: 'delivered', status: 200 },
      ),
    );
    await h.run([rec('A'), rec('B')]);
    assert.deepEqual(h.calls, [['A', 'B'], ['B']]);
  });

  it('parks a record that keeps failing on its own after parkAfterAttempts', async () => {
    const h = harness(
      (batch) => batch.map(() => ({ kind: 'transient', status: null, channelError: 'still open' })),
      {
        parkAfter: 3,
      },
    );
    await h.run([rec('A')]);
    assert.deepEqual(h.statuses(), ['A:FAILED_WILL_RETRY:1', 'A:FAILED_WILL_RETRY:2', 'A:PARKED:3']);
    assert.equal(h.fates.at(-1)?.fate.errorCode, 'RETRIES_EXHAUSTED');
  });

  it('parks every record of a call the channel refuses as a whole for what it carries (400)', async () => {
    const h = harness(() => {
      throw new ChannelCallError('400', {
        transient: false,
        status: 400,
        channelError: 'The request body is not a valid bulk of products.',
        code: 'HTTP_400',
      });
    });
    await h.run([rec('A'), rec('B')]);
    assert.deepEqual(h.statuses(), ['A:PARKED:1', 'B:PARKED:1']);
  });

  it('delists with a tombstone like any other record', async () => {
    const h = harness(delivered, { held: { A: 'h-A' } });
    await h.run([rec('A', 'tombstone', null)]);
    assert.deepEqual(h.calls, [['A']]);
    assert.equal(h.held.get('A'), 'tombstone');
  });
});
