import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restorePlan } from '../../streams/runtime/eos/restore-plan.ts';

const plan = (entries: Record<string, { committed?: string; checkpoint?: string }>) =>
  restorePlan(
    new Map(
      Object.entries(entries).map(([tp, o]) => [tp, { committed: o.committed, checkpoint: o.checkpoint }]),
    ),
  );

describe('restorePlan', () => {
  it('trusts a store whose checkpoint equals the committed offsets', () => {
    const result = plan({ 'a:0': { committed: '10', checkpoint: '10' } });
    assert.equal(result.wipe, false);
    assert.equal(result.replay.size, 0);
  });

  it('replays from the checkpoint when Kafka committed further (crash between commit and store write)', () => {
    const result = plan({
      'a:0': { committed: '15', checkpoint: '10' },
      'b:0': { committed: '7', checkpoint: '7' },
    });
    assert.equal(result.wipe, false);
    assert.deepEqual(Object.fromEntries(result.replay), { 'a:0': { from: '10', until: '15' } });
  });

  it('wipes and replays everything when the checkpoint is ahead of Kafka', () => {
    const result = plan({
      'a:0': { committed: '5', checkpoint: '9' },
      'b:0': { committed: '3', checkpoint: '3' },
    });
    assert.equal(result.wipe, true);
    assert.deepEqual(Object.fromEntries(result.replay), {
      'a:0': { from: '0', until: '5' },
      'b:0': { from: '0', until: '3' },
    });
  });

  it('wipes a store that has a checkpoint for a partition the group never committed', () => {
    assert.equal(plan({ 'a:0': { checkpoint: '4' } }).wipe, true);
  });

  it('replays a partition the store has never seen from the beginning', () => {
    const result = plan({ 'a:0': { committed: '4' } });
    assert.deepEqual(Object.fromEntries(result.replay), { 'a:0': { from: '0', until: '4' } });
  });

  it('has nothing to do for a new group', () => {
    const result = plan({ 'a:0': {}, 'b:1': {} });
    assert.equal(result.wipe, false);
    assert.equal(result.replay.size, 0);
  });
});
