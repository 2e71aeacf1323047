/**
 * Avro values in the Confluent wire format, through the schema registry with
 * @kafkajs/confluent-schema-registry. Each output topic's schema is registered at start-up under
 * the subject `<topic>-value` with BACKWARD compatibility, so a schema change that old readers'
 * data cannot satisfy is refused at deploy time, not discovered in production.
 */
import { readFileSync } from 'node:fs';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { SynclineError } from '../errors.ts';
import { registryClientArgs, type SchemaRegistryConfig } from './registry-connection.ts';
import { decodeFailure, UnknownSchemaIds } from './registry-errors.ts';
import type { TopicCodec } from './topic-codec.ts';

/** A registry client: from a bare URL, or from the config's section with its credentials. */
export function schemaRegistry(registry: string | SchemaRegistryConfig): SchemaRegistry {
  const args = typeof registry === 'string' ? { host: registry } : registryClientArgs(registry);
  return new SchemaRegistry({ ...args, retry: { retries: 3 } });
}

/** Registers `schemaFile` for `<topic>-value` and returns a codec that writes with that schema. */
export async function avroCodecFor(
  registry: SchemaRegistry,
  topic: string,
  schemaFile: string,
): Promise<TopicCodec> {
  const schema = readFileSync(schemaFile, 'utf8');
  let id: number;
  try {
    ({ id } = await registry.register(
      { type: SchemaType.AVRO, schema },
      { subject: `${topic}-value`, compatibility: COMPATIBILITY.BACKWARD },
    ));
  } catch (error) {
    // Refused credentials are no outage: waiting would hang the role's start with a wrong password.
    const status = (error as { status?: number }).status;
    if (status === 401 || status === 403) {
      throw new SynclineError(
        'SCHEMA_REGISTRY',
        `the schema registry refused syncline's credentials (HTTP ${status}) when registering ${schemaFile} for ${topic}-value: check schemaRegistry.basicAuth or schemaRegistry.bearerToken`,
        false,
        { cause: error },
      );
    }
    const incompatible = /incompatible|409/i.test(String((error as Error).message));
    throw new SynclineError(
      incompatible ? 'SCHEMA_INCOMPATIBLE' : 'SCHEMA_REGISTRY',
      incompatible
        ? `the schema ${schemaFile} is not BACKWARD compatible with the registered schema of ${topic}-value: ${(error as Error).message}`
        : `could not register ${schemaFile} for ${topic}-value in the schema registry: ${(error as Error).message}`,
      !incompatible,
      { cause: error },
    );
  }
  return avroReader(registry, id);
}

/**
 * Decodes any registered Avro value (the writer's schema id is in the bytes); encodes with
 * `writerId`. `unknownIds` decides when a 404 for a schema id is believed.
 */
export function avroReader(
  registry: SchemaRegistry,
  writerId?: number,
  unknownIds = new UnknownSchemaIds(),
): TopicCodec {
  return {
    // A registry outage comes out retriable, bad bytes not (registry-errors.ts).
    decode: async (bytes) => {
      try {
        const value = (await registry.decode(bytes)) as unknown;
        unknownIds.found(bytes);
        return value;
      } catch (error) {
        throw decodeFailure(error, bytes, unknownIds);
      }
    },
    encode: (value) => {
      if (writerId === undefined) throw new SynclineError('ENCODE_FAILED', 'this codec only reads');
      return registry.encode(writerId, value);
    },
  };
}
