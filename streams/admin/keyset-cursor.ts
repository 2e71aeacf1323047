/**
 * Keyset cursors for the admin API's paged lists: the sort key of the last row of a page, so the
 * next page starts strictly after it whatever was inserted meanwhile (no gaps or repeats, unlike
 * an offset), and a fingerprint of the filters it was made under, so a cursor used with other
 * filters is refused instead of silently paging a different list. Opaque to the caller:
 * base64url of a small JSON array.
 */
import { createHash } from 'node:crypto';
import { AdminError } from './admin-errors.ts';

const version = 1;

/** A short, stable digest of a list's filters (keys sorted, absent and undefined alike). */
export function filtersFingerprint(filters: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 12);
}

/** `position` is the last row's sort key, each part as text or a number. */
export function encodeCursor(position: readonly (string | number)[], fingerprint: string): string {
  return Buffer.from(JSON.stringify([version, fingerprint, ...position]), 'utf8').toString('base64url');
}

/**
 * The sort key a cursor carries; refuses a cursor that is not one of ours (CURSOR_INVALID) or was
 * made under other filters (CURSOR_MISMATCH). `shape` says the type of each part.
 */
export function decodeCursor(
  cursor: string,
  fingerprint: string,
  shape: readonly ('string' | 'number')[],
): (string | number)[] {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AdminError(
      'CURSOR_INVALID',
      'cursor: not a cursor this API gave out; use the nextCursor of a page',
    );
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== version ||
    typeof parsed[1] !== 'string' ||
    parsed.length !== shape.length + 2 ||
    !shape.every((type, i) => typeof parsed[i + 2] === type)
  ) {
    throw new AdminError(
      'CURSOR_INVALID',
      'cursor: not a cursor this API gave out; use the nextCursor of a page',
    );
  }
  if (parsed[1] !== fingerprint) {
    throw new AdminError(
      'CURSOR_MISMATCH',
      'cursor: it was made for other filters; repeat the first request with these filters, without a cursor',
    );
  }
  return parsed.slice(2) as (string | number)[];
}
