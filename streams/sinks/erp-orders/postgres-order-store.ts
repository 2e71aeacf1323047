/**
 * The order store on a PostgreSQL ERP (node-postgres pool). READ COMMITTED, PostgreSQL's default:
 * `INSERT ... ON CONFLICT DO NOTHING` waits for a concurrent insert of the same order and then
 * does nothing, and the next statement sees the committed row (PostgreSQL docs, "INSERT", "ON
 * CONFLICT Clause"; "Transaction Isolation", Read Committed).
 */
import pg from 'pg';
import { insertOrderParams, insertOrderSql } from './order-statements.ts';
import {
  isConnectionFailure,
  type OrderSession,
  type OrderStore,
  type OrderStoreFailure,
} from './order-store.ts';

export interface PostgresOrderStoreOptions {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** The schema of the interchange tables. */
  readonly schema: string;
  /** Connections at most: as many writes as run at once. */
  readonly poolSize?: number;
}

/** Numbers `?` placeholders as `$1, $2, ...`; the writer's SQL holds no other question mark. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// SQLSTATE classes (PostgreSQL docs, "PostgreSQL Error Codes").
const conflictStates = new Set(['40001', '40P01', '55P03']);
const constraintStates = new Set(['23502', '23505', '23514', '22001', '22003', '22007', '22008', '22P02']);

export function classifyPostgresError(error: unknown): OrderStoreFailure {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (conflictStates.has(code)) return 'conflict';
    if (code === '23503') return 'unknown-reference';
    if (constraintStates.has(code)) return 'constraint';
    // 08: connection exception; 57P01-57P03: the server shutting down or not yet up.
    if (code.startsWith('08') || code.startsWith('57P')) return 'unavailable';
  }
  return isConnectionFailure(error) ? 'unavailable' : 'other';
}

export function openPostgresOrderStore(options: PostgresOrderStoreOptions): OrderStore {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: 5000,
  });
  // An idle connection the server drops emits 'error' on the pool; the next checkout opens a new one.
  pool.on('error', () => undefined);
  const quoted = `"${options.schema.replace(/"/g, '""')}"`;

  function sessionOf(client: pg.PoolClient): OrderSession {
    return {
      async query(sql, params) {
        return (await client.query(numbered(sql), [...params])).rows as Record<string, unknown>[];
      },
      async insertOrderUnlessPresent(row) {
        const sql = `${insertOrderSql(store)} ON CONFLICT (sales_channel, channel_order_id) DO NOTHING RETURNING id`;
        const result = await client.query<{ id: string }>(numbered(sql), insertOrderParams(row));
        return result.rows[0]?.id ?? null;
      },
    };
  }

  const store: OrderStore = {
    database: 'postgres',
    table: (name) => `${quoted}.${name}`,
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(sessionOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        // A connection that could not even roll back is not given to the next write.
        client.release(broken);
      }
    },
    classify: classifyPostgresError,
    async close() {
      await pool.end();
    },
  };
  return store;
}
