/**
 * Reads a whole topic as a `read_committed` consumer sees it, from the beginning up to the end
 * that exists when the read starts (the last stable offset of each partition). "Caught up" means
 * position >= that end, not "last record's offset + 1": transaction markers occupy offsets too.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from '../../infra/local/stack-config.ts';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

export function testKafka(clientId = 'syncline-test'): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

export async function readTopic(
  topic: string,
  timeoutMs = 60_000,
  kafka = testKafka(),
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  const positions = new Map<number, bigint>([...ends.keys()].map((p) => [p, 0n]));
  const done = () => [...ends].every(([p, end]) => (positions.get(p) ?? 0n) >= end);
  if (done()) return records;
  const consumer = kafka.consumer({
    groupId: `reader-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `reading ${topic} did not reach its end within ${timeoutMs} ms (positions ${JSON.stringify([...positions].map(([p, o]) => [p, String(o), String(ends.get(p))]))})`,
            ),
          ),
        timeoutMs,
      );
      // Positions come from END_BATCH_PROCESS, which kafkajs also emits for batches holding only
      // transaction markers or aborted records (those never reach eachBatch).
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.lastOffset === null || payload.lastOffset === undefined) return;
        const next = BigInt(payload.lastOffset) + 1n;
        if (next > (positions.get(payload.partition) ?? 0n)) positions.set(payload.partition, next);
        if (done()) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: ({ batch }) => {
            for (const m of batch.messages) {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(m.headers ?? {}))
                if (value !== undefined) headers[name] = value.toString();
              records.push({
                partition: batch.partition,
                offset: m.offset,
                key: m.key?.toString() ?? null,
                value: m.value ?? null,
                headers,
              });
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
