/**
 * Where every part of the local stack listens, and where it keeps its files.
 *
 * One source of truth for ports, credentials and folders, read by the stack CLI, the ERP seeder,
 * the connector command and the tests. Every port can be overridden by an environment variable
 * so the stack can live beside another Kafka or database on the same machine.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface PortSetting {
  readonly env: string;
  readonly fallback: number;
  readonly what: string;
}

export const portSettings = {
  kafka: { env: 'SYNCLINE_KAFKA_PORT', fallback: 9092, what: 'Kafka broker' },
  kafkaController: { env: 'SYNCLINE_KAFKA_CONTROLLER_PORT', fallback: 9093, what: 'Kafka KRaft controller' },
  kafkaSasl: { env: 'SYNCLINE_KAFKA_SASL_PORT', fallback: 9094, what: 'Kafka broker, SASL_SSL listener' },
  connect: { env: 'SYNCLINE_CONNECT_PORT', fallback: 8083, what: 'Kafka Connect REST API' },
  registry: { env: 'SYNCLINE_REGISTRY_PORT', fallback: 8081, what: 'Schema registry (Apicurio)' },
  erpPostgres: { env: 'SYNCLINE_ERP_PG_PORT', fallback: 5433, what: 'ERP PostgreSQL' },
  erpMariadb: { env: 'SYNCLINE_ERP_MARIADB_PORT', fallback: 3307, what: 'ERP MariaDB' },
  // Kafka's controller has 9093, Alertmanager's own default: Alertmanager moves to 9193.
  prometheus: { env: 'SYNCLINE_PROMETHEUS_PORT', fallback: 9090, what: 'Prometheus' },
  alertmanager: { env: 'SYNCLINE_ALERTMANAGER_PORT', fallback: 9193, what: 'Alertmanager' },
  connectMetrics: {
    env: 'SYNCLINE_CONNECT_METRICS_PORT',
    fallback: 9404,
    what: "Kafka Connect's metrics (Prometheus JMX exporter agent)",
  },
  /** Not the stack's: where Alertmanager sends notifications (the alert test's receiver, the demo's). */
  alertReceiver: {
    env: 'SYNCLINE_ALERT_RECEIVER_PORT',
    fallback: 9199,
    what: "Alertmanager's webhook receiver",
  },
} as const satisfies Record<string, PortSetting>;

export type PortName = keyof typeof portSettings;

export function port(name: PortName, env: NodeJS.ProcessEnv = process.env): number {
  const setting: PortSetting = portSettings[name];
  const raw = env[setting.env];
  if (raw === undefined || raw === '') return setting.fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${setting.env}=${raw} is not a TCP port (expected an integer from 1 to 65535)`);
  }
  return value;
}

/** Loopback only: the local stack is never reachable from another machine. */
export const host = '127.0.0.1';

/** Runtime state (data folders, logs, pid files): inside the clone, git-ignored. */
export const stateDir = process.env.SYNCLINE_STACK_DIR ?? join(repoRoot, '.stack');

/** Downloads, shared by every clone on the machine (Maven's own cache is ~/.m2). */
export const cacheDir = process.env.SYNCLINE_CACHE_DIR ?? join(homedir(), '.cache', 'syncline');

export const kafkaBrokers = (): string[] => [`${host}:${port('kafka')}`];

/**
 * The broker's SASL_SSL listener, always on beside the plaintext one that Connect and the registry
 * use: TLS with a certificate from the stack's own CA (client certificate required), then SCRAM or
 * PLAIN. Files live in the stack's state folder (components/kafka-tls.ts makes them). Not secrets:
 * sample values for a loopback-only dev stack.
 */
export const kafkaSasl = () => {
  const tls = join(stateDir, 'kafka', 'tls');
  return {
    brokers: [`${host}:${port('kafkaSasl')}`],
    caFile: join(tls, 'ca.crt'),
    certFile: join(tls, 'client.crt'),
    keyFile: join(tls, 'client.key'),
    username: 'syncline',
    password: 'syncline-local-scram',
    mechanisms: ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const,
  };
};

export const connectUrl = (): string => `http://${host}:${port('connect')}`;
export const registryUrl = (): string => `http://${host}:${port('registry')}/apis/ccompat/v7`;
export const prometheusUrl = (): string => `http://${host}:${port('prometheus')}`;
export const alertmanagerUrl = (): string => `http://${host}:${port('alertmanager')}`;
export const connectMetricsUrl = (): string => `http://${host}:${port('connectMetrics')}/metrics`;
/** Where Alertmanager delivers: a webhook receiver on the loopback (not started by the stack). */
export const alertReceiverUrl = (): string => `http://${host}:${port('alertReceiver')}/alerts`;

/** Credentials of the local, loopback-only databases. Not secrets: sample values for a dev stack. */
export const erpPostgres = () => ({
  host,
  port: port('erpPostgres'),
  database: 'erp',
  /** The ERP application's own login (owns the erp schema through the erp_owner group). */
  user: 'erp_app',
  password: 'erp_app',
  /** Superuser created by initdb, used only by the stack and tests for setup. */
  adminUser: 'syncline',
  adminPassword: 'syncline',
  /** Debezium's login: REPLICATION, member of erp_owner so it can manage its filtered publication. */
  cdcUser: 'debezium',
  cdcPassword: 'debezium',
});

/**
 * The ops database (sync register index, shared channel budgets, what each channel holds) and the
 * sample B2B portal's database: separate databases on the same local PostgreSQL server, each with
 * its own login, not the ERP database (ARCHITECTURE.md, "Where the other databases live").
 */
export const opsPostgres = () => ({
  host,
  port: port('erpPostgres'),
  database: 'syncline_ops',
  user: 'syncline_ops',
  password: 'syncline_ops',
});

export const portalPostgres = () => ({
  host,
  port: port('erpPostgres'),
  database: 'b2b_portal',
  user: 'portal_app',
  password: 'portal_app',
});

/** A libpq URL for one of the databases above. */
export const postgresUrl = (db: {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}) =>
  `postgresql://${encodeURIComponent(db.user)}:${encodeURIComponent(db.password)}@${db.host}:${db.port}/${db.database}`;

export const erpMariadb = () => ({
  host,
  port: port('erpMariadb'),
  database: 'erp',
  user: 'erp_app',
  password: 'erp_app',
  /** Created by the stack with every privilege (root stays socket-only). */
  adminUser: 'syncline',
  adminPassword: 'syncline',
  cdcUser: 'debezium',
  cdcPassword: 'debezium',
});
