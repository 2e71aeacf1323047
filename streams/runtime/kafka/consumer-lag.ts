/**
 * Exports a consumer group's lag from inside the role that consumes, so no kafka_exporter is
 * needed: every `intervalMs` the committed offsets of the group and the end offsets of the
 * partitions this instance is assigned are read with the admin client, and each partition's
 * records and seconds behind (partition-lag.ts) are set on the gauges. Only assigned partitions
 * are reported, so each partition has one series, from its owner; its series goes when the
 * partition moves away or the consumer stops.
 *
 * The reads are the admin's: a consumer that stands still (its channel down, a task stuck) still
 * reports a lag that grows. A failed read (Kafka away) leaves the last values and is retried on
 * the next tick.
 */
import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumerLagMetrics } from '../metrics.ts';
import { emptyLagState, nextPartitionLag, skippedByBatch, type PartitionLagState } from './partition-lag.ts';

/** What a role asks of a consumer's lag reporting. */
export interface ConsumerLagReporting {
  /** The role label of the series (`sink`, `offers`, ...). */
  readonly role: string;
  readonly metrics: ConsumerLagMetrics;
  /** How often the offsets are read. Default 5 s. */
  readonly intervalMs?: number;
}

export interface ConsumerLagOptions extends ConsumerLagReporting {
  /** Connected, and owned by the caller (it stays connected while the watch runs). */
  readonly admin: Admin;
  readonly consumer: Consumer;
  readonly groupId: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface ConsumerLagWatch {
  /** Reads the offsets once now (the timer does it on its own). */
  sample(): Promise<void>;
  stop(): void;
}

export const defaultLagIntervalMs = 5_000;

export function watchConsumerLag(options: ConsumerLagOptions): ConsumerLagWatch {
  const { admin, consumer, groupId, role, metrics, logger } = options;
  const now = options.now ?? Date.now;
  let assignment: Readonly<Record<string, readonly number[]>> = {};
  const states = new Map<string, PartitionLagState>();
  const reported = new Map<string, { topic: string; partition: string }>();
  const keyOf = (topic: string, partition: number | string) => `${topic}:${partition}`;
  let failing = false;
  let stopped = false;

  const forget = (key: string) => {
    const labels = reported.get(key);
    if (labels) {
      metrics.records.remove({ role, group: groupId, ...labels });
      metrics.seconds.remove({ role, group: groupId, ...labels });
      reported.delete(key);
    }
    states.delete(key);
  };

  const removers = [
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment = payload.memberAssignment;
      const kept = new Set(
        Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => keyOf(topic, p))),
      );
      for (const key of [...reported.keys(), ...states.keys()]) if (!kept.has(key)) forget(key);
    }),
    // A batch of commit markers (or aborted records) only: kafkajs reports it here, and nowhere else.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const key = keyOf(payload.topic, payload.partition);
      states.set(key, skippedByBatch(states.get(key) ?? emptyLagState, payload));
    }),
    consumer.on(consumer.events.STOP, () => {
      assignment = {};
      for (const key of [...reported.keys(), ...states.keys()]) forget(key);
    }),
  ];

  async function sample(): Promise<void> {
    const topics = Object.entries(assignment).filter(([, partitions]) => partitions.length > 0);
    if (topics.length === 0) return;
    const committed = await admin.fetchOffsets({ groupId, topics: topics.map(([topic]) => topic) });
    for (const [topic, partitions] of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const atMs = now();
      for (const partition of partitions) {
        const end = ends.find((e) => e.partition === partition);
        if (!end || stopped) continue;
        const offset = committed
          .find((c) => c.topic === topic)
          ?.partitions.find((p) => p.partition === partition)?.offset;
        const key = keyOf(topic, partition);
        const lag = nextPartitionLag(states.get(key) ?? emptyLagState, {
          atMs,
          committed: offset === undefined || BigInt(offset) < 0n ? undefined : BigInt(offset),
          low: BigInt(end.low),
          end: BigInt(end.high),
        });
        // The assignment may have changed while the offsets were read.
        if (!(assignment[topic] ?? []).includes(partition)) continue;
        states.set(key, lag.state);
        const labels = { topic, partition: String(partition) };
        reported.set(key, labels);
        metrics.records.set({ role, group: groupId, ...labels }, Number(lag.records));
        metrics.seconds.set({ role, group: groupId, ...labels }, lag.seconds);
      }
    }
  }

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sample()
      .then(() => {
        if (failing) logger.info({ group: groupId }, 'consumer lag: offsets read again');
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing) logger.warn({ err: error, group: groupId }, 'consumer lag: could not read the offsets');
        failing = true;
      })
      .finally(() => (running = undefined));
  }, options.intervalMs ?? defaultLagIntervalMs);
  timer.unref();

  return {
    sample,
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const remove of removers) remove();
      for (const key of [...reported.keys()]) forget(key);
    },
  };
}
