/**
 * What a task writes through: outputs, then input offsets, then commit. Exactly once, that is a
 * Kafka transaction (outputs and offsets atomic, aborted on failure). At least once, the outputs
 * are sent by an idempotent producer and the offsets committed by the consumer group afterwards:
 * a crash between the two replays the batch and its outputs are written again. At-least-once
 * exists to measure what exactly-once costs (issue 3), not for production.
 */
import type { Producer, TopicMessages, TopicOffsets } from 'kafkajs';
import { retryTransient } from './retry-transient.ts';

export interface OutputSession {
  sendBatch(batch: { topicMessages: TopicMessages[]; acks: -1 }): Promise<unknown>;
  sendOffsets(offsets: { consumerGroupId: string; topics: TopicOffsets[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export type CommitOffsets = (topics: TopicOffsets[]) => Promise<void>;

export async function openOutputSession(
  producer: Producer,
  exactlyOnce: boolean,
  commitOffsets: CommitOffsets,
): Promise<OutputSession> {
  if (exactlyOnce) {
    const transaction = await producer.transaction();
    return {
      sendBatch: (batch) => transaction.sendBatch(batch),
      // AddOffsetsToTxn again is harmless: the group is part of the transaction once.
      sendOffsets: (offsets) => retryTransient(() => transaction.sendOffsets(offsets)),
      commit: () => transaction.commit(),
      abort: () => transaction.abort(),
    };
  }
  return {
    sendBatch: (batch) => producer.sendBatch(batch),
    sendOffsets: ({ topics }) => commitOffsets(topics),
    commit: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
}
