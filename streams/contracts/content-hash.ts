/**
 * The fingerprint of a channel view (a value of `channel.<id>.offer.v1`, carried in the header
 * below), for suppression (ARCHITECTURE: no two consecutive values of a channel key are equal) and
 * for sinks that skip unchanged records. Stable across processes and
 * versions: SHA-256 of a canonical JSON text whose object keys are sorted at every depth, so the
 * order in which a view's fields were built (or a state store gave them back) never changes it.
 * Arrays keep their order, which is the caller's to make deterministic (variants are sorted by SKU).
 */
import { createHash } from 'node:crypto';

/** Header with the offer's content hash: sinks compare it with what the channel already has. */
export const contentHashHeader = 'syncline.content-hash';

/** JSON with sorted object keys; `undefined` properties are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  });
}

/** Lowercase hex SHA-256 of `canonicalJson(value)`. */
export const contentHash = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
