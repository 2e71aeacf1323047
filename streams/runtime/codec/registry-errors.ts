/**
 * Tells a schema registry that cannot answer from a record that cannot be decoded. The first is a
 * transient fault of the infrastructure: whoever decodes waits for the registry and decodes again,
 * and nothing is parked or skipped for it. The second is bad input, parked with its reason: bytes
 * that are not in the Confluent wire format, a schema id the registry answers 404 for, or Avro data
 * its writer schema cannot read.
 *
 * @kafkajs/confluent-schema-registry reports a registry it cannot reach as a ResponseError of
 * status 400 whose message carries the socket error (mappersmith's mapping of network failures),
 * so the status alone cannot tell an unreachable registry from a refused request; any answer other
 * than a 404 is taken as the registry's fault, never the record's.
 */
import { SynclineError } from '../errors.ts';

interface ResponseErrorShape {
  readonly name: string;
  readonly status?: number;
  readonly message: string;
}

export function isRegistryUnavailable(error: unknown): boolean {
  const { name, status } = error as ResponseErrorShape;
  return name === 'ResponseError' && status !== 404;
}

/** The error to throw for a failed decode: retriable SCHEMA_REGISTRY, or DECODE_FAILED for bad input. */
export function decodeFailure(error: unknown): SynclineError {
  const message = (error as Error).message;
  return isRegistryUnavailable(error)
    ? new SynclineError(
        'SCHEMA_REGISTRY',
        `the schema registry cannot be asked for the record's schema: ${message}`,
        true,
        { cause: error },
      )
    : new SynclineError('DECODE_FAILED', message, false, { cause: error });
}
