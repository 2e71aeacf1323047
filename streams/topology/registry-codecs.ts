/** Avro codecs through the schema registry, with the schemas of the repo's `schemas/` folder. */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { avroCodecFor, avroReader } from '../runtime/codec/avro-codec.ts';
import type { AvroCodecs } from './declared-codecs.ts';

/** The Avro schemas of every topic syncline writes, `schemas/<file>` as declared in topics.ts. */
export const schemasDir = fileURLToPath(new URL('../../schemas', import.meta.url));

export function registryCodecs(registry: SchemaRegistry): AvroCodecs {
  return {
    writer: (topic, schemaFile) => avroCodecFor(registry, topic, join(schemasDir, schemaFile)),
    reader: () => avroReader(registry),
  };
}
