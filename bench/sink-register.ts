/**
 * The sync register (`sync.register.v1`) read live by the benchmarks, from the end it has when the
 * tail starts: a `read_committed` consumer of a group of its own, positioned on the end offsets
 * taken before anything of interest is written (so neither the whole history of a shared register
 * is read nor an entry written meanwhile missed). Values are decoded through the schema registry
 * only for the keys asked for (`<channel>/<sku>`), so other channels' traffic costs little.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { avroReader, schemaRegistry } from '../streams/runtime/codec/avro-codec.ts';
import { registerIndexTopology } from '../streams/sinks/sink-topology.ts';
import { topicSpecsOf } from '../streams/topology/topic-specs.ts';
import { ensureTopics } from '../streams/runtime/kafka/topics.ts';
import { registerTopic, type RegisterEntry } from '../streams/sinks/register-entry.ts';

export interface RegisterTail {
  /** Every decoded entry of an accepted key so far, in arrival order. */
  readonly entries: readonly RegisterEntry[];
  stop(): Promise<void>;
}

export interface RegisterTailOptions {
  readonly kafka: Kafka;
  readonly registryUrl: string;
  /** Register keys (`<channel>/<sku>`) to decode; the others are skipped undecoded. */
  readonly accept: (key: string) => boolean;
  readonly onEntry?: (entry: RegisterEntry) => void;
}

export async function tailRegister(options: RegisterTailOptions): Promise<RegisterTail> {
  const { kafka, accept } = options;
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; offset: string }[];
  try {
    // On a fresh stack no sink has created the register yet; made as the sink role makes it
    // (with the config's default of 4 partitions).
    await ensureTopics(admin, topicSpecsOf([registerIndexTopology], { sources: [], channels: [] }, 4));
    ends = (await admin.fetchTopicOffsets(registerTopic)).map(({ partition, high }) => ({
      partition,
      offset: high,
    }));
  } finally {
    await admin.disconnect();
  }
  const reader = avroReader(schemaRegistry(options.registryUrl));
  const entries: RegisterEntry[] = [];
  const groupId = `bench-register-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  // fromBeginning is only the fallback should a seek not apply: slower, never a missed entry.
  await consumer.subscribe({ topics: [registerTopic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString();
        if (key === undefined || !accept(key) || !message.value) continue;
        const entry = (await reader.decode(message.value)) as RegisterEntry;
        entries.push(entry);
        options.onEntry?.(entry);
      }
    },
  });
  for (const { partition, offset } of ends) consumer.seek({ topic: registerTopic, partition, offset });
  return {
    entries,
    async stop() {
      await consumer.disconnect();
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}
