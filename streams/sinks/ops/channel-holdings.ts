/**
 * What each channel holds, by content hash per key, as the sinks delivered it (ops database): a
 * record whose hash the channel already holds is not sent again, also after a sink restart or a
 * replay of the channel topic. Written only after the channel confirmed a delivery, and only by a
 * record at least as new as the one the holding reflects (its revision, holding-revision.ts): a
 * replica that lost its partitions and answers late cannot overwrite a newer holding. A lost
 * connection throws OpsUnavailable (ops-outage.ts), which the sink waits out.
 */
import type pg from 'pg';
import type { Revision } from '../holding-revision.ts';
import { opsCall } from './ops-outage.ts';

/** The content hash held for a delisted key (a tombstone carries no content). */
export const tombstoneHash = 'tombstone';

export interface Holding {
  readonly contentHash: string;
  /** The record the holding reflects; null for a row written before holdings carried revisions. */
  readonly revision: Revision | null;
}

export interface HoldingWrite {
  readonly key: string;
  readonly contentHash: string;
  readonly revision: Revision;
}

export interface ChannelHoldings {
  /** The holding of each of `keys` that the channel holds. */
  held(keys: readonly string[]): Promise<Map<string, Holding>>;
  /**
   * Records the writes whose revision is not older than the stored one (replacesHolding);
   * `partitionEnd` is the end offset of the writes' partition when they were fetched. Resolves with
   * the keys whose write lost to a newer holding, which stays as it was.
   */
  record(writes: readonly HoldingWrite[], partitionEnd?: bigint): Promise<string[]>;
}

export function postgresHoldings(pool: pg.Pool, channel: string): ChannelHoldings {
  return {
    async held(keys) {
      if (keys.length === 0) return new Map();
      const result = await opsCall(`holdings of channel ${channel}`, () =>
        pool.query<{
          key: string;
          content_hash: string;
          revision_partition: number | null;
          revision_offset: string | null;
        }>(
          `SELECT key, content_hash, revision_partition, revision_offset
             FROM channel_holding WHERE channel = $1 AND key = ANY($2::text[])`,
          [channel, keys],
        ),
      );
      return new Map(
        result.rows.map((row) => [
          row.key,
          {
            contentHash: row.content_hash,
            revision:
              row.revision_partition === null || row.revision_offset === null
                ? null
                : { partition: row.revision_partition, offset: BigInt(row.revision_offset) },
          },
        ]),
      );
    },
    async record(writes, partitionEnd) {
      if (writes.length === 0) return [];
      // One statement: the condition is checked against the row as it is when the upsert meets it
      // (the row is locked for the update), so two replicas racing on a key cannot both win with the
      // older one last. RETURNING lists the rows inserted or updated; the others lost.
      const result = await opsCall(`holdings of channel ${channel}`, () =>
        pool.query<{ key: string }>(
          `INSERT INTO channel_holding (channel, key, content_hash, delivered_at, revision_partition, revision_offset)
           SELECT $1, w.key, w.hash, clock_timestamp(), w.partition, w.offset
             FROM unnest($2::text[], $3::text[], $4::integer[], $5::bigint[]) AS w(key, hash, partition, "offset")
           ON CONFLICT (channel, key) DO UPDATE
             SET content_hash = excluded.content_hash, delivered_at = excluded.delivered_at,
                 revision_partition = excluded.revision_partition, revision_offset = excluded.revision_offset
             WHERE channel_holding.revision_offset IS NULL
                OR channel_holding.revision_partition IS DISTINCT FROM excluded.revision_partition
                OR ($6::bigint IS NOT NULL AND channel_holding.revision_offset >= $6::bigint)
                OR channel_holding.revision_offset <= excluded.revision_offset
           RETURNING key`,
          [
            channel,
            writes.map((w) => w.key),
            writes.map((w) => w.contentHash),
            writes.map((w) => w.revision.partition),
            writes.map((w) => w.revision.offset.toString()),
            partitionEnd === undefined ? null : partitionEnd.toString(),
          ],
        ),
      );
      const written = new Set(result.rows.map((row) => row.key));
      return writes.filter((w) => !written.has(w.key)).map((w) => w.key);
    },
  };
}
