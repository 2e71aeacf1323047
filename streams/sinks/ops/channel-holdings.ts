/**
 * What each channel holds, by content hash per key, as the sinks delivered it (ops database): a
 * record whose hash the channel already holds is not sent again, also after a sink restart or a
 * replay of the channel topic. Written only after the channel confirmed a delivery. A lost
 * connection throws OpsUnavailable (ops-outage.ts), which the sink waits out.
 */
import type pg from 'pg';
import { opsCall } from './ops-outage.ts';

export interface ChannelHoldings {
  /** The held content hash of each of `keys` that the channel holds. */
  hashes(keys: readonly string[]): Promise<Map<string, string>>;
  record(delivered: ReadonlyArray<{ key: string; contentHash: string }>): Promise<void>;
}

export function postgresHoldings(pool: pg.Pool, channel: string): ChannelHoldings {
  return {
    async hashes(keys) {
      if (keys.length === 0) return new Map();
      const result = await opsCall(`holdings of channel ${channel}`, () =>
        pool.query<{ key: string; content_hash: string }>(
          'SELECT key, content_hash FROM channel_holding WHERE channel = $1 AND key = ANY($2::text[])',
          [channel, keys],
        ),
      );
      return new Map(result.rows.map((row) => [row.key, row.content_hash]));
    },
    async record(delivered) {
      if (delivered.length === 0) return;
      await opsCall(`holdings of channel ${channel}`, () =>
        pool.query(
          `INSERT INTO channel_holding (channel, key, content_hash, delivered_at)
         SELECT $1, d.key, d.hash, clock_timestamp() FROM unnest($2::text[], $3::text[]) AS d(key, hash)
         ON CONFLICT (channel, key) DO UPDATE
           SET content_hash = excluded.content_hash, delivered_at = excluded.delivered_at`,
          [channel, delivered.map((d) => d.key), delivered.map((d) => d.contentHash)],
        ),
      );
    },
  };
}
