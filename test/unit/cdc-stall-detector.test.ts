import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallDetector } from '../../streams/cdc/stall-detector.ts';

describe('CDC stall detector', () => {
  it('counts quiet time from the last move of the end offset', () => {
    const detector = new StallDetector(45_000, 0);
    assert.equal(detector.observe({ endOffset: 10n, at: 5_000 }), 5_000);
    assert.equal(detector.observe({ endOffset: 11n, at: 15_000 }), 0);
    assert.equal(detector.observe({ endOffset: 11n, at: 59_999 }), 44_999);
    assert.equal(detector.stalled(44_999), false);
    assert.equal(detector.observe({ endOffset: 11n, at: 60_000 }), 45_000);
    assert.equal(detector.stalled(45_000), true);
    assert.equal(detector.quietSince, 15_000);
  });

  it('does not take the first offset it sees for a sign of life (a watch started on a dead source)', () => {
    const detector = new StallDetector(45_000, 0);
    detector.observe({ endOffset: 500n, at: 1_000 });
    assert.equal(detector.stalled(detector.observe({ endOffset: 500n, at: 46_000 })), true);
  });

  it('finds a connector that never wrote a heartbeat (its topics do not exist) stalled too', () => {
    const detector = new StallDetector(45_000, 0);
    assert.equal(detector.stalled(detector.observe({ endOffset: undefined, at: 45_000 })), true);
  });

  it('clears the stall as soon as the offset moves again', () => {
    const detector = new StallDetector(45_000, 0);
    detector.observe({ endOffset: 1n, at: 0 });
    assert.equal(detector.stalled(detector.observe({ endOffset: 1n, at: 100_000 })), true);
    assert.equal(detector.stalled(detector.observe({ endOffset: 2n, at: 101_000 })), false);
  });
});
