/**
 * The webhook receiver simulator as a sender other than the adapter sees it: raw HTTP, its
 * refusals, its idempotency rules, and its command-line entry.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../infra/simulators/webhook-receiver/webhook-receiver.ts';
import { repoRoot } from '../../infra/local/stack-config.ts';
import { signWebhookBody } from '../../streams/sinks/adapters/webhook/index.ts';

const secret = 'receiver-test-secret';
const now = () => Math.floor(Date.now() / 1000);

function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const signed = (body: string, at = now()) => ({ 'x-syncline-signature': signWebhookBody(secret, at, body) });

describe('webhook receiver', () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver({ secret });
  });
  after(() => receiver.close());

  it('answers 401 with a JSON error to a missing or expired signature', async () => {
    const body = '{"channel":"c","deliveries":[]}';
    const missing = await post(receiver.url, body, {});
    assert.equal(missing.status, 401);
    assert.match(((await missing.json()) as { error: string }).error, /signature header is missing/);
    const expired = await post(receiver.url, body, signed(body, now() - 3600));
    assert.equal(expired.status, 401);
    assert.match(((await expired.json()) as { error: string }).error, /more than the 300 s tolerated/);
  });

  it('answers 400 to a body that is not a webhook payload', async () => {
    const body = '{"channel":"c","deliveries":[{"key":""}]}';
    const response = await post(receiver.url, body, signed(body));
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /deliveries\[0\]\.key/);
  });

  it('answers 422 to an Idempotency-Key reused with another body', async () => {
    const first =
      '{"channel":"c","deliveries":[{"key":"K1","contentHash":"h","revision":"0:1","offer":null}]}';
    const second =
      '{"channel":"c","deliveries":[{"key":"K2","contentHash":"h","revision":"0:1","offer":null}]}';
    assert.equal(
      (await post(receiver.url, first, { ...signed(first), 'idempotency-key': 'k-1' })).status,
      200,
    );
    const reused = await post(receiver.url, second, { ...signed(second), 'idempotency-key': 'k-1' });
    assert.equal(reused.status, 422);
  });

  it('shows what it holds on GET /offers', async () => {
    const body = JSON.stringify({
      channel: 'c',
      deliveries: [{ key: 'K3', contentHash: 'h3', revision: '0:3', offer: { sku: 'K3' } }],
    });
    assert.equal((await post(receiver.url, body, signed(body))).status, 200);
    const held = (await (await fetch(receiver.url.replace('/webhook', '/offers'))).json()) as Record<
      string,
      { contentHash: string }
    >;
    assert.equal(held.K3?.contentHash, 'h3');
  });
});

describe('webhook receiver CLI', () => {
  it('prints its URL when ready, serves, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/simulators/webhook-receiver/webhook-receiver-cli.ts', '--port', '0'],
      {
        cwd: repoRoot,
        env: { ...process.env, SYNCLINE_WEBHOOK_SECRET: secret },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const ready = JSON.parse(line) as { ready: boolean; url: string };
      assert.equal(ready.ready, true);
      const body = '{"channel":"c","deliveries":[]}';
      assert.equal((await post(ready.url, body, signed(body))).status, 200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start without its secret', async () => {
    const env = { ...process.env };
    delete env.SYNCLINE_WEBHOOK_SECRET;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/simulators/webhook-receiver/webhook-receiver-cli.ts'],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(stderr, /set SYNCLINE_WEBHOOK_SECRET/);
  });
});
