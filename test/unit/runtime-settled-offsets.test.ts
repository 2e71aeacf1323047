import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SynclineError } from '../../streams/runtime/errors.ts';
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

/** A clock that moves only when the settle waits, recording each wait. */
function fakeClock() {
  let at = 0;
  const waited: number[] = [];
  return {
    now: () => at,
    wait: (ms: number) => {
      waited.push(ms);
      at += ms;
      return Promise.resolve();
    },
    waited,
  };
}

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

  it('keeps waiting past 20 reads while its offsets move, with a bounded backoff, then settles', async () => {
    let reads = 0;
    // Moves for 30 reads (20 were all the old settle allowed), then stays.
    const read = () => Promise.resolve(offsets(String(Math.min((reads += 1), 30)), '0', '0'));
    const clock = fakeClock();
    const settled = await settledOffsets(read, [{ topic: 'in', partition: 0 }], keyOf, {
      ...clock,
      stableAfterMs: 250,
      maxBackoffMs: 2000,
      giveUpAfterMs: 600_000,
    });
    assert.deepEqual(Object.fromEntries(settled), { 'in:0': '30' });
    assert.deepEqual(clock.waited.slice(0, 5), [250, 500, 1000, 2000, 2000]);
    assert.ok(Math.max(...clock.waited) <= 2000);
  });

  it('never answers offsets that did not agree: it fails, retriable, naming what moved', async () => {
    let offset = 0;
    const read = () => Promise.resolve(offsets(String((offset += 1)), '0', '0'));
    const clock = fakeClock();
    const error = await settledOffsets(read, [{ topic: 'in', partition: 0 }], keyOf, {
      ...clock,
      stableAfterMs: 250,
      maxBackoffMs: 1000,
      giveUpAfterMs: 10_000,
    }).then(
      (settled) => assert.fail(`answered unsettled offsets ${JSON.stringify([...settled])}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SynclineError, String(error));
    assert.equal(error.code, 'OFFSETS_UNSETTLED');
    assert.equal(error.retriable, true);
    assert.match(error.message, /in:0/);
    assert.ok(clock.now() >= 10_000, `gave up after ${clock.now()} ms`);
  });

  it('says every so often which partitions it waits for', async () => {
    let offset = 0;
    const read = () => Promise.resolve(offsets(String((offset += 1)), '7', '0'));
    const clock = fakeClock();
    const said: { moving: unknown; waitedMs: number }[] = [];
    await settledOffsets(
      read,
      [
        { topic: 'in', partition: 0 },
        { topic: 'in', partition: 1 },
      ],
      keyOf,
      {
        ...clock,
        stableAfterMs: 250,
        maxBackoffMs: 1000,
        giveUpAfterMs: 5_000,
        logEveryMs: 2_000,
        onWaiting: (moving, waitedMs) => said.push({ moving, waitedMs }),
      },
    ).catch(() => undefined);
    assert.ok(said.length >= 2 && said.length <= 3, `said ${said.length} times`);
    assert.deepEqual(said[0]!.moving, [{ partition: 'in:0', from: '4', to: '5' }]);
    assert.ok(said.every(({ waitedMs }, i) => i === 0 || waitedMs - said[i - 1]!.waitedMs >= 2_000));
  });
});
