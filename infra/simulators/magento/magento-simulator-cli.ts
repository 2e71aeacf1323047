/**
 * Run the Magento simulator on its own, e.g. for the demo or a manual session:
 *
 *   tsx infra/simulators/magento/magento-simulator-cli.ts --port 8480 --rate 10 [--orders-per-second 2]
 *
 * Prints one JSON line `{"ready":true,"url":...}` on stdout once listening, and stops cleanly on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { startMagentoSimulator, type MagentoSimulatorOptions } from './magento-simulator.ts';
import { seededRandom } from '../shopping/random-basket.ts';

const usage = `usage: magento-simulator-cli [options]
  --host <host>              listen address (default 127.0.0.1)
  --port <port>              listen port (default 0 = any free port)
  --rate <n>                 token bucket: n requests/s in front of /rest (default: no limit)
  --burst <n>                token bucket capacity (default: --rate)
  --retry-after <s>          fixed Retry-After on 429s (default: time until the next token)
  --token <token>            integration token accepted as Bearer (repeatable; default sim-integration-token)
  --no-bearer-integration    refuse integration tokens as Bearer, as Magento >= 2.4.4 does by default
  --admin <user:password>    admin user for /V1/integration/admin/token (repeatable; default admin:admin123)
  --required <a,b>           attribute codes every product must have (default name)
  --source <code>            MSI source code that exists (repeatable; default default)
  --bulk-delay <ms>          async consumer delay (default 50)
  --currency <code>          the store's currency, what orders are placed in (default EUR)
  --orders-per-second <n>    start the sample shopper: n orders/s over the enabled, priced, in-stock SKUs
                             (default 0: no shopper; POST /__simulator/shopper starts it later)
  --shopper-seed <n>         seed the shopper's choices, to replay the same orders
  --log                      fastify request logging on stderr`;

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`--${name} must be a number >= 0, got "${value}"`);
  return parsed;
}

function options(argv: string[]): MagentoSimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'retry-after': { type: 'string' },
      token: { type: 'string', multiple: true },
      'no-bearer-integration': { type: 'boolean' },
      admin: { type: 'string', multiple: true },
      required: { type: 'string' },
      source: { type: 'string', multiple: true },
      'bulk-delay': { type: 'string' },
      currency: { type: 'string' },
      'orders-per-second': { type: 'string' },
      'shopper-seed': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const result: MagentoSimulatorOptions = {};
  if (values.host !== undefined) result.host = values.host;
  const port = numberOption('port', values.port);
  if (port !== undefined) result.port = port;
  const rate = numberOption('rate', values.rate);
  if (rate !== undefined) {
    const burst = numberOption('burst', values.burst);
    const retryAfterSeconds = numberOption('retry-after', values['retry-after']);
    result.rateLimit = {
      requestsPerSecond: rate,
      ...(burst === undefined ? {} : { burst }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
  if (values.token) result.integrationTokens = values.token;
  if (values['no-bearer-integration']) result.bearerIntegration = false;
  if (values.admin) {
    result.adminUsers = Object.fromEntries(
      values.admin.map((entry) => {
        const colon = entry.indexOf(':');
        if (colon <= 0) throw new Error(`--admin takes user:password, got "${entry}"`);
        return [entry.slice(0, colon), entry.slice(colon + 1)];
      }),
    );
  }
  if (values.required !== undefined) result.requiredAttributes = values.required.split(',').filter(Boolean);
  if (values.source) result.sources = values.source;
  const bulkDelay = numberOption('bulk-delay', values['bulk-delay']);
  if (bulkDelay !== undefined) result.bulkProcessingDelayMs = bulkDelay;
  if (values.currency !== undefined) result.currency = values.currency;
  const ordersPerSecond = numberOption('orders-per-second', values['orders-per-second']);
  const seed = numberOption('shopper-seed', values['shopper-seed']);
  if (ordersPerSecond !== undefined || seed !== undefined)
    result.shopper = {
      ordersPerSecond: ordersPerSecond ?? 0,
      ...(seed === undefined ? {} : { random: seededRandom(seed) }),
    };
  if (values.log) result.logger = true;
  return result;
}

async function main(): Promise<void> {
  let parsed: MagentoSimulatorOptions;
  try {
    parsed = options(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
  const simulator = await startMagentoSimulator(parsed);
  console.log(JSON.stringify({ ready: true, url: simulator.url }));
  const stop = (signal: NodeJS.Signals): void => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`magento simulator: close on ${signal} failed:`, error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
