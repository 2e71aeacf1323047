/**
 * The offers role: the canonical topics (Avro) -> one compacted Avro topic per channel, its DLQ,
 * and the family repartition topic for channels that group variants (JSON: internal to syncline).
 */
import { join } from 'node:path';
import type { SynclineConfig } from '../config/syncline-config.ts';
import { canonicalTopics } from '../processors/canonical.ts';
import { offerTopicOf } from '../processors/offers/channel-config.ts';
import {
  familyRepartitionTopic,
  offersOutputTopics,
  offersProcessor,
} from '../processors/offers/offers-processor.ts';
import { avroCodecFor, avroReader } from '../runtime/codec/avro-codec.ts';
import { jsonCodec, type TopicCodec } from '../runtime/codec/topic-codec.ts';
import { dlqTopicConfigs, type Role } from './role.ts';
import { schemasDir } from './schemas-dir.ts';

export function offersRole(config: SynclineConfig): Role {
  const { partitions } = config.processing;
  const { compacted, dlq } = offersOutputTopics(config);
  return {
    processor: offersProcessor(config),
    // The canonical inputs too: whichever role starts first creates them with the right count.
    topics: [
      ...Object.values(canonicalTopics).map((name) => ({ name, partitions, compacted: true })),
      ...compacted.map((name) => ({ name, partitions, compacted: true })),
      ...dlq.map((name) => ({ name, partitions, compacted: false, configs: dlqTopicConfigs })),
    ],
    async codecs(registry) {
      const avro = new Map<string, TopicCodec>();
      for (const channel of config.channels) {
        const topic = offerTopicOf(channel.id);
        avro.set(topic, await avroCodecFor(registry, topic, join(schemasDir, 'channel.offer.v1.avsc')));
      }
      const canonical = avroReader(registry);
      return {
        input: (topic) => (topic === familyRepartitionTopic ? jsonCodec : canonical),
        output: (topic) => avro.get(topic) ?? jsonCodec,
      };
    },
  };
}
