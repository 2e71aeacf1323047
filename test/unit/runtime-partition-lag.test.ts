/**
 * A consumer group's lag on one partition from samples of its end and committed offsets: records
 * behind (trailing commit markers the consumer saw are not behind) and the age of the oldest
 * record not yet committed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  emptyLagState,
  maxEndSamples,
  nextPartitionLag,
  skippedByBatch,
  type PartitionLagState,
  type PartitionSample,
} from '../../streams/runtime/kafka/partition-lag.ts';

const sample = (atMs: number, committed: number | undefined, end: number, low = 0): PartitionSample => ({
  atMs,
  committed: committed === undefined ? undefined : BigInt(committed),
  low: BigInt(low),
  end: BigInt(end),
});

/** Feeds samples in order; returns each answer as [records, seconds]. */
function run(samples: PartitionSample[], state: PartitionLagState = emptyLagState) {
  const answers: [number, number][] = [];
  for (const s of samples) {
    const lag = nextPartitionLag(state, s);
    state = lag.state;
    answers.push([Number(lag.records), lag.seconds]);
  }
  return { answers, state };
}

describe('partition lag', () => {
  it('is zero records and zero seconds for a group at the end', () => {
    assert.deepEqual(run([sample(0, 10, 10), sample(5000, 10, 10)]).answers, [
      [0, 0],
      [0, 0],
    ]);
  });

  it('counts the records between the committed offset and the end', () => {
    assert.deepEqual(run([sample(0, 10, 25)]).answers, [[15, 0]]);
  });

  it('counts from the first offset for a group that has committed nothing', () => {
    assert.deepEqual(run([sample(0, undefined, 30, 12)]).answers, [[18, 0]]);
  });

  it('dates the oldest record behind by the first sample whose end passed the committed offset', () => {
    const { answers } = run([
      sample(0, 10, 10), // caught up
      sample(5_000, 10, 14), // 4 new records, written between 0 s and 5 s
      sample(10_000, 10, 20), // the group stands still
      sample(15_000, 10, 26),
    ]);
    assert.deepEqual(answers, [
      [0, 0],
      [4, 0],
      [10, 5],
      [16, 10],
    ]);
  });

  it('moves the date on as the group commits past the records of older samples', () => {
    const { answers } = run([
      sample(0, 10, 10),
      sample(5_000, 10, 14),
      sample(10_000, 10, 20),
      sample(15_000, 16, 22), // committed past 14: its oldest record came after the 5 s sample
    ]);
    assert.deepEqual(answers.at(-1), [6, 5]);
  });

  it('drops back to zero seconds once the group catches up, and starts afresh', () => {
    const { answers } = run([
      sample(0, 10, 14),
      sample(60_000, 14, 14),
      sample(65_000, 14, 15),
      sample(70_000, 14, 15),
    ]);
    assert.deepEqual(answers, [
      [4, 0],
      [0, 0],
      [1, 0],
      [1, 5],
    ]);
  });

  it('does not count trailing commit markers the consumer saw as behind', () => {
    // The last transaction's records end at 41, its commit marker is offset 42: the end is 43.
    const markers = skippedByBatch(emptyLagState, { batchSize: 0, firstOffset: '42', lastOffset: '42' });
    assert.deepEqual(run([sample(0, 42, 43)], markers).answers, [[0, 0]]);
    // Without having seen them, the marker counts.
    assert.deepEqual(run([sample(0, 42, 43)]).answers, [[1, 0]]);
  });

  it('counts what follows the markers, and markers the group has not committed up to', () => {
    const markers = skippedByBatch(emptyLagState, { batchSize: 0, firstOffset: '42', lastOffset: '42' });
    // New records after the marker.
    assert.deepEqual(run([sample(0, 42, 50)], markers).answers, [[7, 0]]);
    // Records processed but not committed yet sit before the markers: they are behind.
    assert.deepEqual(run([sample(0, 38, 43)], markers).answers, [[5, 0]]);
  });

  it('learns nothing from a batch that held records for the consumer', () => {
    const state = skippedByBatch(emptyLagState, { batchSize: 3, firstOffset: '10', lastOffset: '12' });
    assert.equal(state, emptyLagState);
  });

  it('keeps a bounded memory for a partition behind for a long time, its oldest sample kept', () => {
    const samples = [sample(0, 0, 0)];
    for (let i = 1; i <= maxEndSamples * 2; i += 1) samples.push(sample(i * 1000, 0, i));
    const { answers, state } = run(samples);
    assert.ok(state.ends.length <= maxEndSamples);
    assert.deepEqual(answers.at(-1), [maxEndSamples * 2, maxEndSamples * 2 - 1]);
  });
});
