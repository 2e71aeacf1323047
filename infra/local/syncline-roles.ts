/**
 * Runs `syncline <role> --config <file>` as a child process on the local stack, as a user would:
 * shared by the demo, the benchmark and the tests, so all three start, watch and stop the roles
 * the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import type { RoleName } from '../../streams/config/syncline-config.ts';
import { removeScrapeTarget, writeScrapeTarget } from './monitoring/scrape-targets.ts';
import { StackError } from './stack-error.ts';
import {
  connectUrl,
  erpPostgres,
  kafkaBrokers,
  opsPostgres,
  portalPostgres,
  postgresUrl,
  registryUrl,
  repoRoot,
} from './stack-config.ts';

/** Where the demo runs the channel simulators (the tests start their own on free ports). */
export const simulatorPorts = { magento: 8480, webhook: 8490 } as const;
export const localWebhookSecret = 'local-webhook-secret';
export const localMagentoToken = 'sim-integration-token';

/** The sample config of the local stack (three channels); its addresses come from `stackEnv()`. */
export const sampleConfigFile = join(repoRoot, 'infra', 'local', 'syncline.yaml');

/** The environment the sample config reads its addresses and channel credentials from. */
export const stackEnv = (): Record<string, string> => ({
  SYNCLINE_KAFKA_BROKERS: kafkaBrokers().join(','),
  SYNCLINE_SCHEMA_REGISTRY_URL: registryUrl(),
  SYNCLINE_OPS_DATABASE_URL: postgresUrl(opsPostgres()),
  SYNCLINE_CONNECT_URL: connectUrl(),
  // The CDC watchdog logs in as Debezium's own user: it may end only that user's connections.
  SYNCLINE_CDC_PG_URL: postgresUrl({
    ...erpPostgres(),
    user: erpPostgres().cdcUser,
    password: erpPostgres().cdcPassword,
  }),
  SYNCLINE_PORTAL_DATABASE_URL: postgresUrl(portalPostgres()),
  // The ERP order sink writes the interchange tables as the ERP's application user.
  SYNCLINE_ERP_ORDERS_URL: postgresUrl(erpPostgres()),
  SYNCLINE_MAGENTO_URL: `http://127.0.0.1:${simulatorPorts.magento}`,
  SYNCLINE_MAGENTO_TOKEN: localMagentoToken,
  SYNCLINE_WEBHOOK_URL: `http://127.0.0.1:${simulatorPorts.webhook}/webhook`,
  SYNCLINE_WEBHOOK_SECRET: localWebhookSecret,
});

/**
 * Writes to `file` the sample config with `processing` settings replaced (a state folder of its
 * own, exactly-once off, ...) and any free metrics ports, so several copies run side by side.
 */
export function writeSampleConfigVariant(
  file: string,
  processing: Record<string, unknown>,
  sinks: Record<string, Record<string, unknown>> = {},
): string {
  const config = parse(readFileSync(sampleConfigFile, 'utf8')) as Record<string, Record<string, unknown>> & {
    channels: { id: string; sink?: Record<string, unknown> }[];
  };
  config.processing = { ...config.processing, ...processing };
  config.metrics = {
    host: '127.0.0.1',
    ports: { ingest: 0, offers: 0, sink: 0, 'register-index': 0, orders: 0, 'erp-orders': 0, admin: 0 },
  };
  // The order lookup on any free port too.
  if (config.orders) config.orders = { ...config.orders, lookup: { port: 0 } };
  // Per channel id: keys of its `sink:` section replaced (e.g. a rate limit of the test's own).
  for (const channel of config.channels) {
    const changes = sinks[channel.id];
    if (changes && channel.sink) channel.sink = { ...channel.sink, ...changes };
  }
  writeFileSync(file, stringify(config));
  return file;
}

export interface RoleProcess {
  readonly process: ChildProcess;
  /** What the role printed (its JSON log lines), the last megabyte of it. */
  output(): string;
  /** Its Prometheus endpoint, from its `running` line (kept: the output keeps only its tail). */
  readonly metricsUrl: string | undefined;
  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the clean exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export interface StartRoleOptions {
  /** Node options before the entry point, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Extra arguments after the config, e.g. `--channel webshop`. */
  readonly args?: readonly string[];
  /** Environment on top of stackEnv(), e.g. a simulator's address on a free port. */
  readonly env?: Readonly<Record<string, string>>;
  /** Every chunk the role prints, e.g. to append it to a log file. */
  readonly onOutput?: (chunk: Buffer) => void;
  readonly timeoutMs?: number;
}

const keptOutput = 1_000_000;

/** Starts a role and resolves once it has joined its group (its `running` log line). */
export async function startRole(
  role: RoleName,
  configFile: string,
  options: StartRoleOptions = {},
): Promise<RoleProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      'streams/cli.ts',
      role,
      '--config',
      configFile,
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...stackEnv(),
        SYNCLINE_LOG_LEVEL: process.env.SYNCLINE_LOG_LEVEL ?? 'info',
        // The role exits when this process is gone, however it ended (streams/cli.ts).
        SYNCLINE_EXIT_WITH_PARENT: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      options.onOutput?.(chunk);
      output += chunk.toString();
      if (output.length > 2 * keptOutput) output = output.slice(-keptOutput);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const running: Omit<RoleProcess, 'metricsUrl'> = {
    process: child,
    output: () => output,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!output.includes('"msg":"running"')) {
    if (!alive() || Date.now() > deadline) {
      await running.kill();
      const tail = output.trim().split('\n').slice(-5).join('\n');
      throw new StackError(
        'START_FAILED',
        `syncline ${role} did not start; the last lines it printed:\n${tail}`,
      );
    }
    await sleep(100);
  }
  const line = output.split('\n').find((l) => l.includes('"msg":"running"')) ?? '';
  const metricsUrl = /"metrics":"(http[^"]+)"/.exec(line)?.[1];
  // Scraped by the stack's Prometheus while it runs, whoever started it (demo, test, benchmark).
  if (metricsUrl !== undefined && child.pid !== undefined) {
    const target = writeScrapeTarget(role, metricsUrl, child.pid);
    void exited.then(() => removeScrapeTarget(target));
  }
  return { ...running, metricsUrl };
}
