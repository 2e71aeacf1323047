/**
 * A record's story: from the ERP row (source, table, log position, transaction, commit time, as
 * the lineage of each register entry carries it) through each channel record of the key (its
 * position in the channel topic, upsert or delisting, content hash) to every delivery attempt
 * with its HTTP status and the channel's own words; and every dead letter of the key at any stage,
 * open or closed. Read from the ops database's indexes; the assembly here is pure.
 */
import { erpOriginOf, type ErpOrigin, type RegisterRow } from './admin-rows.ts';
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

/** A register row as a story reads it. */
export type EntryRow = Pick<
  RegisterRow,
  | 'register_partition'
  | 'register_offset'
  | 'status'
  | 'operation'
  | 'content_hash'
  | 'attempt'
  | 'http_status'
  | 'error_code'
  | 'channel_error'
  | 'sentence'
  | 'offer_topic'
  | 'offer_partition'
  | 'offer_offset'
  | 'erp_source'
  | 'erp_table'
  | 'erp_position'
  | 'erp_tx_id'
  | 'erp_commit_at'
  | 'recorded_at'
  | 'latency_ms'
>;

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
          erp: erpOriginOf(row),
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
