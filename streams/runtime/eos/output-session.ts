/**
 * What a task writes through: outputs, then input offsets, then commit. Exactly once, that is a
 * Kafka transaction (outputs and offsets atomic, aborted on failure). At least once, the outputs
 * are sent by an idempotent producer and the offsets committed by the consumer group afterwards:
 * a crash between the two replays the batch and its outputs are written again. At-least-once
 * exists to measure what exactly-once costs, not for production.
 */
import type { TopicMessages, TopicOffsets } from 'kafkajs';
import { retryTransient } from './retry-transient.ts';
import type { TaskKafka } from './task-kafka.ts';

export interface OutputSession {
  send(topicMessages: TopicMessages[]): Promise<void>;
  sendOffsets(topics: TopicOffsets[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openOutputSession(kafka: TaskKafka, exactlyOnce: boolean): Promise<OutputSession> {
  if (exactlyOnce) {
    const transaction = await kafka.beginTransaction();
    return {
      send: (topicMessages) => transaction.send(topicMessages),
      // AddOffsetsToTxn again is harmless: the group is part of the transaction once.
      sendOffsets: (topics) => retryTransient(() => transaction.sendOffsets(topics)),
      commit: () => transaction.commit(),
      abort: () => transaction.abort(),
    };
  }
  return {
    send: (topicMessages) => kafka.send(topicMessages),
    sendOffsets: (topics) => kafka.commitOffsets(topics),
    commit: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
}
