/**
 * Holdings that do not grow for ever: the row of a delisted key (content hash `tombstone`) is
 * deleted once it has not been written for `retentionDays`. The row is there so that a tombstone
 * the sink reads again (a group rewound, a replay after a crash) is not sent again; a compacted
 * channel topic keeps a tombstone readable for its `delete.retention.ms` (1 day by default) and
 * then drops it, after which no replay can bring it back, so the row has no use left. Its revision
 * fences replicas that lost their partitions, which matters for seconds or minutes, not days. A key
 * listed again gets a new row from its delivery. Offer rows stay: they say what the channel holds.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { tombstoneHash } from './channel-holdings.ts';

/** Deletes the expired delisted holdings of `channels`; resolves with how many went. */
export async function deleteExpiredDelistings(
  pool: pg.Pool,
  channels: readonly string[],
  retentionDays: number,
): Promise<number> {
  const result = await pool.query(
    `DELETE FROM channel_holding
      WHERE channel = ANY($1::text[]) AND content_hash = $2
        AND delivered_at < now() - $3 * interval '1 day'`,
    [channels, tombstoneHash, retentionDays],
  );
  return result.rowCount ?? 0;
}

/**
 * Runs deleteExpiredDelistings now and every `everyMs` (an hour by default) until stopped. Every
 * replica of a channel may run it: the statement is the same for all, and repeating it is harmless.
 * A failure (the ops database away) is logged and tried again at the next round.
 */
export function expireDelistedHoldings(options: {
  readonly pool: pg.Pool;
  readonly channels: readonly string[];
  readonly retentionDays: number;
  readonly logger: Logger;
  readonly everyMs?: number;
}): { stop(): void } {
  const round = async () => {
    try {
      const deleted = await deleteExpiredDelistings(options.pool, options.channels, options.retentionDays);
      if (deleted > 0) {
        options.logger.info(
          { rows: deleted, retentionDays: options.retentionDays },
          'holdings of keys delisted long ago deleted',
        );
      }
    } catch (error) {
      options.logger.warn(
        { err: error },
        'could not delete expired holdings of delisted keys; trying again later',
      );
    }
  };
  void round();
  const timer = setInterval(() => void round(), options.everyMs ?? 60 * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
