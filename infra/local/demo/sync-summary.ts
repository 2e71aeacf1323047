/**
 * The demo's live summary per channel, from the sync register's index in the ops database: of the
 * keys the sinks handled since the demo started, how many the channel now holds (delivered), how
 * many needed nothing (unchanged), how many are waiting for a retry and how many are parked; the
 * latest entry of each key decides.
 */
import pg from 'pg';
import { opsPostgres, postgresUrl } from '../stack-config.ts';

export interface ChannelSummary {
  readonly delivered: number;
  readonly unchanged: number;
  readonly retrying: number;
  readonly parked: number;
}

export interface SyncSummary {
  read(): Promise<Map<string, ChannelSummary>>;
  close(): Promise<void>;
}

export function openSyncSummary(since: Date): SyncSummary {
  const pool = new pg.Pool({ connectionString: postgresUrl(opsPostgres()), max: 1 });
  return {
    async read() {
      const result = await pool.query<{ channel: string; status: string; keys: string }>(
        `SELECT channel, status, count(*) AS keys FROM (
           SELECT DISTINCT ON (channel, key) channel, status FROM sync_register
            WHERE recorded_at >= $1 AND status <> 'SUPERSEDED'
            ORDER BY channel, key, recorded_at DESC, register_offset DESC
         ) latest GROUP BY channel, status`,
        [since],
      );
      const summaries = new Map<string, ChannelSummary>();
      for (const row of result.rows) {
        const summary = summaries.get(row.channel) ?? { delivered: 0, unchanged: 0, retrying: 0, parked: 0 };
        const keys = Number(row.keys);
        summaries.set(row.channel, {
          delivered: summary.delivered + (row.status === 'DELIVERED' ? keys : 0),
          unchanged: summary.unchanged + (row.status === 'UNCHANGED' ? keys : 0),
          retrying: summary.retrying + (row.status === 'FAILED_WILL_RETRY' ? keys : 0),
          parked: summary.parked + (row.status === 'PARKED' ? keys : 0),
        });
      }
      return summaries;
    },
    close: () => pool.end(),
  };
}

export function describeSummary(channel: string, summary: ChannelSummary | undefined, holds: string): string {
  const s = summary ?? { delivered: 0, unchanged: 0, retrying: 0, parked: 0 };
  return `${channel.padEnd(12)} ${String(s.delivered).padStart(5)} delivered ${String(s.unchanged).padStart(5)} unchanged ${String(s.retrying).padStart(4)} retrying ${String(s.parked).padStart(4)} parked   ${holds}`;
}
