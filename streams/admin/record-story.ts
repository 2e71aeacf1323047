/**
 * A record's story: from the ERP row (source, table, log position, transaction, commit time, as
 * the lineage of each register entry carries it) through each channel record of the key (its
 * position in the channel topic, upsert or delisting, content hash) to every delivery attempt
 * with its HTTP status and the channel's own words; and every dead letter of the key at any stage,
 * open or closed. Read from the ops database's indexes; the assembly here is pure.
 */
import type { SqlQuery } from './register-query.ts';

/** How many register entries of one key a story reads at most (newest first). */
export const storyEntryLimit = 1000;

export function storyEntries(channel: string, key: string): SqlQuery {
  return {
    text: `SELECT r.* FROM sync_register r WHERE r.channel = $1 AND r.key = $2
            ORDER BY r.recorded_at DESC, r.register_partition DESC, r.register_offset DESC
            LIMIT ${storyEntryLimit}`,
    values: [channel, key],
  };
}

export interface EntryRow {
  readonly register_partition: number;
  readonly register_offset: string;
  readonly status: string;
  readonly operation: string;
  readonly content_hash: string;
  readonly attempt: number;
  readonly http_status: number | null;
  readonly error_code: string | null;
  readonly channel_error: string | null;
  readonly sentence: string;
  readonly offer_topic: string;
  readonly offer_partition: number;
  readonly offer_offset: string;
  readonly erp_source: string | null;
  readonly erp_table: string | null;
  readonly erp_position: string | null;
  readonly erp_tx_id: string | null;
  readonly erp_commit_at: Date | null;
  readonly recorded_at: Date;
  readonly latency_ms: string | null;
}

export interface ErpOrigin {
  readonly source: string | null;
  readonly table: string | null;
  readonly position: string | null;
  readonly txId: string | null;
  readonly commitAt: string | null;
}

export interface StoryAttempt {
  readonly attempt: number;
  readonly status: string;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly channelError: string | null;
  readonly sentence: string;
  readonly recordedAt: string;
  readonly latencyMs: number | null;
  readonly register: { readonly partition: number; readonly offset: string };
}

export interface StoryVersion {
  readonly channelRecord: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    readonly operation: string;
    readonly contentHash: string;
  };
  readonly erp: ErpOrigin;
  /** The latest attempt's status: where this version ended (so far). */
  readonly outcome: string;
  /** Oldest first, as they happened. */
  readonly attempts: StoryAttempt[];
}

const iso = (at: Date | null) => (at === null ? null : at.toISOString());

/**
 * The versions of a key on a channel, newest first, each with its attempts oldest first. The rows
 * come newest first (storyEntries); a version is one channel record (topic, partition, offset).
 */
export function storyVersions(rows: readonly EntryRow[]): StoryVersion[] {
  const versions = new Map<string, { version: StoryVersion; newest: number }>();
  rows.forEach((row, index) => {
    const id = `${row.offer_topic}/${row.offer_partition}@${row.offer_offset}`;
    let found = versions.get(id);
    if (found === undefined) {
      found = {
        newest: index,
        version: {
          channelRecord: {
            topic: row.offer_topic,
            partition: row.offer_partition,
            offset: String(row.offer_offset),
            operation: row.operation,
            contentHash: row.content_hash,
          },
          erp: {
            source: row.erp_source,
            table: row.erp_table,
            position: row.erp_position,
            txId: row.erp_tx_id,
            commitAt: iso(row.erp_commit_at),
          },
          outcome: row.status,
          attempts: [],
        },
      };
      versions.set(id, found);
    }
    found.version.attempts.unshift({
      attempt: row.attempt,
      status: row.status,
      httpStatus: row.http_status,
      errorCode: row.error_code,
      channelError: row.channel_error,
      sentence: row.sentence,
      recordedAt: row.recorded_at.toISOString(),
      latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
      register: { partition: row.register_partition, offset: String(row.register_offset) },
    });
  });
  // Newest first: by the channel record's position within a partition, else by the latest attempt.
  return [...versions.values()]
    .sort((a, b) => {
      const x = a.version.channelRecord;
      const y = b.version.channelRecord;
      if (x.topic === y.topic && x.partition === y.partition) {
        const d = BigInt(y.offset) - BigInt(x.offset);
        return d > 0n ? 1 : d < 0n ? -1 : 0;
      }
      return a.newest - b.newest;
    })
    .map((v) => v.version);
}
