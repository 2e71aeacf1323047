/**
 * At-least-once consumption for sinks (Kafka I/O stays in the engine): a consumer group on one
 * topic hands decoded batches to a handler and commits a batch's offsets only after the handler
 * resolved, that is after every record of it has an outcome. A crash re-delivers the batch it was
 * in; the sink makes that harmless (content hashes, idempotent upserts).
 *
 * kafkajs resets positions to the committed offsets on every rebalance, so a batch in flight
 * during a rebalance is delivered again to whichever member gets the partition: at least once,
 * as intended.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { RegistryWait } from '../codec/registry-wait.ts';
import type { TopicCodec } from '../codec/topic-codec.ts';
import { watchConsumerLag, type ConsumerLagReporting } from '../kafka/consumer-lag.ts';
import { textHeaders } from '../kafka/text-headers.ts';
import type { ConsumerReadiness } from '../readiness.ts';

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The decoded value; null for a tombstone; undefined when it could not be decoded. */
  readonly value: unknown;
  readonly raw: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Why the value could not be decoded (then `value` is undefined). */
  readonly decodeError?: string;
}

export interface BatchContext {
  /** Keep the group membership alive during a long batch (a channel outage, a bulk poll). */
  readonly heartbeat: () => Promise<void>;
  /**
   * Aborted when the consumer is stopping or this member no longer holds the batch's partition
   * (a heartbeat failed: the group is rebalancing, or dropped the member after its session timed
   * out). From then on the batch is someone else's: abort what is in flight, record nothing.
   */
  readonly signal: AbortSignal;
  /**
   * Heartbeats (unless kafkajs heartbeated within the heartbeat interval, which proves as much)
   * and tells whether this member still holds the batch's partition. A handler asks before it
   * records a result that took long to get, so a process that was paused past its session timeout
   * does not record what its successor may already have superseded.
   */
  readonly stillAssigned: () => Promise<boolean>;
  /** The partition's end offset (high watermark) when the batch was fetched. */
  readonly partitionEnd: bigint;
}

export interface BatchConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** One topic, or several read by the same group with the same codec (the dead-letter topics). */
  readonly topic: string | readonly string[];
  readonly codec: TopicCodec;
  readonly logger: Logger;
  /** How long a fetch waits for data when the topic is quiet: the floor of latency. */
  readonly maxWaitTimeMs?: number;
  /** Partitions handled side by side (their batches are independent). */
  readonly concurrency?: number;
  /** Bytes fetched per partition at most: bounds a batch. */
  readonly maxBytesPerPartition?: number;
  readonly sessionTimeoutMs?: number;
  /**
   * Called when kafkajs gives up on the consumer (a crash it will not restart from): the process
   * must not live on without consuming. The role decides (it exits, for its supervisor to restart).
   */
  readonly onFatal?: (error: Error) => void;
  /** Told when the consumer joins, rebalances and crashes (it has no tasks: joined is running). */
  readonly readiness?: ConsumerReadiness;
  /** Exports the group's lag on the partitions this member holds. */
  readonly lag?: ConsumerLagReporting;
  /**
   * Handles a batch; resolves true when every record has its outcome (the batch is committed),
   * false when it was abandoned, e.g. because the sink is stopping (it is delivered again later).
   */
  onBatch(records: readonly ConsumedRecord[], context: BatchContext): Promise<boolean>;
}

export interface RunningConsumer {
  stop(): Promise<void>;
}

const heartbeatIntervalMs = 3_000;

export async function consumeInBatches(options: BatchConsumerOptions): Promise<RunningConsumer> {
  const { kafka, codec, logger } = options;
  const topics = typeof options.topic === 'string' ? [options.topic] : [...options.topic];
  const topic = topics.join(',');
  const stopping = new AbortController();
  const registryWait = new RegistryWait(logger.child({ topic }));
  const consumer = kafka.consumer({
    groupId: options.groupId,
    readUncommitted: false,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 100,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: heartbeatIntervalMs,
    retry: { retries: 10 },
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger[payload.restart ? 'warn' : 'error'](
      { err: payload.error, restart: payload.restart },
      payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed for good',
    );
    if (stopping.signal.aborted) return;
    options.readiness?.crashed(payload.error, payload.restart);
    if (!payload.restart) options.onFatal?.(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions =
      topics.length === 1
        ? (payload.memberAssignment[topics[0] ?? ''] ?? [])
        : Object.fromEntries(topics.map((t) => [t, payload.memberAssignment[t] ?? []]));
    logger.info({ topic, partitions }, 'partitions assigned');
    options.readiness?.assigned([]);
  });
  consumer.on(consumer.events.REBALANCING, () => options.readiness?.rebalancing());
  const lagAdmin = options.lag ? kafka.admin() : undefined;
  await lagAdmin?.connect();
  const lagWatch =
    options.lag && lagAdmin
      ? watchConsumerLag({ ...options.lag, admin: lagAdmin, consumer, groupId: options.groupId, logger })
      : undefined;
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.concurrency ?? 1,
    eachBatch: async (payload) => {
      const { batch } = payload;
      if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
      const records: ConsumedRecord[] = [];
      for (const message of batch.messages) {
        const raw = message.value ?? null;
        let value: unknown = null;
        let decodeError: string | undefined;
        // A registry outage is waited out here, the batch held (heartbeats keep the partitions):
        // only bad bytes become a decodeError, for the caller to park.
        while (raw !== null) {
          try {
            value = await codec.decode(raw);
            registryWait.answered();
            break;
          } catch (error) {
            const { code, retriable } = error as { code?: string; retriable?: boolean };
            if (code === 'SCHEMA_REGISTRY' && retriable === true && !stopping.signal.aborted) {
              await registryWait.pause(error);
              // A failed heartbeat means the partition may be someone else's now: let go, uncommitted.
              if (
                !(await payload.heartbeat().then(
                  () => true,
                  () => false,
                ))
              )
                return;
              continue;
            }
            value = undefined;
            decodeError = (error as Error).message;
            break;
          }
        }
        if (stopping.signal.aborted) return;
        records.push({
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key === null || message.key === undefined ? null : message.key.toString(),
          value,
          raw,
          headers: textHeaders(message.headers),
          ...(decodeError === undefined ? {} : { decodeError }),
        });
      }
      // A heartbeat that fails means the group is rebalancing (or dropped this member): the batch
      // is abandoned, uncommitted, and whoever gets the partition delivers it again.
      const abandoned = new AbortController();
      const heartbeat = async () => {
        if (abandoned.signal.aborted) return;
        try {
          await payload.heartbeat();
        } catch (error) {
          logger.warn(
            { err: error, topic, partition: batch.partition },
            "heartbeat failed: the partition may be another member's now; abandoning the batch (nothing more of it is recorded, it is delivered again)",
          );
          abandoned.abort();
        }
      };
      // kafkajs heartbeats only between batches and when asked: while a batch waits on a long
      // channel call, heartbeat on a timer too, so a rebalance is learnt (and the call aborted)
      // while the group waits for this member, not after the call ends.
      const ticker = setInterval(() => void heartbeat(), heartbeatIntervalMs);
      ticker.unref();
      let done: boolean;
      try {
        done = await options.onBatch(records, {
          heartbeat,
          signal: AbortSignal.any([stopping.signal, abandoned.signal]),
          stillAssigned: async () => {
            await heartbeat();
            return !abandoned.signal.aborted && !stopping.signal.aborted;
          },
          partitionEnd: BigInt(batch.highWatermark),
        });
      } finally {
        clearInterval(ticker);
      }
      if (!done || stopping.signal.aborted || abandoned.signal.aborted) return;
      // Resolving moves the fetch position on (kafkajs would fetch the batch again otherwise);
      // committing makes it the group's, for a restart or another member.
      payload.resolveOffset(batch.lastOffset());
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    },
  });
  return {
    async stop() {
      options.readiness?.stopping();
      stopping.abort();
      lagWatch?.stop();
      await consumer.disconnect();
      await lagAdmin?.disconnect();
    },
  };
}
