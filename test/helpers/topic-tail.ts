/**
 * Follows topics from their current end, as a `read_committed` consumer: what a test's action
 * caused, without reading the history of earlier runs. Values of Avro topics are decoded through
 * the schema registry.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { registryUrl } from '../../infra/local/stack-config.ts';
import { schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import { textHeaders } from '../../streams/runtime/kafka/text-headers.ts';
import { testKafka } from './read-topic.ts';
import { waitUntil } from './wait-until.ts';

export interface TailRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Decoded (Avro or JSON); null for a tombstone. */
  readonly value: unknown;
  readonly headers: Record<string, string>;
}

export interface TopicTail {
  readonly records: readonly TailRecord[];
  /** The first record since the tail started (or since `after`) that `match` accepts. */
  waitFor(what: string, match: (record: TailRecord) => boolean, timeoutMs?: number): Promise<TailRecord>;
  stop(): Promise<void>;
}

export async function tailTopics(topics: readonly string[], kafka = testKafka()): Promise<TopicTail> {
  const registry = schemaRegistry(registryUrl());
  const admin = kafka.admin();
  await admin.connect();
  const starts: { topic: string; partition: number; offset: string }[] = [];
  try {
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        starts.push({ topic, partition, offset: high });
    }
  } finally {
    await admin.disconnect();
  }
  const records: TailRecord[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: `tail-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      // Before the seek lands, a fetch may still start at the beginning: history is not ours.
      const start = starts.find((s) => s.topic === topic && s.partition === partition);
      if (start !== undefined && BigInt(message.offset) < BigInt(start.offset)) return;
      const raw = message.value;
      let value: unknown = null;
      if (raw !== null && raw.length > 0) {
        value = raw[0] === 0 ? await registry.decode(raw) : (JSON.parse(raw.toString('utf8')) as unknown);
      }
      const headers = textHeaders(message.headers);
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value,
        headers,
      });
    },
  });
  for (const start of starts) consumer.seek(start);
  await joined;
  return {
    records,
    waitFor: (what, match, timeoutMs = 30_000) => waitUntil(what, () => records.find(match), timeoutMs, 100),
    stop: () => consumer.disconnect(),
  };
}
