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
 */
import { setTimeout as sleep } from 'node:timers/promises';

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

export interface SettleOptions {
  readonly stableAfterMs?: number;
  readonly attempts?: number;
  readonly wait?: (ms: number) => Promise<unknown>;
}

export async function settledOffsets(
  read: (topics: string[]) => Promise<GroupOffsets>,
  inputs: ReadonlyArray<TopicPartition>,
  keyOf: (topic: string, partition: number) => string,
  { stableAfterMs = 250, attempts = 20, wait = sleep }: SettleOptions = {},
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
  let offsets = await readOwn();
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    await wait(stableAfterMs);
    const again = await readOwn();
    if ([...again].every(([key, offset]) => offsets.get(key) === offset)) return again;
    offsets = again;
  }
  return offsets;
}
