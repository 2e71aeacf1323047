/**
 * Runs the webhook receiver on its own, for the demo or a manual try:
 *
 *   SYNCLINE_WEBHOOK_SECRET=... tsx infra/simulators/webhook-receiver/webhook-receiver-cli.ts \
 *     [--port 0] [--host 127.0.0.1] [--reject SKU=reason ...]
 *
 * Prints one JSON line `{"ready":true,"url":...}` when it listens (a parent process waits for it),
 * and stops cleanly on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { startWebhookReceiver } from './webhook-receiver.ts';

const secretEnv = 'SYNCLINE_WEBHOOK_SECRET';

function fail(message: string): never {
  console.error(`webhook-receiver: ${message}`);
  process.exit(2);
}

let values: { port?: string; host?: string; reject?: string[] };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      reject: { type: 'string', multiple: true, default: [] },
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

const receiver = await startWebhookReceiver({ secret, host: values.host, port, rejectKeys }).catch(
  (error: Error) => fail(`could not listen on ${values.host}:${port}: ${error.message}`),
);
console.log(JSON.stringify({ ready: true, url: receiver.url }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    receiver.close().then(
      () => process.exit(0),
      (error: Error) => fail(`stopping: ${error.message}`),
    );
  });
}
