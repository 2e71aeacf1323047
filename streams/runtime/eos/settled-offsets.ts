/**
 * A task's committed input offsets once they have settled. kafkajs lacks KIP-447's
 * `require_stable` OffsetFetch: when the previous owner of a task died just after its last commit,
 * the broker completes that transaction when the new owner's producer connects, but the group
 * coordinator applies the transaction's offsets a moment later, asynchronously; read in between,
 * the offsets are the ones before that commit, and the task would process (and emit) its records
 * again. So the offsets are read until two reads, `stableAfterMs` apart, agree. The engine's fault
 * test caught this window.
 *
 * Only the task's own partitions are compared. Under load the group's other tasks commit all the
 * time, and comparing them too made a task that starts while others commit (an instance joining
 * under traffic, staggered starts after a rebalance) wait out up to all the attempts (20 x 250 ms)
 * with its partitions idle; the zombie test caught it.
 *
 * Offsets that never agreed are never answered: the task would restart from before a commit and
 * emit its records again. While they move, the reads back off (up to `maxBackoffMs`) and say
 * every `logEveryMs` which partitions they wait for; after `giveUpAfterMs` the settle fails with
 * a retriable OFFSETS_UNSETTLED, so the task's start fails and is tried again later (a wait
 * without end would hold the rebalance that stops the task, and the consumer's heartbeats, which
 * wait for the start).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SynclineError } from '../errors.ts';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** What kafkajs's `admin.fetchOffsets({ groupId, topics })` answers: every partition of each topic. */
export type GroupOffsets = ReadonlyArray<{
  readonly topic: string;
  readonly partitions: ReadonlyArray<{ readonly partition: number; readonly offset: string }>;
}>;

/** Committed offset by `topic:partition` key; undefined where the group has committed nothing. */
export type TaskOffsets = Map<string, string | undefined>;

/** A partition whose committed offset changed between two reads. */
export interface MovingOffset {
  readonly partition: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export interface SettleOptions {
  /** The first pause between two reads that must agree. */
  readonly stableAfterMs?: number;
  /** The pause doubles after each disagreement up to this. */
  readonly maxBackoffMs?: number;
  /** How long the offsets may keep moving before the settle fails (retriable). */
  readonly giveUpAfterMs?: number;
  /** How often `onWaiting` is told what the settle waits for. */
  readonly logEveryMs?: number;
  readonly onWaiting?: (moving: readonly MovingOffset[], waitedMs: number) => void;
  readonly wait?: (ms: number) => Promise<unknown>;
  readonly now?: () => number;
}

export async function settledOffsets(
  read: (topics: string[]) => Promise<GroupOffsets>,
  inputs: ReadonlyArray<TopicPartition>,
  keyOf: (topic: string, partition: number) => string,
  {
    stableAfterMs = 250,
    maxBackoffMs = 1000,
    giveUpAfterMs = 5000,
    logEveryMs = 1000,
    onWaiting,
    wait = sleep,
    now = Date.now,
  }: SettleOptions = {},
): Promise<TaskOffsets> {
  const topics = [...new Set(inputs.map((i) => i.topic))];
  const readOwn = async (): Promise<TaskOffsets> => {
    const fetched = await read(topics);
    const offsets: TaskOffsets = new Map();
    for (const { topic, partition } of inputs) {
      const offset = fetched
        .find((t) => t.topic === topic)
        ?.partitions.find((p) => p.partition === partition)?.offset;
      offsets.set(keyOf(topic, partition), offset === undefined || offset === '-1' ? undefined : offset);
    }
    return offsets;
  };
  const started = now();
  let lastSaid = started;
  let pause = stableAfterMs;
  let offsets = await readOwn();
  for (;;) {
    await wait(pause);
    const again = await readOwn();
    const moving: MovingOffset[] = [];
    for (const [partition, to] of again) {
      const from = offsets.get(partition);
      if (from !== to) moving.push({ partition, from, to });
    }
    if (moving.length === 0) return again;
    offsets = again;
    const waited = now() - started;
    if (waited >= giveUpAfterMs) {
      const which = moving.map(
        ({ partition, from, to }) => `${partition} ${from ?? 'none'} -> ${to ?? 'none'}`,
      );
      throw new SynclineError(
        'OFFSETS_UNSETTLED',
        `the committed offsets kept moving for ${waited} ms (${which.join(', ')}); the task does not start on offsets that never agreed and will be started again`,
        true,
      );
    }
    if (now() - lastSaid >= logEveryMs) {
      lastSaid = now();
      onWaiting?.(moving, waited);
    }
    pause = Math.min(pause * 2, maxBackoffMs);
  }
}
