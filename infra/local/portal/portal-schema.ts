/**
 * Creates the sample B2B portal's schema (portal-schema.sql) in its database on the local stack's
 * PostgreSQL, as the portal's own login: the portal owns its tables, syncline only writes offers.
 * Idempotent, and serialised by an advisory lock, because two processes creating the same table
 * with IF NOT EXISTS at the same moment can still collide in the catalog.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { redactedUrl } from '../../../streams/sinks/ops/ops-database.ts';
import { portalPostgres, postgresUrl } from '../stack-config.ts';

const schemaSql = readFileSync(new URL('./portal-schema.sql', import.meta.url), 'utf8');
/** Any constant: it names "the portal schema is being applied" among the database's locks. */
const schemaLockId = 0x9_0e7a1;

export async function ensurePortalSchema(url: string = postgresUrl(portalPostgres())): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [schemaLockId]);
    await client.query(schemaSql);
    await client.query('COMMIT');
  } catch (error) {
    throw new Error(
      `could not create the portal schema at ${redactedUrl(url)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
