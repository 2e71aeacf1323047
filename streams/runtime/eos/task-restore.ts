/**
 * Where a starting task reads from, and the replay that brings its local state up to Kafka.
 *
 * At start the task compares its store's checkpoint with the group's settled committed offsets
 * (restore-plan.ts) and moves every input partition to where it must start, whatever the
 * consumer's position was: the committed offset, or earlier to replay into state. Batches fetched
 * before the move are stale and skipped by the processing loop.
 *
 * Until every input partition is restored, no live record is processed: a processor that joins its
 * inputs (offers: product, stock and prices of a SKU) would otherwise join it with another
 * partition's state from before the replay, emit a wrong record and, through suppression, keep it.
 */
import type { Logger } from 'pino';
import { topicPartition } from '../state/task-store.ts';
import { restorePlan, type PartitionOffsets } from './restore-plan.ts';
import { settledOffsets } from './settled-offsets.ts';
import type { TaskKafka } from './task-kafka.ts';
import type { TaskLocalState } from './task-local-state.ts';

const restoreWarnAfterMs = 30_000;

export interface RestoreOptions {
  readonly now: () => number;
  /** Pauses of the committed offsets' settle (settled-offsets.ts); a timer by default. */
  readonly wait?: (ms: number) => Promise<unknown>;
}

export class TaskRestore {
  private waitLogged = false;

  private constructor(
    /** End of each partition's replay (exclusive): the committed offset it replays up to. */
    private readonly replayUntil: Map<string, bigint>,
    private readonly log: Logger,
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  /**
   * Plans the task's start: settles the committed offsets, wipes a store that cannot be trusted or
   * resumes from its checkpoint, and seeks every input partition.
   */
  static async start(
    kafka: TaskKafka,
    local: TaskLocalState,
    inputs: ReadonlyArray<{ topic: string; partition: number }>,
    log: Logger,
    { now, wait }: RestoreOptions,
  ): Promise<TaskRestore> {
    const startedAt = now();
    const topics = [...new Set(inputs.map((i) => i.topic))];
    // Throws (retriable) rather than answer offsets that never agreed: the task's start fails,
    // and the processing loop starts it again with its next batch or the consumer's restart.
    const committed = await settledOffsets(
      (topics) => kafka.committedOffsets(topics),
      inputs,
      topicPartition,
      {
        onWaiting: (moving, waitedMs) =>
          log.warn(
            { moving, waitedMs },
            'waiting for the committed offsets to settle before the task starts',
          ),
        wait,
        now,
      },
    );
    const saved = local.saved();
    const partitions = new Map<string, PartitionOffsets>();
    for (const [tp, offset] of committed)
      partitions.set(tp, { committed: offset, checkpoint: saved?.get(tp) });
    const plan = restorePlan(partitions);
    if (plan.wipe) {
      log.warn(
        { store: local.path },
        'local state does not match the committed offsets; rebuilding it from Kafka',
      );
      // A failure leaves the state untrusted: the task's start closes it, which removes the store.
      local.wipe();
    } else if (saved) {
      local.resumeFrom(saved);
    }
    const lowWatermarks = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, low } of await kafka.lowWatermarks(topic)) {
        lowWatermarks.set(topicPartition(topic, partition), BigInt(low));
      }
    }
    const replayUntil = new Map<string, bigint>();
    for (const { topic, partition } of inputs) {
      const tp = topicPartition(topic, partition);
      const replay = plan.replay.get(tp);
      const low = lowWatermarks.get(tp) ?? 0n;
      const committedOffset = partitions.get(tp)?.committed;
      const from = replay
        ? BigInt(replay.from)
        : committedOffset !== undefined
          ? BigInt(committedOffset)
          : low;
      const start = from < low ? low : from;
      if (replay && start < BigInt(replay.until)) replayUntil.set(tp, BigInt(replay.until));
      kafka.seek(topic, partition, start.toString());
    }
    const restore = new TaskRestore(replayUntil, log, startedAt, now);
    if (restore.restoring) log.info({ replay: restore.describe() }, 'restoring local state');
    return restore;
  }

  /** Whether some input partition is still replaying. */
  get restoring(): boolean {
    return this.replayUntil.size > 0;
  }

  /** Where `tp`'s replay ends (exclusive), while it replays. */
  until(tp: string): bigint | undefined {
    return this.replayUntil.get(tp);
  }

  /** `tp` has replayed up to its end; the caller has saved the state. */
  finished(tp: string): void {
    this.replayUntil.delete(tp);
    this.log.info({ partition: tp }, 'local state restored');
    if (!this.restoring && this.waitLogged)
      this.log.info('every input partition restored; live records flow again');
  }

  /**
   * Says, once per restore and after `restoreWarnAfterMs`, which partitions live records have been
   * waiting for: a restore that long is a backlog worth seeing (or a replay whose last records
   * were compacted away, which ends with the partition's next record).
   */
  noteLiveRecordWaiting(): void {
    if (this.waitLogged || this.now() - this.startedAt < restoreWarnAfterMs) return;
    this.waitLogged = true;
    this.log.warn(
      { restoring: this.describe() },
      'live records are waiting for the local state to be restored',
    );
  }

  private describe(): Record<string, string> {
    return Object.fromEntries([...this.replayUntil].map(([tp, until]) => [tp, until.toString()]));
  }
}
