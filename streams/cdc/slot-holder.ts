/**
 * The PostgreSQL side of the CDC watchdog, logged in as the connector's own database user: is the
 * ERP database up, who holds the replication slot, and ending a stale holder. PostgreSQL lets a
 * role end its own backends only (pg_terminate_backend needs membership in the backend's role), and
 * the query checks it again, so nothing but the connector user's own walsender can be ended.
 */
import pg from 'pg';
import type { ReplicationSlotConfig } from './cdc-config.ts';
import type { SlotHolder } from './recovery-plan.ts';

export interface SlotDatabase {
  reachable(): Promise<boolean>;
  holder(): Promise<SlotHolder | undefined>;
  /** Ends the walsender `pid` if it still holds the slot and is this user's; true if it was ended. */
  endHolder(pid: number): Promise<boolean>;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
  });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function slotDatabase(slot: ReplicationSlotConfig): SlotDatabase {
  return {
    async reachable() {
      try {
        await withClient(slot.databaseUrl, (client) => client.query('SELECT 1'));
        return true;
      } catch {
        return false;
      }
    },
    async holder() {
      return withClient(slot.databaseUrl, async (client) => {
        const { rows } = await client.query<{ pid: number; backend_start: Date }>(
          `SELECT s.active_pid AS pid, a.backend_start
             FROM pg_replication_slots s JOIN pg_stat_activity a ON a.pid = s.active_pid
            WHERE s.slot_name = $1 AND s.active`,
          [slot.name],
        );
        const row = rows[0];
        return row === undefined ? undefined : { pid: row.pid, backendStart: row.backend_start.getTime() };
      });
    },
    async endHolder(pid) {
      return withClient(slot.databaseUrl, async (client) => {
        const { rows } = await client.query<{ ended: boolean }>(
          `SELECT pg_terminate_backend(a.pid) AS ended
             FROM pg_stat_activity a JOIN pg_replication_slots s ON s.active_pid = a.pid
            WHERE a.pid = $1 AND s.slot_name = $2 AND a.backend_type = 'walsender' AND a.usename = current_user`,
          [pid, slot.name],
        );
        return rows[0]?.ended === true;
      });
    },
  };
}
