/**
 * The sink's waits leave nothing behind on its stop signal: the signal lives as long as the sink,
 * and a wait is sliced into one-second sleeps, so a listener kept per sleep grows for good.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { pause } from '../../streams/sinks/delivery-waits.ts';

describe('pause', () => {
  it('leaves no abort listener on the stop signal once its sleeps are over', async () => {
    const stop = new AbortController();
    let heartbeats = 0;
    for (let i = 0; i < 5; i++)
      await pause(5, { signal: stop.signal, heartbeat: () => Promise.resolve(void heartbeats++) });
    assert.equal(heartbeats, 5);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  });

  it('ends at once when the sink stops during a sleep', async () => {
    const stop = new AbortController();
    const began = Date.now();
    const waiting = pause(60_000, { signal: stop.signal, heartbeat: () => Promise.resolve() });
    setTimeout(() => stop.abort(), 20);
    await waiting;
    assert.ok(Date.now() - began < 5_000, `pause ended ${Date.now() - began} ms after it began`);
  });
});
