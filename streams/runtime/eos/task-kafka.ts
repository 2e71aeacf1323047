/**
 * The seam between a task and the Kafka client: the few operations one task needs, and nothing of
 * the consumer's group protocol or fetching. kafkajs-task-kafka.ts implements it with kafkajs; a
 * unit test puts a double here and drives a task without a broker. A seam this narrow also says
 * what a task's correctness rests on: one transactional producer per task, the group's committed
 * offsets, the input partitions' low watermarks, a seek, and the output topics' size limits.
 *
 * Lifecycle: one TaskKafka per run of a task. `connectProducer` first (with exactly-once, Kafka's
 * InitProducerId: older instances of the task are fenced from here on), `disconnectProducer` last.
 * Every call may reject with kafkajs's errors (`type`, `retriable`), which the task reads as
 * Kafka's: a fenced producer is `INVALID_PRODUCER_EPOCH` or `PRODUCER_FENCED`.
 */
import type { Admin, IHeaders, TopicMessages, TopicOffsets } from 'kafkajs';
import type { GroupOffsets } from './settled-offsets.ts';

export interface TaskKafka {
  connectProducer(): Promise<void>;
  disconnectProducer(): Promise<void>;
  /** Exactly once only: begins a transaction of the task's transactional producer. */
  beginTransaction(): Promise<KafkaTransaction>;
  /** At least once only: sends with the idempotent producer, outside any transaction. */
  send(topicMessages: TopicMessages[]): Promise<void>;
  /** At least once only: commits input offsets through the consumer group. */
  commitOffsets(topics: TopicOffsets[]): Promise<void>;
  /** The group's committed offset of every partition of `topics` (`-1` where none). */
  committedOffsets(topics: string[]): Promise<GroupOffsets>;
  /** The first offset still held, per partition of `topic` (older records were deleted or compacted). */
  lowWatermarks(topic: string): Promise<ReadonlyArray<{ partition: number; low: string }>>;
  /** Moves the consumer's position of one input partition; batches fetched before are stale. */
  seek(topic: string, partition: number, offset: string): void;
  /** Topic and broker configuration reads (the size limits of message-size-limits.ts). */
  readonly configs: Pick<Admin, 'describeConfigs' | 'describeCluster'>;
}

/** One Kafka transaction: outputs and the input offsets they consume, atomic on commit. */
export interface KafkaTransaction {
  send(topicMessages: TopicMessages[]): Promise<void>;
  /** Adds the input offsets to the transaction, for the task's own consumer group. */
  sendOffsets(topics: TopicOffsets[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** One fetched input record, as a task reads it (kafkajs's batch messages fit). */
export interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  readonly timestamp: string;
}

/** A fetched batch of one input partition (kafkajs's `Batch` fits). */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly FetchedMessage[];
  /** The partition's last offset in this fetch, transaction markers included. */
  lastOffset(): string;
}
