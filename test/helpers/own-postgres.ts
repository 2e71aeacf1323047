/**
 * A PostgreSQL server of a test's own, from the same Debian binaries as the stack's, for a fault
 * that stops one database server while the others run on. The local stack keeps the ops database
 * on the ERP's server; stopping that server stops the ERP and the portal too, which is another
 * fault. Here the ops database has a server to itself, as it often has in production, and the
 * test stops it for real: a fast shutdown (SIGINT, what `pg_ctl stop -m fast` sends) ends every
 * session with 57P01 and the port refuses connections until the server is started again on the
 * same data folder and port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { host, postgresUrl } from '../../infra/local/stack-config.ts';
import { postgresBin, serviceAccount } from '../../infra/local/tools.ts';
import { waitUntil } from './wait-until.ts';

export interface OwnPostgres {
  /** libpq URL of `database`, logged in as its owner. */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown; resolves when the server has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same folder and port; resolves when it answers. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

const admin = { user: 'syncline', password: 'syncline' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A fresh cluster with one database `name` owned by a login of the same name and password. */
export async function startOwnPostgres(name: string): Promise<OwnPostgres> {
  const owner = serviceAccount('postgres');
  const home = mkdtempSync(join(tmpdir(), `syncline-${name}-`));
  const dataDir = join(home, 'data');
  if (owner) chownSync(home, owner.uid, owner.gid);
  const pwfile = join(home, 'initdb-password');
  writeFileSync(pwfile, admin.password, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  execFileSync(
    join(postgresBin(), 'initdb'),
    ['-D', dataDir, '-U', admin.user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8'],
    { stdio: 'pipe', uid: owner?.uid, gid: owner?.gid, cwd: home },
  );
  rmSync(pwfile, { force: true });
  const port = await freePort();
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const connect = async (database: string, user = admin.user, password = admin.password) => {
    const client = new pg.Client({ host, port, database, user, password, connectionTimeoutMillis: 2000 });
    await client.connect();
    return client;
  };

  const start = async () => {
    server = spawn(
      join(postgresBin(), 'postgres'),
      [
        '-D',
        dataDir,
        '-c',
        `listen_addresses=${host}`,
        '-c',
        `port=${port}`,
        '-c',
        `unix_socket_directories=${home}`,
        '-c',
        'max_connections=50',
      ],
      { cwd: home, uid: owner?.uid, gid: owner?.gid, stdio: 'ignore' },
    );
    const child = server;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitUntil(
      `PostgreSQL of ${name} on port ${port} to answer`,
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}`);
        const client = await connect('postgres');
        await client.end();
        return true;
      },
      60_000,
      200,
    );
  };

  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
    await exited;
  };

  await start();
  const setup = await connect('postgres');
  try {
    await setup.query(`CREATE ROLE ${name} LOGIN PASSWORD '${name}'`);
    await setup.query(`CREATE DATABASE ${name} OWNER ${name}`);
  } finally {
    await setup.end();
  }

  return {
    url: postgresUrl({ host, port, database: name, user: name, password: name }),
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
