/**
 * A task's open Kafka transaction: the outputs and dead letters it buffers and sends, the input
 * offsets it consumes, and what its commit is to report (records out, parks, lineage times).
 *
 * Outputs are sent to the broker, inside the open transaction, whenever `flushBytes` are pending,
 * so a backlog does not pile up in memory. The broker's limit on a batch is kept apart, per topic
 * (append()): kafkajs puts all of one call's messages for a partition into one record batch, and a
 * batch over the topic's max.message.bytes is refused, which fails the transaction.
 *
 * A failed call leaves the transaction unusable: the caller aborts it and closes the task.
 */
import type { Message, TopicMessages } from 'kafkajs';
import type { MessageSizeLimits } from './message-size-limits.ts';
import { openOutputSession, type OutputSession } from './output-session.ts';
import { recordBatchOverheadBytes, recordBytes } from './record-size.ts';
import type { TaskKafka } from './task-kafka.ts';

const flushBytes = 256 * 1024;

/** An output larger on its own than its topic accepts: its size and the topic's limit. */
export interface Refused {
  readonly bytes: number;
  readonly limit: number;
}

export class TaskTransaction {
  /** Outputs not yet sent to the broker, and their bytes (record-size.ts), in all and per topic. */
  private readonly messages = new Map<string, Message[]>();
  private bytes = 0;
  private readonly topicBytes = new Map<string, number>();
  /** Outputs of this transaction already sent, per topic (for the records-out metric). */
  readonly sent = new Map<string, number>();
  /** Next offset to read per input partition, as of this transaction's records. */
  readonly offsets = new Map<string, { topic: string; partition: number; offset: string }>();
  /** ERP commit times (lineage) of the outputs, for the end-to-end latency metric. */
  readonly commitTimes: number[] = [];
  /** Parks by reason code. */
  readonly parked = new Map<string, number>();

  private constructor(
    private readonly session: OutputSession,
    private readonly sizeLimits: MessageSizeLimits,
    readonly openedAt: number,
  ) {}

  static async open(
    kafka: TaskKafka,
    exactlyOnce: boolean,
    sizeLimits: MessageSizeLimits,
    now: number,
  ): Promise<TaskTransaction> {
    return new TaskTransaction(await openOutputSession(kafka, exactlyOnce), sizeLimits, now);
  }

  /**
   * Queues an output, sending what is pending first when the topic's pending records and this one
   * would together make a batch larger than the topic accepts. Returns its size and the topic's
   * limit, queuing nothing, when the record alone is larger.
   */
  async append(topic: string, message: Message): Promise<Refused | undefined> {
    const limit = await this.sizeLimits.limitOf(topic);
    const bytes = recordBytes(message);
    if (recordBatchOverheadBytes + bytes > limit) return { bytes: recordBatchOverheadBytes + bytes, limit };
    if (recordBatchOverheadBytes + (this.topicBytes.get(topic) ?? 0) + bytes > limit) await this.flush();
    let messages = this.messages.get(topic);
    if (!messages) {
      messages = [];
      this.messages.set(topic, messages);
    }
    messages.push(message);
    this.bytes += bytes;
    this.topicBytes.set(topic, (this.topicBytes.get(topic) ?? 0) + bytes);
    if (this.bytes >= flushBytes) await this.flush();
    return undefined;
  }

  /** The transaction's records have been read up to `offset` (next to read) of the partition. */
  consumed(tp: string, topic: string, partition: number, offset: string): void {
    this.offsets.set(tp, { topic, partition, offset });
  }

  noteCommitTime(ms: number): void {
    this.commitTimes.push(ms);
  }

  noteParked(code: string): void {
    this.parked.set(code, (this.parked.get(code) ?? 0) + 1);
  }

  /** Sends what is pending and the input offsets, and commits. */
  async commit(): Promise<void> {
    await this.flush();
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of this.offsets.values()) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
    }
    await this.session.sendOffsets([...byTopic].map(([topic, partitions]) => ({ topic, partitions })));
    await this.session.commit();
  }

  abort(): Promise<void> {
    return this.session.abort();
  }

  /** Sends the pending outputs within the transaction, and forgets them (they count as sent). */
  private async flush(): Promise<void> {
    const topicMessages: TopicMessages[] = [...this.messages].map(([topic, messages]) => ({
      topic,
      messages,
    }));
    this.messages.clear();
    this.bytes = 0;
    this.topicBytes.clear();
    if (topicMessages.length === 0) return;
    await this.session.send(topicMessages);
    for (const { topic, messages } of topicMessages) {
      this.sent.set(topic, (this.sent.get(topic) ?? 0) + messages.length);
    }
  }
}
