import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settledOffsets, type GroupOffsets } from '../../streams/runtime/eos/settled-offsets.ts';

const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;

/** Answers the reads in turn (the last one again once they run out) and counts them. */
function reads(...answers: GroupOffsets[]) {
  let calls = 0;
  const asked: string[][] = [];
  return {
    read: (topics: string[]) => {
      asked.push(topics);
      const answer = answers[Math.min(calls, answers.length - 1)]!;
      calls += 1;
      return Promise.resolve(answer);
    },
    calls: () => calls,
    asked,
  };
}

const offsets = (p0: string, p1: string, p2: string) => [
  {
    topic: 'in',
    partitions: [
      { partition: 0, offset: p0 },
      { partition: 1, offset: p1 },
      { partition: 2, offset: p2 },
    ],
  },
];

const noWait = { wait: () => Promise.resolve() };

describe('settledOffsets', () => {
  it("settles on two equal reads of the task's own partitions while other tasks keep committing", async () => {
    // Partition 1 is another task's, committing at every read; partition 0 is ours and still.
    const group = reads(offsets('10', '100', '5'), offsets('10', '150', '5'), offsets('10', '200', '6'));
    const settled = await settledOffsets(group.read, [{ topic: 'in', partition: 0 }], keyOf, noWait);
    assert.deepEqual(Object.fromEntries(settled), { 'in:0': '10' });
    assert.equal(group.calls(), 2);
    assert.deepEqual(group.asked[0], ['in']);
  });

  it('waits while its own offsets still move (a transaction being applied), then settles', async () => {
    const group = reads(offsets('10', '0', '0'), offsets('12', '0', '0'), offsets('12', '0', '0'));
    const settled = await settledOffsets(group.read, [{ topic: 'in', partition: 0 }], keyOf, noWait);
    assert.deepEqual(Object.fromEntries(settled), { 'in:0': '12' });
    assert.equal(group.calls(), 3);
  });

  it('reads -1 and a partition missing from the answer as no commit', async () => {
    const group = reads([{ topic: 'in', partitions: [{ partition: 0, offset: '-1' }] }]);
    const settled = await settledOffsets(
      group.read,
      [
        { topic: 'in', partition: 0 },
        { topic: 'other', partition: 0 },
      ],
      keyOf,
      noWait,
    );
    assert.deepEqual(
      [...settled],
      [
        ['in:0', undefined],
        ['other:0', undefined],
      ],
    );
    assert.deepEqual(group.asked[0], ['in', 'other']);
  });

  it('gives up after the attempts with the last read when its offsets never settle', async () => {
    let offset = 0;
    const read = () => Promise.resolve(offsets(String((offset += 1)), '0', '0'));
    const waited: number[] = [];
    const settled = await settledOffsets(read, [{ topic: 'in', partition: 0 }], keyOf, {
      attempts: 3,
      stableAfterMs: 7,
      wait: (ms) => Promise.resolve(waited.push(ms)),
    });
    assert.deepEqual(Object.fromEntries(settled), { 'in:0': '4' });
    assert.deepEqual(waited, [7, 7, 7]);
  });
});
