/**
 * A channel's answer is read up to a size limit: a channel (or a proxy in front of it) that
 * answers an enormous body must cost the sink a clear error, not its memory. Against a real
 * node:http server that streams the body, so the test sees how much of it was read.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ChannelCallError } from '../../streams/sinks/channel-adapter.ts';
import { channelHttp } from '../../streams/sinks/channel-http.ts';
import { unlimitedBudget } from '../../streams/sinks/ops/rate-budget.ts';

const chunk = Buffer.alloc(64 * 1024, 'x');
const hugeBytes = 256 * 1024 * 1024;
const limit = 1024 * 1024;

let server: Server;
let base: string;
/** Bytes the server managed to write of the last huge body before the client went away. */
let written = 0;

before(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/small') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items: ['ok'] }));
      return;
    }
    // A body streamed chunk by chunk, chunked or with its length announced, never held whole.
    written = 0;
    response.writeHead(200, url === '/huge-announced' ? { 'content-length': String(hugeBytes) } : {});
    const pump = () => {
      while (written < hugeBytes) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.on('close', () => response.removeAllListeners('drain'));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const http = channelHttp({ budget: unlimitedBudget, timeoutMs: 60_000, maxResponseBytes: limit });

describe('channelHttp: response size', () => {
  it('reads a body under the limit as before', async () => {
    const response = await http.request({ method: 'GET', url: `${base}/small`, items: 1 });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { items: ['ok'] });
  });

  for (const path of ['/huge-chunked', '/huge-announced']) {
    it(`stops reading a body over the limit and says so, naming the limit (${path})`, async () => {
      const error = await http.request({ method: 'POST', url: `${base}${path}`, items: 3, body: {} }).then(
        () => assert.fail('a 256 MiB answer must not be read'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ChannelCallError, String(error));
      assert.match(error.message, /1,048,576 bytes/);
      assert.match(error.message, new RegExp(`POST ${base}${path}`));
      assert.equal(error.details.code, 'RESPONSE_TOO_LARGE');
      assert.equal(error.details.status, 200);
      assert.ok(written < hugeBytes / 4, `the server wrote ${written} bytes: the body was read on`);
    });
  }
});
