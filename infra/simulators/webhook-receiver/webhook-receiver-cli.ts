/**
 * Runs the webhook receiver on its own, for the demo or a manual try:
 *
 *   SYNCLINE_WEBHOOK_SECRET=... tsx infra/simulators/webhook-receiver/webhook-receiver-cli.ts \
 *     [--port 0] [--host 127.0.0.1] [--reject SKU=reason ...]
 *     [--orders-url URL [--orders-per-second N] [--duplicate-share 0.05] [--shop-domain D]]
 *
 * With `--orders-url` the marketplace also sells: its orders are pushed to that URL as Shopify-style
 * webhooks signed with $SYNCLINE_MARKETPLACE_ORDERS_SECRET, `--orders-per-second` of them over the
 * offers it holds (0 = only when asked through POST /__simulator/orders).
 *
 * Prints one JSON line `{"ready":true,"url":...}` when it listens (a parent process waits for it),
 * and stops cleanly on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { startWebhookReceiver, type WebhookReceiverOptions } from './webhook-receiver.ts';

const secretEnv = 'SYNCLINE_WEBHOOK_SECRET';
const ordersSecretEnv = 'SYNCLINE_MARKETPLACE_ORDERS_SECRET';

function fail(message: string): never {
  console.error(`webhook-receiver: ${message}`);
  process.exit(2);
}

let values: {
  port?: string;
  host?: string;
  reject?: string[];
  'orders-url'?: string;
  'orders-per-second'?: string;
  'duplicate-share'?: string;
  'shop-domain'?: string;
};
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      reject: { type: 'string', multiple: true, default: [] },
      'orders-url': { type: 'string' },
      'orders-per-second': { type: 'string', default: '0' },
      'duplicate-share': { type: 'string', default: '0' },
      'shop-domain': { type: 'string' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${values.port}: expected 0 to 65535`);
const secret = process.env[secretEnv];
if (secret === undefined || secret === '')
  fail(`set ${secretEnv} to the secret shared with the webhook adapter`);
const rejectKeys: Record<string, string> = {};
for (const entry of values.reject ?? []) {
  const at = entry.indexOf('=');
  if (at <= 0) fail(`--reject ${entry}: expected KEY=reason`);
  rejectKeys[entry.slice(0, at)] = entry.slice(at + 1);
}

function ordersOption(): WebhookReceiverOptions['orders'] {
  const url = values['orders-url'];
  if (url === undefined) return undefined;
  const ordersSecret = process.env[ordersSecretEnv];
  if (ordersSecret === undefined || ordersSecret === '')
    fail(`set ${ordersSecretEnv} to the secret syncline's order intake verifies`);
  const ordersPerSecond = Number(values['orders-per-second']);
  if (!(ordersPerSecond >= 0))
    fail(`--orders-per-second ${values['orders-per-second']}: expected a number >= 0`);
  const duplicateShare = Number(values['duplicate-share']);
  if (!(duplicateShare >= 0 && duplicateShare <= 1))
    fail(`--duplicate-share ${values['duplicate-share']}: expected 0 to 1`);
  const shopDomain = values['shop-domain'];
  return {
    url,
    secret: ordersSecret,
    ordersPerSecond,
    duplicateShare,
    ...(shopDomain === undefined ? {} : { shopDomain }),
  };
}

const orders = ordersOption();
const receiver = await startWebhookReceiver({
  secret,
  host: values.host,
  port,
  rejectKeys,
  ...(orders === undefined ? {} : { orders }),
}).catch((error: Error) => fail(`could not listen on ${values.host}:${port}: ${error.message}`));
console.log(JSON.stringify({ ready: true, url: receiver.url }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    receiver.close().then(
      () => process.exit(0),
      (error: Error) => fail(`stopping: ${error.message}`),
    );
  });
}
