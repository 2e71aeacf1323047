/**
 * `syncline <role> --config <file>`: runs one role of the pipeline until SIGTERM or SIGINT, when
 * it commits what it holds and leaves its consumer group cleanly.
 *
 *   npm run syncline -- ingest --config infra/local/syncline.yaml
 *   npm run syncline -- offers --config infra/local/syncline.yaml [--metrics-port 0]
 *   npm run syncline -- sink --config infra/local/syncline.yaml [--channel webshop ...]
 *   npm run syncline -- register-index --config infra/local/syncline.yaml
 *   npm run syncline -- admin --config infra/local/syncline.yaml   (the Admin API, docs/console.md)
 *   npm run syncline -- sink --config syncline.yaml --channel webshop --check
 *   npm run syncline -- topology [--config infra/local/syncline.yaml]
 *
 * `--check` validates the config (and the role's arguments) and exits without connecting to
 * anything: for CI, and for a deployment to try its rendered config.
 *
 * `topology` prints the graph of topics, processors and sinks from their declarations and exits;
 * with a config, each node's topics are that config's concrete names. It needs no broker.
 *
 * Exit codes: 0 stopped on request, 2 bad command line or config (the message names the problem),
 * 1 anything else.
 */
import { parseArgs } from 'node:util';
import { loadSynclineConfig, roleNames, type RoleName } from './config/syncline-config.ts';
import { runRole } from './roles/run-role.ts';
import { SynclineError } from './runtime/errors.ts';
import { createLogger } from './runtime/logger.ts';
import { printTopology } from './topology/print-topology.ts';
import { topologyNodes } from './topology/topology-nodes.ts';

const usage = `usage: syncline <${roleNames.join('|')}> --config <file.yaml> [--metrics-port N] [--channel ID ...] [--check]
       syncline topology [--config <file.yaml>]`;

function fail(message: string, code = 2): never {
  process.stderr.write(`syncline: ${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'metrics-port': { type: 'string' },
      channel: { type: 'string', multiple: true },
      help: { type: 'boolean' },
      check: { type: 'boolean' },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (positionals[0] === 'topology' && positionals.length === 1) {
  let topologyConfig;
  try {
    topologyConfig = values.config === undefined ? undefined : loadSynclineConfig(values.config);
  } catch (error) {
    if (error instanceof SynclineError) fail(error.message);
    throw error;
  }
  process.stdout.write(printTopology(topologyNodes, topologyConfig));
  process.exit(0);
}
const role = positionals[0] as RoleName | undefined;
if (role === undefined || !roleNames.includes(role) || positionals.length > 1) {
  fail(
    `expected one role, one of ${roleNames.join(', ')}, or topology; got ${positionals.join(' ') || 'none'}\n${usage}`,
  );
}
if (values.config === undefined) fail(`--config is required\n${usage}`);
if (values.channel !== undefined && role !== 'sink')
  fail(`--channel applies to the sink role only\n${usage}`);
const metricsPort = values['metrics-port'] === undefined ? undefined : Number(values['metrics-port']);
if (
  metricsPort !== undefined &&
  !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65535)
) {
  fail(`--metrics-port must be an integer from 0 to 65535, got ${values['metrics-port']}`);
}

// A harness that runs roles as child processes (the demo, the tests, the bench) sets this, so a
// role never outlives it: a harness killed hard would otherwise leave the role in its groups.
if (process.env.SYNCLINE_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1000).unref();
}

const logger = createLogger({ name: `syncline-${role}` });
let config;
try {
  config = loadSynclineConfig(values.config);
} catch (error) {
  if (error instanceof SynclineError) fail(error.message);
  throw error;
}

if (values.check) {
  const delivered = new Set(config.channels.filter((c) => c.sink !== undefined).map((c) => c.id));
  const unknown = (values.channel ?? []).filter((id) => !delivered.has(id));
  if (unknown.length > 0)
    fail(`--channel ${unknown.join(', ')}: no channel with a sink has that id in ${values.config}`);
  process.stdout.write(`syncline: ${values.config} is a valid config for the ${role} role\n`);
  process.exit(0);
}

try {
  const running = await runRole({ config, role, logger, metricsPort, channels: values.channel });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  logger.error({ err: error }, 'could not start');
  fail(
    error instanceof SynclineError ? error.message : (error as Error).message,
    error instanceof SynclineError && !error.retriable ? 2 : 1,
  );
}
