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
 *
 * Nor is a 404 proof on its own: a registry that is starting (Apicurio with its Kafka storage,
 * while it replays its journal) answers 404 for ids it holds, and a CI run of the registry fault
 * test saw a good record parked so. An id is taken for unknown only once the registry has said so
 * for `confirmMs`; until then its 404 is transient like an outage.
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

const isNotFound = (error: unknown): boolean => {
  const { name, status } = error as ResponseErrorShape;
  return name === 'ResponseError' && status === 404;
};

/** The schema id of a value in the Confluent wire format (magic byte 0, then a 4-byte id). */
export function schemaIdOf(bytes: Buffer): number | undefined {
  return bytes.length >= 5 && bytes[0] === 0 ? bytes.readUInt32BE(1) : undefined;
}

export const defaultUnknownSchemaConfirmMs = 60_000;
const remembered = 1000;

/** When the registry first answered 404 for each schema id, until it answers for the id. */
export class UnknownSchemaIds {
  readonly #firstNotFoundAt = new Map<number, number>();

  constructor(
    private readonly confirmMs = defaultUnknownSchemaConfirmMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** The registry answered 404 for `id`: whether that is confirmed now (else: ask again later). */
  confirmed(id: number): boolean {
    const first = this.#firstNotFoundAt.get(id);
    if (first === undefined) {
      // Bounded: a flood of made-up ids must not grow memory (the oldest entry goes).
      if (this.#firstNotFoundAt.size >= remembered) {
        const oldest = this.#firstNotFoundAt.keys().next().value;
        if (oldest !== undefined) this.#firstNotFoundAt.delete(oldest);
      }
      this.#firstNotFoundAt.set(id, this.now());
      return this.confirmMs === 0;
    }
    return this.now() - first >= this.confirmMs;
  }

  /** The registry answered for the schema of `bytes` (cheap when no id is in doubt: per record). */
  found(bytes: Buffer): void {
    if (this.#firstNotFoundAt.size === 0) return;
    const id = schemaIdOf(bytes);
    if (id !== undefined) this.#firstNotFoundAt.delete(id);
  }
}

/**
 * The error to throw for a failed decode of `bytes`: retriable SCHEMA_REGISTRY (an outage, or a
 * 404 not yet confirmed by `unknownIds`), or DECODE_FAILED for bad input.
 */
export function decodeFailure(error: unknown, bytes?: Buffer, unknownIds?: UnknownSchemaIds): SynclineError {
  const message = (error as Error).message;
  if (isRegistryUnavailable(error)) {
    return new SynclineError(
      'SCHEMA_REGISTRY',
      `the schema registry cannot be asked for the record's schema: ${message}`,
      true,
      { cause: error },
    );
  }
  const id = bytes === undefined ? undefined : schemaIdOf(bytes);
  if (isNotFound(error) && id !== undefined && unknownIds !== undefined && !unknownIds.confirmed(id)) {
    return new SynclineError(
      'SCHEMA_REGISTRY',
      `the schema registry does not know schema id ${id} (yet: a registry that is starting answers so for ids it holds); asking again: ${message}`,
      true,
      { cause: error },
    );
  }
  return new SynclineError('DECODE_FAILED', message, false, { cause: error });
}
