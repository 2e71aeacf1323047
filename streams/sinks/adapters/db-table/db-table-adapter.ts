/**
 * The database-table channel: a B2B portal (or any system) that reads its offers from a table of
 * its own PostgreSQL database. Not HTTP, so the adapter ignores `context.http` and speaks SQL over
 * a small pg pool of its own; the runner's rate limit does not apply to it.
 *
 * One call = one transaction: all offers of the batch in one upsert statement, all delists in
 * one more. When the upsert is refused for a row's data (a negative quantity, a price that is not
 * a number), the batch is applied again row by row, each row under its own savepoint, so the good
 * rows land and each bad row is rejected with PostgreSQL's words; invariant 5, "bad input never
 * stops the line". Everything is idempotent (upsert by SKU, delist by SKU), so a batch re-sent
 * after a crash or a lost COMMIT answer changes nothing.
 *
 * Settings (YAML, under a channel's `sink:`):
 *
 *   adapter: db-table
 *   settings:
 *     urlEnv: PORTAL_DATABASE_URL    # postgresql://portal_app:...@db:5432/b2b_portal
 *     table: portal.offer
 *     deleteOnDelist: false
 */
import pg from 'pg';
import { SynclineError } from '../../../runtime/errors.ts';
import type {
  AdapterContext,
  AdapterFactory,
  ChannelAdapter,
  Delivery,
  ItemOutcome,
} from '../../channel-adapter.ts';
import { dbTableSettingsSchema, quotedTable, type DbTableSettings } from './db-table-settings.ts';
import { delistStatement, upsertStatement } from './db-table-statements.ts';
import { offerRow } from './offer-rows.ts';
import { callError, isRowError, postgresWords, rowRejection } from './postgres-errors.ts';

function urlFrom(settings: DbTableSettings, channelId: string): string {
  const url = process.env[settings.urlEnv];
  if (url === undefined || url === '') {
    throw new SynclineError(
      'SINK_SETUP',
      `channel ${channelId}: the database URL of table ${settings.table} comes from the environment variable ${settings.urlEnv} (sink.settings.urlEnv), which is ${url === undefined ? 'not set' : 'empty'}; set it to a libpq URL such as postgresql://user:password@host:5432/database`,
    );
  }
  return url;
}

/** Applies the deliveries in one upsert and one delist statement; a row's bad data throws. */
async function applyAll(
  client: pg.PoolClient,
  batch: readonly Delivery[],
  sql: { upsert: string; delist: string },
): Promise<void> {
  const rows = batch.flatMap((d) => (d.offer === null ? [] : [offerRow(d.key, d.offer, d.contentHash)]));
  const delisted = batch.filter((d) => d.offer === null).map((d) => d.key);
  if (rows.length > 0) await client.query(sql.upsert, [JSON.stringify(rows)]);
  if (delisted.length > 0) await client.query(sql.delist, [delisted]);
}

/** The fallback: each delivery under its own savepoint, so one bad row only undoes itself. */
async function applyOneByOne(
  client: pg.PoolClient,
  batch: readonly Delivery[],
  sql: { upsert: string; delist: string },
): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const delivery of batch) {
    await client.query('SAVEPOINT syncline_row');
    try {
      await applyAll(client, [delivery], sql);
      await client.query('RELEASE SAVEPOINT syncline_row');
      outcomes.push({ kind: 'delivered', status: null });
    } catch (error) {
      if (!isRowError(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT syncline_row');
      outcomes.push(rowRejection(error));
    }
  }
  return outcomes;
}

export const dbTableAdapter: AdapterFactory<DbTableSettings> = {
  kind: 'db-table',
  settingsSchema: dbTableSettingsSchema,
  create(settings: DbTableSettings, channelId: string): ChannelAdapter {
    const table = quotedTable(settings.table);
    const sql = { upsert: upsertStatement(table), delist: delistStatement(table, settings.deleteOnDelist) };
    const pool = new pg.Pool({
      connectionString: urlFrom(settings, channelId),
      max: settings.poolSize,
      connectionTimeoutMillis: 5000,
      statement_timeout: settings.statementTimeoutMs,
      application_name: `syncline-sink-${channelId}`.slice(0, 63),
    });
    // An idle connection the server drops must not crash the worker; the next call reconnects.
    pool.on('error', () => undefined);

    async function deliver(batch: readonly Delivery[], context: AdapterContext): Promise<ItemOutcome[]> {
      if (batch.length === 0) return [];
      const client = await pool.connect().catch((error: unknown) => {
        throw callError(error, settings.table);
      });
      let broken = false;
      try {
        await client.query('BEGIN');
        await client.query('SAVEPOINT syncline_batch');
        let outcomes: ItemOutcome[];
        try {
          await applyAll(client, batch, sql);
          outcomes = batch.map(() => ({ kind: 'delivered', status: null }));
        } catch (error) {
          if (!isRowError(error)) throw error;
          context.logger.warn(
            {
              channel: channelId,
              table: settings.table,
              records: batch.length,
              reason: postgresWords(error),
            },
            'the batch upsert was refused for bad data: applying it row by row',
          );
          await client.query('ROLLBACK TO SAVEPOINT syncline_batch');
          outcomes = await applyOneByOne(client, batch, sql);
        }
        await client.query('COMMIT');
        return outcomes;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw callError(error, settings.table);
      } finally {
        // A connection that could not even roll back is dropped, not handed to the next call.
        client.release(broken);
      }
    }

    return { kind: 'db-table', maxBatch: 500, deliver, close: () => pool.end() };
  },
};
