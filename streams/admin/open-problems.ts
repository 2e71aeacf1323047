/**
 * Open problems as SQL over the ops database: a problem is the latest dead letter of a key at one
 * stage (ingest, offers, a channel's sink; orders once they park), from `dead_letter`, the index of
 * every DLQ. It closes by itself when a later version of the same key is delivered, which the
 * register index (`sync_register`) shows, decided when read so the two indexes may fill in any
 * order:
 *
 *   - parked by a sink (its input is the channel record): a DELIVERED or UNCHANGED entry of the same
 *     channel and key for a later record of the channel topic (same partition, higher offset);
 *   - parked by the offers processor for a channel: a DELIVERED or UNCHANGED upsert of the same
 *     channel and key caused by a later ERP commit than the parked input's (when the dead letter
 *     has no lineage: recorded after it was parked); the delisting the park itself causes does not
 *     close it;
 *   - parked for no channel (ingest, offers without a channel): such an upsert on any channel, and
 *     for ingest from the same ERP source and table.
 *
 * An older dead letter of a key at a stage is superseded by its newer one and not listed.
 * Pure: text and parameters only.
 */
import { decodeCursor, encodeCursor, filtersFingerprint } from './keyset-cursor.ts';
import { exactTime, type SqlQuery } from './register-query.ts';
import { SqlConditions } from './sql-conditions.ts';

export type ProblemState = 'open' | 'closed' | 'all';

export interface ProblemFilters {
  readonly stage?: string;
  readonly channel?: string;
  readonly key?: string;
  readonly code?: string;
  /** ISO time, inclusive, of when it was parked. */
  readonly from?: string;
  /** ISO time, exclusive. */
  readonly to?: string;
  readonly state: ProblemState;
}

/**
 * Every problem with its closing delivery (null while open), one row per stage, channel and key:
 * the rows of `d` (dead_letter) and `closing` (the first register entry that closes it).
 */
function problemsRelation(where: SqlConditions, filters: ProblemFilters): string {
  const inner = new SqlConditionsView(where);
  if (filters.stage !== undefined) inner.add('d.stage = ?', filters.stage);
  if (filters.channel !== undefined) inner.add('d.channel = ?', filters.channel);
  if (filters.key !== undefined) inner.add('d.key = ?', filters.key);
  if (filters.code !== undefined) inner.add('d.code = ?', filters.code);
  if (filters.from !== undefined) inner.add('d.parked_at >= ?::timestamptz', filters.from);
  if (filters.to !== undefined) inner.add('d.parked_at < ?::timestamptz', filters.to);
  const state =
    filters.state === 'open'
      ? 'WHERE closing.recorded_at IS NULL'
      : filters.state === 'closed'
        ? 'WHERE closing.recorded_at IS NOT NULL'
        : '';
  return `(
    SELECT p.*, closing.recorded_at AS closed_at, closing.channel AS closed_by_channel,
           closing.register_partition AS closed_by_partition, closing.register_offset AS closed_by_offset,
           ${exactTime('p.parked_at')} AS parked_at_exact
      FROM (
        SELECT DISTINCT ON (d.stage, coalesce(d.channel, ''), d.key) d.*
          FROM dead_letter d ${inner.where()}
         ORDER BY d.stage, coalesce(d.channel, ''), d.key, d.parked_at DESC, d.dlq_topic DESC,
                  d.dlq_partition DESC, d.dlq_offset DESC
      ) p
      LEFT JOIN LATERAL (
        SELECT r.recorded_at, r.channel, r.register_partition, r.register_offset
          FROM sync_register r
         WHERE r.key = p.key AND r.scope = 'RECORD' AND r.status IN ('DELIVERED', 'UNCHANGED')
           AND (p.channel IS NULL OR r.channel = p.channel)
           AND CASE
                 WHEN r.offer_topic = p.source_topic
                   THEN r.offer_partition = p.source_partition AND r.offer_offset > p.source_offset
                 ELSE r.operation = 'UPSERT'
                   AND CASE WHEN p.erp_commit_at IS NOT NULL THEN r.erp_commit_at > p.erp_commit_at
                            ELSE r.recorded_at > p.parked_at END
                   AND (p.stage <> 'ingest' OR p.erp_table IS NULL
                        OR (r.erp_table = p.erp_table AND r.erp_source IS NOT DISTINCT FROM p.erp_source))
               END
         ORDER BY r.recorded_at, r.register_partition, r.register_offset
         LIMIT 1
      ) closing ON true
     ${state}
  )`;
}

/** Conditions added to a shared parameter list (the relation is embedded in a larger query). */
class SqlConditionsView {
  private readonly parts: string[] = [];
  constructor(private readonly shared: SqlConditions) {}
  add(sql: string, value: unknown): void {
    this.parts.push(sql.replace('?', this.shared.param(value)));
  }
  where(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/** Problems grouped by stage, channel and reason: how many, since when, and one sentence as an example. */
export function problemGroups(filters: ProblemFilters): SqlQuery {
  const params = new SqlConditions();
  const relation = problemsRelation(params, filters);
  return {
    text: `SELECT stage, channel, code, count(*)::bigint AS count,
                  min(parked_at) AS oldest_parked_at, max(parked_at) AS newest_parked_at,
                  (array_agg(sentence ORDER BY parked_at DESC))[1] AS example_sentence,
                  (array_agg(key ORDER BY parked_at DESC))[1] AS example_key,
                  count(closed_at)::bigint AS closed
             FROM ${relation} problems
            GROUP BY stage, channel, code
            ORDER BY count(*) DESC, stage, channel NULLS FIRST, code`,
    values: params.values,
  };
}

const cursorShape = ['string', 'string', 'number', 'string'] as const;

/** One page of problems, newest first, keyset-paged on (parked_at, DLQ topic, partition, offset). */
export function problemPage(filters: ProblemFilters, limit: number, cursor?: string): SqlQuery {
  const params = new SqlConditions();
  const relation = problemsRelation(params, filters);
  let after = '';
  if (cursor !== undefined) {
    const [at, topic, partition, offset] = decodeCursor(
      cursor,
      filtersFingerprint({ ...filters }),
      cursorShape,
    );
    after = `WHERE (parked_at, dlq_topic, dlq_partition, dlq_offset) < (${params.param(at)}::timestamptz, ${params.param(topic)}::text, ${params.param(partition)}::integer, ${params.param(offset)}::bigint)`;
  }
  return {
    text: `SELECT * FROM ${relation} problems ${after}
            ORDER BY parked_at DESC, dlq_topic DESC, dlq_partition DESC, dlq_offset DESC
            LIMIT ${Math.trunc(limit) + 1}`,
    values: params.values,
  };
}

export function problemCursorAfter(
  filters: ProblemFilters,
  last: {
    readonly parked_at_exact: string;
    readonly dlq_topic: string;
    readonly dlq_partition: number;
    readonly dlq_offset: string;
  },
): string {
  return encodeCursor(
    [last.parked_at_exact, last.dlq_topic, last.dlq_partition, String(last.dlq_offset)],
    filtersFingerprint({ ...filters }),
  );
}
