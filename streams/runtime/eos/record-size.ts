/**
 * How many bytes a record takes in a Kafka record batch (message format v2), an upper bound: the
 * broker compares a whole batch, its 61-byte header included, with the topic's
 * `max.message.bytes`, and kafkajs puts all of one send's records for a partition into one batch.
 * Varints are counted at their widest, so the estimate is never below what kafkajs writes
 * (uncompressed; the engine's producers do not compress).
 */
import type { Message } from 'kafkajs';

/** A v2 record batch's header: base offset, length, epoch, magic, CRC, ... record count. */
export const recordBatchOverheadBytes = 61;

/**
 * Per record: length, attributes, timestamp delta (a varlong), offset delta, key length, value
 * length and header count, each at its widest.
 */
const recordOverheadBytes = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** Per header: the key's and the value's length. */
const headerOverheadBytes = 5 + 5;

export function recordBytes(message: Pick<Message, 'key' | 'value' | 'headers'>): number {
  let bytes = recordOverheadBytes + byteLength(message.key) + byteLength(message.value);
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) bytes += headerOverheadBytes + Buffer.byteLength(key) + byteLength(one);
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Why an output is parked instead of written: it is larger than its topic accepts. */
export function recordTooLarge(
  topic: string,
  key: string,
  { bytes, limit }: { bytes: number; limit: number },
): { code: 'RECORD_TOO_LARGE'; message: string } {
  const n = (value: number) => value.toLocaleString('en-US');
  return {
    code: 'RECORD_TOO_LARGE',
    message: `the ${topic} record for key ${key} is ${n(bytes)} bytes, more than the ${n(limit)} bytes the topic accepts (its max.message.bytes); it was not written, and the key keeps its previous record there until a smaller one follows`,
  };
}
