/**
 * A throwaway ERP database of its own in each of the stack's servers (PostgreSQL and MariaDB),
 * created by the stack's admin and used as the ERP application, so a test never touches the
 * demo's `erp` databases; `drop` removes both.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import type { DatabaseSettings, ErpTarget } from '../../infra/local/erp/connect.ts';
import { erpMariadb, erpPostgres, postgresUrl } from '../../infra/local/stack-config.ts';

export interface ScratchErp {
  readonly name: string;
  readonly databases: Readonly<Record<ErpTarget, DatabaseSettings>>;
  /** Where the ERP application logs in: `postgresql://...` and `mysql://...`. */
  readonly urls: Readonly<Record<ErpTarget, string>>;
  /** One query as the server's admin: `?` placeholders, tables unqualified. */
  query<T = Record<string, unknown>>(target: ErpTarget, sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createScratchErp(prefix = 'erp_test'): Promise<ScratchErp> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const pgStack = erpPostgres();
  const myStack = erpMariadb();
  const databases: Record<ErpTarget, DatabaseSettings> = {
    postgres: {
      host: pgStack.host,
      port: pgStack.port,
      database: name,
      user: pgStack.user,
      password: pgStack.password,
    },
    mariadb: {
      host: myStack.host,
      port: myStack.port,
      database: name,
      user: myStack.user,
      password: myStack.password,
    },
  };
  const my = databases.mariadb;
  const urls: Record<ErpTarget, string> = {
    postgres: postgresUrl(databases.postgres),
    mariadb: `mysql://${encodeURIComponent(my.user)}:${encodeURIComponent(my.password)}@${my.host}:${my.port}/${name}`,
  };
  const pgAdmin = (database: string) =>
    new pg.Client({
      host: pgStack.host,
      port: pgStack.port,
      user: pgStack.adminUser,
      password: pgStack.adminPassword,
      database,
    });
  const myAdmin = () =>
    mysql.createConnection({
      host: myStack.host,
      port: myStack.port,
      user: myStack.adminUser,
      password: myStack.adminPassword,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
    });

  const admin = pgAdmin('postgres');
  await admin.connect();
  // Owned by erp_owner, like the stack's erp database, so erp_app may create the erp schema.
  await admin.query(`CREATE DATABASE ${name} OWNER erp_owner`).finally(() => admin.end());
  const connection = await myAdmin();
  try {
    await connection.query(`CREATE DATABASE ${name}`);
    await connection.query(`GRANT ALL PRIVILEGES ON ${name}.* TO '${myStack.user}'@'%'`);
  } finally {
    await connection.end();
  }

  return {
    name,
    databases,
    urls,
    async query<T>(target: ErpTarget, sql: string, params: unknown[] = []): Promise<T[]> {
      if (target === 'postgres') {
        const client = pgAdmin(name);
        await client.connect();
        try {
          await client.query('SET search_path = erp');
          let n = 0;
          return (
            await client.query(
              sql.replace(/\?/g, () => `$${++n}`),
              params,
            )
          ).rows as T[];
        } finally {
          await client.end();
        }
      }
      const c = await myAdmin();
      try {
        await c.query(`USE ${name}`);
        const [rows] = await c.query(sql, params);
        return rows as T[];
      } finally {
        await c.end();
      }
    },
    async drop() {
      const client = pgAdmin('postgres');
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
      const c = await myAdmin();
      await c.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => c.end());
    },
  };
}
