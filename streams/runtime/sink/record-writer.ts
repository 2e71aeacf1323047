/**
 * Writes records that must not be lost but need no transaction (the sync register, a sink's dead
 * letters): an idempotent producer, acks from all in-sync replicas, each send awaited, so a caller
 * that commits its input offsets afterwards has its outputs durable first.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { TopicCodec } from '../codec/topic-codec.ts';

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RecordWriter {
  write(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

export async function openRecordWriter(
  kafka: Kafka,
  codecFor: (topic: string) => TopicCodec,
): Promise<RecordWriter> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    async write(records) {
      if (records.length === 0) return;
      const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
      for (const record of records) {
        const value = await codecFor(record.topic).encode(record.value);
        const messages = byTopic.get(record.topic) ?? [];
        messages.push({ key: record.key, value, headers: { ...record.headers } });
        byTopic.set(record.topic, messages);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    },
    close: () => producer.disconnect(),
  };
}
