/**
 * The ERP PostgreSQL: Debian's server binaries running the stack's own cluster in
 * `.stack/postgres`, on its own port, with logical decoding on for Debezium (pgoutput).
 *
 * initdb and postgres refuse to run as root, so when the stack is started by root they run as
 * Debian's `postgres` system user.
 */
import { chownSync, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import type { Component } from '../component.ts';
import { erpPostgres, host, opsPostgres, port, portalPostgres, stateDir } from '../stack-config.ts';
import { StackError } from '../stack-error.ts';
import { postgresBin, serviceAccount } from '../tools.ts';
import { ensurePortalSchema } from '../portal/portal-schema.ts';

const home = join(stateDir, 'postgres');
const dataDir = join(home, 'data');

function account() {
  return serviceAccount('postgres');
}

function adminClient(database = 'postgres'): pg.Client {
  const settings = erpPostgres();
  return new pg.Client({
    host: settings.host,
    port: settings.port,
    user: settings.adminUser,
    password: settings.adminPassword,
    database,
    connectionTimeoutMillis: 2000,
  });
}

/** Roles as Debezium's documentation asks: tables owned by a group both the app and CDC users join. */
function rolesSql(s: ReturnType<typeof erpPostgres>): string {
  const role = (name: string, options: string) => `
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${name} ${options}; END IF;`;
  return `DO $$ BEGIN
    ${role('erp_owner', 'NOLOGIN')}
    ${role(s.user, `LOGIN PASSWORD '${s.password}' IN ROLE erp_owner`)}
    ${role(s.cdcUser, `LOGIN REPLICATION PASSWORD '${s.cdcPassword}' IN ROLE erp_owner`)}
  END $$;`;
}

export const postgres: Component = {
  name: 'postgres',
  title: 'ERP PostgreSQL',
  ports: ['erpPostgres'],
  dependsOn: [],
  startTimeoutMs: 60_000,
  stopSignal: 'SIGINT',
  stopGraceMs: 20_000,
  endpoint: () => `postgresql://${host}:${port('erpPostgres')}/${erpPostgres().database}`,

  prepare() {
    const owner = account();
    mkdirSync(home, { recursive: true, mode: 0o700 });
    if (owner) chownSync(home, owner.uid, owner.gid);
    if (existsSync(join(dataDir, 'PG_VERSION'))) return Promise.resolve();
    rmSync(dataDir, { recursive: true, force: true });
    const pwfile = join(home, 'initdb-password');
    writeFileSync(pwfile, erpPostgres().adminPassword, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    try {
      execFileSync(
        join(postgresBin(), 'initdb'),
        [
          '-D',
          dataDir,
          '-U',
          erpPostgres().adminUser,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '-E',
          'UTF8',
          '--locale=C.UTF-8',
        ],
        { stdio: 'pipe', uid: owner?.uid, gid: owner?.gid, cwd: home },
      );
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      throw new StackError(
        'START_FAILED',
        `initdb could not create the ERP PostgreSQL cluster in ${dataDir}: ${stderr.trim()}`,
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
    return Promise.resolve();
  },

  launchSpec() {
    const owner = account();
    return {
      name: 'postgres',
      command: join(postgresBin(), 'postgres'),
      args: [
        '-D',
        dataDir,
        '-c',
        `listen_addresses=${host}`,
        '-c',
        `port=${port('erpPostgres')}`,
        '-c',
        `unix_socket_directories=${home}`,
        '-c',
        'wal_level=logical',
        '-c',
        'max_wal_senders=10',
        '-c',
        'max_replication_slots=10',
        '-c',
        'max_connections=200',
        '-c',
        // A slot whose connector is gone must not fill the disk with WAL.
        'max_slot_wal_keep_size=4GB',
      ],
      cwd: home,
      uid: owner?.uid,
      gid: owner?.gid,
      marker: dataDir,
    };
  },

  async unhealthyReason() {
    const client = adminClient();
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
  },

  async afterStart() {
    const settings = erpPostgres();
    const admin = adminClient();
    await admin.connect();
    try {
      await admin.query(rolesSql(settings));
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [settings.database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${settings.database} OWNER erp_owner`);
      // The ops and portal databases: each owned by its own login, which creates its own tables.
      for (const db of [opsPostgres(), portalPostgres()]) {
        await admin.query(`DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${db.user}') THEN
            CREATE ROLE ${db.user} LOGIN PASSWORD '${db.password}';
          END IF; END $$;`);
        const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
        if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${db.database} OWNER ${db.user}`);
      }
    } finally {
      await admin.end();
    }
    const erp = adminClient(settings.database);
    await erp.connect();
    try {
      await erp.query('CREATE SCHEMA IF NOT EXISTS erp AUTHORIZATION erp_owner');
    } finally {
      await erp.end();
    }
    // The sample B2B portal's own table, which the b2b-portal channel's db-table sink fills.
    await ensurePortalSchema();
  },
};
