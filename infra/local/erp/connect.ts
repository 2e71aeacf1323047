/**
 * Opening the ERP databases as the ERP application (erp_app), with the failures a person meets
 * turned into one sentence: not started, wrong login, missing database.
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import { erpMariadb, erpPostgres } from '../stack-config.ts';
import { ErpError } from './erp-error.ts';

export type ErpTarget = 'postgres' | 'mariadb';
export const erpTargets: readonly ErpTarget[] = ['postgres', 'mariadb'];

export const erpTitle: Readonly<Record<ErpTarget, string>> = {
  postgres: 'ERP PostgreSQL',
  mariadb: 'ERP MariaDB',
};

/** Where and as whom to connect. Defaults come from stack-config.ts; tests pass their own database. */
export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

export function defaultSettings(target: ErpTarget): DatabaseSettings {
  const s = target === 'postgres' ? erpPostgres() : erpMariadb();
  return { host: s.host, port: s.port, database: s.database, user: s.user, password: s.password };
}

export const describeDatabase = (target: ErpTarget, s: DatabaseSettings): string =>
  `${erpTitle[target]} (${s.host}:${s.port}/${s.database})`;

const unreachableCodes = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'ECONNRESET']);

function connectionFailure(target: ErpTarget, s: DatabaseSettings, error: unknown): ErpError {
  const code = (error as { code?: string }).code ?? '';
  const reason = (error as Error).message;
  const where = `${s.host}:${s.port}`;
  if (unreachableCodes.has(code) || /timeout/i.test(reason)) {
    return new ErpError(
      'DB_UNREACHABLE',
      `${erpTitle[target]} is not reachable at ${where}: start the stack with npm run stack:up`,
      { cause: error },
    );
  }
  // PostgreSQL SQLSTATEs 28P01/28000 (login), 3D000 (no database); MariaDB's own codes.
  if (
    [
      '28P01',
      '28000',
      '3D000',
      'ER_ACCESS_DENIED_ERROR',
      'ER_DBACCESS_DENIED_ERROR',
      'ER_BAD_DB_ERROR',
    ].includes(code)
  ) {
    return new ErpError(
      'LOGIN_REFUSED',
      `${erpTitle[target]} at ${where} refused user ${s.user} on database ${s.database} (${reason}); ` +
        'the stack creates both when it first starts the database: run npm run stack:up',
      { cause: error },
    );
  }
  return new ErpError('DB_UNREACHABLE', `${erpTitle[target]} at ${where} failed to connect: ${reason}`, {
    cause: error,
  });
}

export async function connectPostgres(s: DatabaseSettings = defaultSettings('postgres')): Promise<pg.Client> {
  const client = new pg.Client({ ...s, connectionTimeoutMillis: 5000 });
  // A server that goes away emits 'error' on the client; the pending query rejects with it anyway,
  // so listening here only keeps an unhandled event from ending the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionFailure('postgres', s, error);
  }
  return client;
}

export async function connectMariadb(
  s: DatabaseSettings = defaultSettings('mariadb'),
  options: { multipleStatements?: boolean } = {},
): Promise<mysql.Connection> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      ...s,
      connectTimeout: 5000,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      multipleStatements: options.multipleStatements ?? false,
    });
  } catch (error) {
    throw connectionFailure('mariadb', s, error);
  }
  connection.on('error', () => undefined);
  // datetime(6) has no zone: the sample keeps UTC, so now() must mean UTC too.
  await connection.query("SET time_zone = '+00:00'");
  return connection;
}
