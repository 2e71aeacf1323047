/**
 * The Magento poller's cursor survives a round trip through its text form (what the intake stores with
 * its records), and a cursor that is not one is refused with a reason instead of restarting from the
 * beginning; Retry-After is read in both of its forms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { decodeMagentoCursor, encodeMagentoCursor } from '../../streams/intake/magento-order-cursor.ts';
import { retryAfterMs } from '../../streams/intake/retry-after.ts';

describe('magento order cursor', () => {
  it('round-trips since and the versions emitted at that second', () => {
    const cursor = {
      since: '2026-12-03 10:05:07',
      emitted: {
        '17@2026-12-03 10:05:07': { fingerprint: 'abcDEF0123456789', sequence: 0 },
        '18@2026-12-03 10:05:07': { fingerprint: 'x-_x-_x-_x-_x-_x', sequence: 2 },
      },
    };
    const text = encodeMagentoCursor(cursor);
    assert.deepEqual(decodeMagentoCursor(text), cursor);
    assert.equal(encodeMagentoCursor(decodeMagentoCursor(text)), text, 'stable text');
  });

  it('refuses what is not a cursor of this format, saying why', () => {
    const refused = (text: string, why: RegExp) =>
      assert.throws(
        () => decodeMagentoCursor(text),
        (error: unknown) => error instanceof SynclineError && why.test(error.message),
      );
    refused('not json', /is not JSON/);
    refused('{"format":2,"since":"2026-12-03 10:05:07","emitted":{}}', /format 2, not 1/);
    refused('{"format":1,"since":"2026-12-03T10:05:07Z","emitted":{}}', /no Magento time/);
    refused('{"format":1,"since":"2026-12-03 10:05:07"}', /no emitted map/);
    refused('{"format":1,"since":"2026-12-03 10:05:07","emitted":{"1@x":"abc"}}', /bad entry for 1@x/);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and an HTTP-date, and gives null for nothing readable', () => {
    const now = Date.UTC(2026, 11, 3, 10, 0, 0);
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs('Thu, 03 Dec 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now), 0, 'a date passed: at once');
    assert.equal(retryAfterMs(null, now), null);
    assert.equal(retryAfterMs('soon', now), null);
  });
});
