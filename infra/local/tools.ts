/**
 * The programs the stack runs on, found on this machine or refused with a sentence saying how to
 * install them (`bash infra/local/install-prerequisites.sh` installs them all on Debian/Ubuntu).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './stack-error.ts';

const install = 'run `bash infra/local/install-prerequisites.sh` (Debian/Ubuntu, as root or with sudo)';

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Java 17 or newer: Kafka 3.9, Connect, Debezium 3.2 and Apicurio 3.0 all run on 17. */
export function java(): string {
  const candidates = [
    process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined,
    onPath('java'),
  ];
  for (const candidate of candidates) {
    if (candidate === undefined || !existsSync(candidate)) continue;
    const version = javaMajor(candidate);
    if (version !== undefined && version >= 17) return candidate;
    if (version !== undefined) {
      throw new StackError(
        'MISSING_TOOL',
        `Java ${version} was found at ${candidate}, but the stack needs Java 17 or newer: ${install}, or set JAVA_HOME.`,
      );
    }
  }
  throw new StackError(
    'MISSING_TOOL',
    `Java was not found: the stack runs Kafka, Connect and the registry on Java 17+; ${install}.`,
  );
}

function javaMajor(javaPath: string): number | undefined {
  // `java -version` prints to stderr.
  const result = spawnSync(javaPath, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

export function maven(): string {
  const found = onPath('mvn');
  if (!found)
    throw new StackError(
      'MISSING_TOOL',
      `Maven (mvn) was not found: the stack fetches Kafka and Debezium from Maven Central with it; ${install}.`,
    );
  return found;
}

/** Debian's prometheus and prometheus-alertmanager packages. */
export function prometheusServer(): { prometheus: string; alertmanager: string } {
  const prometheus = onPath('prometheus');
  const alertmanager = onPath('prometheus-alertmanager') ?? onPath('alertmanager');
  if (!prometheus || !alertmanager) {
    throw new StackError(
      'MISSING_TOOL',
      `Prometheus and Alertmanager were not found: the stack's monitoring needs them; ${install}.`,
    );
  }
  return { prometheus, alertmanager };
}

export function tar(): string {
  const found = onPath('tar');
  if (!found) throw new StackError('MISSING_TOOL', `tar was not found; ${install}.`);
  return found;
}

/** The PostgreSQL server binaries (initdb, postgres), newest installed major version first. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest !== undefined) return join(root, newest, 'bin');
  const initdb = onPath('initdb');
  if (initdb) return initdb.replace(/\/initdb$/, '');
  throw new StackError(
    'MISSING_TOOL',
    `The PostgreSQL server (initdb, postgres) was not found: the ERP database needs it; ${install}.`,
  );
}

export function mariadbServer(): { server: string; installDb: string } {
  const server = onPath('mariadbd') ?? (existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : undefined);
  const installDb =
    onPath('mariadb-install-db') ??
    (existsSync('/usr/bin/mariadb-install-db') ? '/usr/bin/mariadb-install-db' : undefined);
  if (!server || !installDb) {
    throw new StackError(
      'MISSING_TOOL',
      `The MariaDB server (mariadbd, mariadb-install-db) was not found: the ERP MariaDB needs it; ${install}.`,
    );
  }
  return { server, installDb };
}

/** The uid/gid a database server runs as when the stack is started by root. */
export function serviceAccount(user: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new StackError(
      'MISSING_TOOL',
      `The stack runs as root, and the databases refuse to: it needs the system user "${user}" that Debian's server package creates; ${install}.`,
    );
  }
}
