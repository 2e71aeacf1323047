import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker, type BreakerState } from '../../streams/sinks/circuit-breaker.ts';
import { backoffDelayMs, parseRetryAfter } from '../../streams/sinks/retry-backoff.ts';

const policy = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };

describe('backoffDelayMs', () => {
  it('grows exponentially within [ceiling/2, ceiling] and stops at the maximum', () => {
    assert.equal(
      backoffDelayMs(1, policy, undefined, () => 0),
      50,
    );
    assert.equal(
      backoffDelayMs(1, policy, undefined, () => 1),
      100,
    );
    assert.equal(
      backoffDelayMs(3, policy, undefined, () => 1),
      400,
    );
    assert.equal(
      backoffDelayMs(10, policy, undefined, () => 1),
      1000,
    );
    assert.equal(
      backoffDelayMs(10, policy, undefined, () => 0),
      500,
    );
  });

  it("never waits less than the channel's Retry-After", () => {
    assert.equal(
      backoffDelayMs(1, policy, 5000, () => 0.5),
      5000,
    );
    assert.equal(
      backoffDelayMs(4, policy, 10, () => 1),
      800,
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds, fractional seconds and an HTTP-date', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter('2.0'), 2000);
    const now = Date.parse('Mon, 23 Nov 2026 10:00:00 GMT');
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 10:00:07 GMT', now), 7000);
  });

  it('ignores an absent or unreadable value', () => {
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

describe('CircuitBreaker', () => {
  const make = () => {
    const changes: BreakerState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, maxOpenMs: 3000 }, (s) =>
      changes.push(s),
    );
    return { breaker, changes };
  };

  it('opens after the threshold of failures in a row, then lets one probe through when the time is up', () => {
    const { breaker, changes } = make();
    breaker.failed(0);
    breaker.failed(0);
    assert.equal(breaker.waitMs(0), 0);
    breaker.failed(0);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.waitMs(400), 600);
    assert.equal(breaker.waitMs(1000), 0);
    assert.equal(breaker.state, 'half-open');
    breaker.succeeded();
    assert.deepEqual(changes, ['open', 'half-open', 'closed']);
  });

  it('reopens for twice as long when the probe fails, up to the maximum', () => {
    const { breaker } = make();
    for (let i = 0; i < 3; i += 1) breaker.failed(0);
    breaker.waitMs(1000);
    breaker.failed(1000);
    assert.equal(breaker.waitMs(1000), 2000);
    breaker.waitMs(3000);
    breaker.failed(3000);
    assert.equal(breaker.waitMs(3000), 3000);
  });

  it('lets one probe through per open interval however many partitions ask, and another an interval later if the probe never reports', () => {
    const { breaker } = make();
    for (let i = 0; i < 3; i += 1) breaker.failed(0);
    // Partitions delivered side by side all wake when the open time is up.
    assert.equal(breaker.waitMs(1000), 0, 'the first caller is the probe');
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.waitMs(1000), 1000, 'a second caller waits for the probe');
    assert.equal(breaker.waitMs(1500), 500);
    // The probe's call ended neither way (the sink stopped, the ops database was away): one more
    // probe after an interval, not a stall for ever.
    assert.equal(breaker.waitMs(2000), 0);
    assert.equal(breaker.waitMs(2000), 1000);
    breaker.failed(2100);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.waitMs(2100), 2000);
  });

  it('forgets failures after a success', () => {
    const { breaker } = make();
    breaker.failed(0);
    breaker.failed(0);
    breaker.succeeded();
    breaker.failed(0);
    breaker.failed(0);
    assert.equal(breaker.state, 'closed');
  });
});
