/**
 * The ops database: a PostgreSQL pool and its schema (ops-schema.sql), applied once at start-up
 * under an advisory lock so replicas starting together do not race on CREATE.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { SynclineError } from '../../runtime/errors.ts';

const schemaSql = readFileSync(new URL('./ops-schema.sql', import.meta.url), 'utf8');
/** Any constant: it names "syncline is migrating the ops schema" among the database's locks. */
const schemaLockId = 0x5_9c11e;

export async function openOpsDatabase(url: string, poolSize = 4): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [schemaLockId]);
      await client.query(schemaSql);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [schemaLockId]).catch(() => undefined);
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new SynclineError(
      'OPS_DATABASE',
      `could not open the ops database at ${redactedUrl(url)}: ${(error as Error).message}`,
      true,
      { cause: error },
    );
  }
  return pool;
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable URL)';
  }
}
