/**
 * The ingest role: Debezium's CDC topics (JSON text, parsed by the processor so a malformed record
 * is parked with its reason) -> the canonical topics (Avro, registered BACKWARD-compatible).
 */
import { join } from 'node:path';
import type { SynclineConfig } from '../config/syncline-config.ts';
import { canonicalTopics } from '../processors/canonical.ts';
import { ingestDlqTopic, ingestProcessor } from '../processors/ingest/ingest-processor.ts';
import { avroCodecFor } from '../runtime/codec/avro-codec.ts';
import { jsonCodec, textCodec, type TopicCodec } from '../runtime/codec/topic-codec.ts';
import { schemasDir } from './schemas-dir.ts';
import { dlqTopicConfigs, type Role } from './role.ts';

export function ingestRole(config: SynclineConfig): Role {
  const { partitions } = config.processing;
  const outputs = Object.values(canonicalTopics);
  return {
    processor: ingestProcessor(config, { deletedKeyGraceMs: config.processing.deletedKeyGraceMs }),
    topics: [
      ...outputs.map((name) => ({ name, partitions, compacted: true })),
      { name: ingestDlqTopic, partitions, compacted: false, configs: dlqTopicConfigs },
    ],
    async codecs(registry) {
      const avro = new Map<string, TopicCodec>();
      for (const topic of outputs)
        avro.set(topic, await avroCodecFor(registry, topic, join(schemasDir, `${topic}.avsc`)));
      return { input: () => textCodec, output: (topic) => avro.get(topic) ?? jsonCodec };
    },
  };
}
