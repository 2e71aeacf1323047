/**
 * The ERP MariaDB: Debian's mariadbd running the stack's own data folder in `.stack/mariadb`, on its
 * own port, with a row-based binlog (full row images, GTID on by default) for Debezium.
 *
 * root stays reachable only through the socket; the stack creates an admin, the ERP app's user
 * and Debezium's user with the grants Debezium's MariaDB documentation lists.
 */
import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import type { Component } from '../component.ts';
import { erpMariadb, host, port, stateDir } from '../stack-config.ts';
import { StackError } from '../stack-error.ts';
import { mariadbServer, serviceAccount } from '../tools.ts';

const home = join(stateDir, 'mariadb');
const dataDir = join(home, 'data');
const socket = join(home, 'mariadb.sock');

const account = () => serviceAccount('mysql');

async function adminConnection(): Promise<mysql.Connection> {
  const s = erpMariadb();
  return mysql.createConnection({
    host: s.host,
    port: s.port,
    user: s.adminUser,
    password: s.adminPassword,
    connectTimeout: 2000,
  });
}

export const mariadb: Component = {
  name: 'mariadb',
  title: 'ERP MariaDB',
  ports: ['erpMariadb'],
  dependsOn: [],
  startTimeoutMs: 60_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 30_000,
  endpoint: () => `mysql://${host}:${port('erpMariadb')}/${erpMariadb().database}`,

  prepare() {
    const owner = account();
    mkdirSync(home, { recursive: true, mode: 0o750 });
    if (owner) chownSync(home, owner.uid, owner.gid);
    if (existsSync(join(dataDir, 'mysql'))) return Promise.resolve();
    rmSync(dataDir, { recursive: true, force: true });
    try {
      execFileSync(
        mariadbServer().installDb,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
          ...(owner ? ['--user=mysql'] : []),
        ],
        { stdio: 'pipe', cwd: home },
      );
    } catch (error) {
      const output =
        String((error as { stderr?: Buffer }).stderr ?? '') +
        String((error as { stdout?: Buffer }).stdout ?? '');
      throw new StackError(
        'START_FAILED',
        `mariadb-install-db could not create the ERP MariaDB in ${dataDir}: ${output.trim().slice(-800)}`,
      );
    }
    return Promise.resolve();
  },

  launchSpec() {
    const owner = account();
    return {
      name: 'mariadb',
      command: mariadbServer().server,
      args: [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--port=${port('erpMariadb')}`,
        `--bind-address=${host}`,
        `--socket=${socket}`,
        `--pid-file=${join(home, 'mariadbd.pid')}`,
        ...(owner ? ['--user=mysql'] : []),
        '--server-id=1',
        '--log-bin=binlog',
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--expire-logs-days=7',
        '--skip-name-resolve',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        '--innodb-buffer-pool-size=256M',
        '--max-connections=200',
      ],
      cwd: home,
      marker: dataDir,
    };
  },

  async unhealthyReason() {
    // Before the first-start setup only root over the socket can log in: a refusal by the server
    // still proves it is up and answering.
    try {
      const connection = await adminConnection();
      await connection.end();
      return undefined;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_HOST_NOT_PRIVILEGED') return undefined;
      return (error as Error).message;
    }
  },

  async afterStart() {
    const s = erpMariadb();
    let connection: mysql.Connection;
    try {
      connection = await adminConnection();
    } catch {
      // First start: root logs in through the socket (unix_socket authentication as OS root).
      if (process.getuid?.() !== 0) {
        throw new StackError(
          'START_FAILED',
          'The ERP MariaDB was initialised but its users are missing; run the stack as root once, or remove .stack/mariadb to start over.',
        );
      }
      connection = await mysql.createConnection({ socketPath: socket, user: 'root' });
    }
    try {
      const statements = [
        `CREATE DATABASE IF NOT EXISTS ${s.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        `CREATE USER IF NOT EXISTS '${s.adminUser}'@'%' IDENTIFIED BY '${s.adminPassword}'`,
        `GRANT ALL PRIVILEGES ON *.* TO '${s.adminUser}'@'%' WITH GRANT OPTION`,
        `CREATE USER IF NOT EXISTS '${s.user}'@'%' IDENTIFIED BY '${s.password}'`,
        `GRANT ALL PRIVILEGES ON ${s.database}.* TO '${s.user}'@'%'`,
        `CREATE USER IF NOT EXISTS '${s.cdcUser}'@'%' IDENTIFIED BY '${s.cdcPassword}'`,
        `GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO '${s.cdcUser}'@'%'`,
        'FLUSH PRIVILEGES',
      ];
      for (const statement of statements) await connection.query(statement);
    } finally {
      await connection.end();
    }
  },
};
