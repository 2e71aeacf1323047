/**
 * A channel call in flight is aborted when its batch is let go (the sink stops, or the consumer
 * learns that its partition went to another member): the request's connection is closed at once,
 * instead of the sink waiting for an answer it may no longer record. Against a real node:http
 * server that never answers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { channelHttp } from '../../streams/sinks/channel-http.ts';
import { unlimitedBudget } from '../../streams/sinks/ops/rate-budget.ts';

let server: Server;
let base: string;
/** Resolves when the server has the request. */
let received: Promise<void>;
/** Resolves when the server sees the client close the held request's connection. */
let closedByClient: Promise<void>;

before(async () => {
  let got = () => {};
  let closed = () => {};
  received = new Promise((resolve) => (got = resolve));
  closedByClient = new Promise((resolve) => (closed = resolve));
  // A channel that takes the request and never answers.
  server = createServer((request) => {
    request.socket.once('close', closed);
    got();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('channelHttp: abandoned calls', () => {
  it('aborts a request in flight when its signal is aborted, closing the connection', async () => {
    const batch = new AbortController();
    const http = channelHttp({ budget: unlimitedBudget, timeoutMs: 60_000, signal: batch.signal });
    const call = http.request({ method: 'POST', url: `${base}/items`, items: 1, body: {} });
    const outcome = call.then(
      () => 'answered',
      () => 'failed',
    );
    await received;
    const abortedAt = performance.now();
    batch.abort();
    assert.equal(await outcome, 'failed');
    const ms = performance.now() - abortedAt;
    assert.ok(ms < 5_000, `the call ended ${Math.round(ms)} ms after the abort, not at its timeout`);
    await closedByClient;
  });
});
