/**
 * The register search as SQL over the ops database's `sync_register` (the index of
 * `sync.register.v1`): filters by channel, key, status, error class and time range, newest first,
 * paged by a keyset cursor on (recorded_at, register partition, register offset), which is unique
 * and never changes for a row; and counts per channel and status. Pure: text and parameters only.
 */
import { AdminError } from './admin-errors.ts';
import { decodeCursor, encodeCursor, filtersFingerprint } from './keyset-cursor.ts';
import { SqlConditions } from './sql-conditions.ts';

export interface RegisterFilters {
  readonly channel?: string;
  /** The record's key: a SKU (or a family's parent SKU), later an order id. */
  readonly key?: string;
  readonly status?: readonly string[];
  /** The error class: the entry's error code (e.g. `REJECTED`, `RETRIES_EXHAUSTED`, `NEWER_HELD`). */
  readonly errorCode?: string;
  /** ISO time, inclusive. */
  readonly from?: string;
  /** ISO time, exclusive. */
  readonly to?: string;
  /** RECORD (one record's fate) or CHANNEL (a change of the whole channel); both when absent. */
  readonly scope?: 'RECORD' | 'CHANNEL';
}

export interface SqlQuery {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** recorded_at as exact text (microseconds), so a cursor reproduces it to the last digit. */
export const exactTime = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function checkedRange(filters: Pick<RegisterFilters, 'from' | 'to'>): void {
  const from = filters.from === undefined ? undefined : Date.parse(filters.from);
  const to = filters.to === undefined ? undefined : Date.parse(filters.to);
  if (from !== undefined && to !== undefined && from >= to) {
    throw new AdminError('RANGE_INVALID', `from (${filters.from}) must be before to (${filters.to})`);
  }
}

/** The conditions of `filters`, on the table alias `r`. */
export function registerConditions(filters: RegisterFilters): SqlConditions {
  checkedRange(filters);
  const where = new SqlConditions();
  if (filters.channel !== undefined) where.add('r.channel = ?', filters.channel);
  if (filters.key !== undefined) where.add('r.key = ?', filters.key);
  if (filters.status !== undefined && filters.status.length > 0)
    where.add('r.status = ANY(?::text[])', [...filters.status]);
  if (filters.errorCode !== undefined) where.add('r.error_code = ?', filters.errorCode);
  if (filters.from !== undefined) where.add('r.recorded_at >= ?::timestamptz', filters.from);
  if (filters.to !== undefined) where.add('r.recorded_at < ?::timestamptz', filters.to);
  if (filters.scope !== undefined) where.add('r.scope = ?', filters.scope);
  return where;
}

const cursorShape = ['string', 'number', 'string'] as const;

/**
 * One page of entries matching `filters`, newest first: `limit + 1` rows are asked for, so the
 * caller knows whether a next page exists without counting.
 */
export function registerSearch(filters: RegisterFilters, limit: number, cursor?: string): SqlQuery {
  const where = registerConditions(filters);
  if (cursor !== undefined) {
    const [at, partition, offset] = decodeCursor(cursor, filtersFingerprint({ ...filters }), cursorShape);
    where.add(
      '(r.recorded_at, r.register_partition, r.register_offset) < (?::timestamptz, ?::integer, ?::bigint)',
      at,
      partition,
      offset,
    );
  }
  return {
    text: `SELECT r.*, ${exactTime('r.recorded_at')} AS recorded_at_exact
             FROM sync_register r ${where.where()}
            ORDER BY r.recorded_at DESC, r.register_partition DESC, r.register_offset DESC
            LIMIT ${Math.trunc(limit) + 1}`,
    values: where.values,
  };
}

/** The cursor of the page after the one ending with `last`. */
export function registerCursorAfter(
  filters: RegisterFilters,
  last: {
    readonly recorded_at_exact: string;
    readonly register_partition: number;
    readonly register_offset: string;
  },
): string {
  return encodeCursor(
    [last.recorded_at_exact, last.register_partition, String(last.register_offset)],
    filtersFingerprint({ ...filters }),
  );
}

/**
 * Counts per channel and status under `filters`: of entries (every attempt counts), or of keys by
 * their latest entry in the range (what each record's fate is now, as the demo prints it).
 */
export function registerCounts(filters: RegisterFilters, by: 'entry' | 'key'): SqlQuery {
  if (by === 'entry') {
    const where = registerConditions(filters);
    return {
      text: `SELECT r.channel, r.status, count(*)::bigint AS count FROM sync_register r ${where.where()}
              GROUP BY r.channel, r.status ORDER BY r.channel, r.status`,
      values: where.values,
    };
  }
  // A key counts under the status of its latest entry: the status filter applies to that one.
  const where = registerConditions({ ...filters, status: undefined, scope: 'RECORD' });
  const status =
    filters.status !== undefined && filters.status.length > 0
      ? `WHERE latest.status = ANY(${where.param([...filters.status])}::text[])`
      : '';
  return {
    text: `SELECT latest.channel, latest.status, count(*)::bigint AS count FROM (
             SELECT DISTINCT ON (r.channel, r.key) r.channel, r.status FROM sync_register r ${where.where()}
              ORDER BY r.channel, r.key, r.recorded_at DESC, r.register_partition DESC, r.register_offset DESC
           ) latest ${status} GROUP BY latest.channel, latest.status ORDER BY latest.channel, latest.status`,
    values: where.values,
  };
}
