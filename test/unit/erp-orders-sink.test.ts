/**
 * The ERP order sink's batch handler with the writer at its seam (the real writer is proven on
 * both databases in test/integration/erp-order-writer.test.ts and the role in
 * test/integration/orders-flow.test.ts): one outcome per command in the register, refusals in the
 * dead letters, commands of one order in their order, a write that may pass later retried, and a
 * batch given up when the consumer stops. Also the lookup route, through `inject()`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { orderLookupRoutes } from '../../streams/admin/order-lookup-routes.ts';
import { erpOrderKey, type ErpOrderCommand } from '../../streams/contracts/orders/index.ts';
import type { RegisterEntry } from '../../streams/contracts/register-entry.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import type { BatchContext, ConsumedRecord } from '../../streams/runtime/sink/batch-consumer.ts';
import type { OutgoingRecord } from '../../streams/runtime/sink/record-writer.ts';
import {
  refused,
  unchanged,
  written,
  type ErpOrderWrite,
} from '../../streams/sinks/erp-orders/erp-order-write.ts';
import { erpOrderBatchHandler } from '../../streams/sinks/erp-orders/erp-order-sink.ts';
import { orderCommand } from '../helpers/order-commands.ts';

let offset = 0;
const consumed = (command: ErpOrderCommand | undefined, decodeError?: string): ConsumedRecord => ({
  topic: 'erp.order.command.v1',
  partition: 0,
  offset: String(++offset),
  key: command ? erpOrderKey(command.channel, command.channelOrderId) : 'webshop\u001f9',
  value: command,
  raw: Buffer.from('bytes'),
  headers: {},
  ...(decodeError === undefined ? {} : { decodeError }),
});

function context(signal = new AbortController().signal): BatchContext {
  return {
    heartbeat: () => Promise.resolve(),
    signal,
    stillAssigned: () => Promise.resolve(true),
    partitionEnd: 0n,
  };
}

function harness(write: (command: ErpOrderCommand) => ErpOrderWrite | Promise<ErpOrderWrite>) {
  const out: OutgoingRecord[] = [];
  const sleeps: number[] = [];
  const handler = erpOrderBatchHandler({
    writer: { write: async (command) => await write(command), close: () => Promise.resolve() },
    records: {
      write: (records) => {
        out.push(...records);
        return Promise.resolve();
      },
    },
    logger: pino({ level: 'silent' }),
    parallel: 4,
    now: () => 1_000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return {
    handler,
    out,
    sleeps,
    entries: () => out.filter((r) => r.topic === 'sync.register.v1').map((r) => r.value as RegisterEntry),
  };
}

describe('the ERP order sink', () => {
  it('records WRITTEN with the ERP order id, UNCHANGED for a command seen again, PARKED with a dead letter for a refusal', async () => {
    const a = orderCommand({ channelOrderId: 'A' });
    const b = orderCommand({ channelOrderId: 'B' });
    const c = orderCommand({ channelOrderId: 'C' });
    const answers: Record<string, ErpOrderWrite> = {
      A: written(a, 'placed', '17'),
      B: unchanged(b, 'same-command', '18'),
      C: refused(c, 'PICKED_UP', '19', 'the ERP picked the order up; the amendment comes too late'),
    };
    const { handler, out, entries } = harness((command) => answers[command.channelOrderId]!);
    assert.equal(await handler([consumed(a), consumed(b), consumed(c)], context()), true);
    assert.deepEqual(
      entries().map((e) => [e.key, e.status, e.erpOrderId, e.errorCode]),
      [
        ['A', 'WRITTEN', '17', null],
        ['B', 'UNCHANGED', '18', null],
        ['C', 'PARKED', '19', 'PICKED_UP'],
      ],
    );
    assert.equal(entries()[0]!.sentence, 'order A from webshop: placed in the ERP as order 17');
    const letters = out.filter((r) => r.topic === 'syncline.orders.dlq.v1');
    assert.deepEqual(
      letters.map((r) => [r.key, (r.value as { code: string }).code]),
      [[erpOrderKey('webshop', 'C'), 'PICKED_UP']],
    );
  });

  it('writes the commands of one order in their order, while other orders go alongside', async () => {
    const seen: string[] = [];
    const { handler } = harness(async (command) => {
      seen.push(`${command.channelOrderId}:${command.kind}`);
      await new Promise((resolve) => setTimeout(resolve, command.kind === 'place' ? 20 : 1));
      return written(command, 'placed', '1');
    });
    const place = orderCommand({ channelOrderId: 'A' });
    await handler(
      [
        consumed(place),
        consumed(orderCommand({ channelOrderId: 'B' })),
        consumed({ ...place, kind: 'cancel' }),
      ],
      context(),
    );
    assert.ok(seen.indexOf('A:place') < seen.indexOf('A:cancel'), seen.join(' '));
    assert.ok(seen.indexOf('B:place') < seen.indexOf('A:cancel'), 'B did not wait for A');
  });

  it('tries a write that may pass later again, with growing pauses, until it passes', async () => {
    let calls = 0;
    const { handler, entries, sleeps } = harness((command) => {
      calls += 1;
      if (calls < 3) throw new SynclineError('ERP_ORDER_WRITE', 'the PostgreSQL ERP is not reachable', true);
      return written(command, 'placed', '5');
    });
    assert.equal(await handler([consumed(orderCommand())], context()), true);
    assert.equal(calls, 3);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[1]! >= sleeps[0]! / 2);
    assert.deepEqual(
      entries().map((e) => e.status),
      ['WRITTEN'],
    );
  });

  it('gives the batch up, recording nothing, when the consumer stops during the retries', async () => {
    const stopping = new AbortController();
    const { handler, out } = harness(() => {
      stopping.abort();
      throw new SynclineError('ERP_ORDER_WRITE', 'away', true);
    });
    assert.equal(await handler([consumed(orderCommand())], context(stopping.signal)), false);
    assert.deepEqual(out, []);
  });

  it('parks a command that cannot be read, writing nothing to the ERP', async () => {
    let calls = 0;
    const { handler, out } = harness(() => {
      calls += 1;
      return written(orderCommand(), 'placed', '1');
    });
    await handler([consumed(undefined, 'unknown magic byte')], context());
    assert.equal(calls, 0);
    assert.deepEqual(
      out.map((r) => r.topic),
      ['syncline.orders.dlq.v1', 'sync.register.v1'],
    );
  });
});

describe('the order lookup route', () => {
  it('answers the ERP order id once the ERP holds the order, 404 before, 503 when the ERP cannot be asked', async () => {
    const app = Fastify();
    let down = false;
    orderLookupRoutes(app, {
      find: (channel, id) => {
        if (down) return Promise.reject(new Error('connect ECONNREFUSED'));
        return Promise.resolve(
          id === '7'
            ? { channel, channelOrderId: id, erpOrderId: '42', status: 'new', channelVersion: 'v' }
            : null,
        );
      },
    });
    const found = await app.inject({ url: '/orders/webshop/7' });
    assert.equal(found.statusCode, 200);
    assert.equal(found.json<{ erpOrderId: string }>().erpOrderId, '42');
    const missing = await app.inject({ url: '/orders/webshop/8' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ code: string }>().code, 'ORDER_NOT_IN_ERP');
    down = true;
    const away = await app.inject({ url: '/orders/webshop/7' });
    assert.equal(away.statusCode, 503);
    assert.equal(away.json<{ code: string }>().code, 'ERP_UNAVAILABLE');
    await app.close();
  });
});
