/**
 * `npm run bench:orders`: orders/s from channel.<id>.order.v1 to the ERP's rows, exactly once,
 * and the latency from each order's time to its ERP row, p50/p99 (the target: at least
 * 200 orders/s sustained on this machine, p99 under 1 s).
 *
 * Runs on the development stack (started with `up()` when it is not running): a scratch PostgreSQL
 * ERP of its own (the tiny sample), the catalog of 20 SKUs produced as ingest writes it, and the
 * `orders` and `erp-orders` roles as child processes on the sample config. Orders of 1 to 4 lines
 * are produced as the intake writes them at `--rate` orders/s (0: all at once, a backlog), each
 * stamped with the time it was produced as its order time. Measured: from the first order
 * produced to the last ERP row, orders per second; per order, the ERP row's `created_at` (the
 * start of the writer's transaction) minus its order time.
 *
 *   npm run bench:orders -- [--orders 5000] [--rate 250] [--orders-instances 1]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { seedErp } from '../infra/local/erp/seed.ts';
import { status, up } from '../infra/local/stack.ts';
import { startRole, writeSampleConfigVariant, type RoleProcess } from '../infra/local/syncline-roles.ts';
import type { ChannelOrder } from '../streams/contracts/orders/index.ts';
import { channelOrder, orderLine } from '../test/helpers/channel-orders.ts';
import {
  addErpProducts,
  orderSkus,
  ordersConfigFile,
  OrderFlowProducer,
} from '../test/helpers/order-flow.ts';
import { testKafka } from '../test/helpers/read-topic.ts';
import { createScratchErp } from '../test/helpers/scratch-erp.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '250' },
    'orders-instances': { type: 'string', default: '1' },
  },
});
const total = Number(values.orders);
const rate = Number(values.rate);
const processorInstances = Number(values['orders-instances']);
if (!(total > 0) || !(rate >= 0) || !(processorInstances >= 1)) throw new Error('bad arguments');

if ((await status()).some((part) => part.problem !== undefined)) await up();
const run = `B${randomBytes(3).toString('hex')}`;
const skus = orderSkus(run, 20);
const dir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
const erp = await createScratchErp('bench_orders');
const roles: RoleProcess[] = [];
const kafka = testKafka('bench-orders');
const producer = await OrderFlowProducer.open(kafka);

function order(n: number, atMs: number): ChannelOrder {
  const lines = Array.from({ length: 1 + (n % 4) }, (_, i) =>
    orderLine(i + 1, skus[(n * 7 + i) % skus.length]!, 1 + ((n + i) % 5), '10.00'),
  );
  return channelOrder({
    channelOrderId: `${run}-${n}`,
    channelOrderNumber: String(n),
    placedAtMs: atMs,
    version: { updatedAt: new Date(atMs).toISOString(), updatedAtMs: atMs, sequence: 0 },
    lines,
  });
}

async function rowsWritten(prefix: string): Promise<number> {
  const [row] = await erp.query<{ n: string }>(
    'postgres',
    'SELECT COUNT(*) AS n FROM sales_order WHERE channel_order_id LIKE ?',
    [`${prefix}%`],
  );
  return Number(row!.n);
}

try {
  await seedErp({ target: 'postgres', size: 'tiny', databases: erp.databases });
  await addErpProducts(erp, ['postgres'], skus);
  await producer.catalogOf(skus, ['WH-MAIN', 'WH-3PL']);
  const erpSection = { database: 'postgres', url: erp.urls.postgres, schema: 'erp', poolSize: 8 };
  const configOf = (name: string) =>
    ordersConfigFile(
      writeSampleConfigVariant(join(dir, `base-${name}.yaml`), { stateDir: join(dir, `state-${name}`) }),
      erpSection,
      join(dir, `${name}.yaml`),
    );
  for (let i = 0; i < processorInstances; i++) roles.push(await startRole('orders', configOf(`orders-${i}`)));
  roles.push(await startRole('erp-orders', configOf('sink')));

  // Warm-up: the roles' first transactions, schema lookups and connections.
  await producer.send(Array.from({ length: 20 }, (_, n) => order(1_000_000 + n, Date.now())));
  while ((await rowsWritten(`${run}-10000`)) < 20) await sleep(200);

  const placed = new Map<string, number>();
  const started = Date.now();
  const chunk = rate === 0 ? 500 : Math.max(1, Math.round(rate / 10));
  for (let n = 0; n < total; n += chunk) {
    const now = Date.now();
    const orders = Array.from({ length: Math.min(chunk, total - n) }, (_, i) => order(n + i, now));
    for (const o of orders) placed.set(o.channelOrderId, now);
    await producer.send(orders);
    if (rate > 0) {
      const due = started + ((n + chunk) / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  }
  const produced = Date.now();
  const deadline = produced + 600_000;
  let written = 0;
  while ((written = (await rowsWritten(`${run}-`)) - 20) < total && Date.now() < deadline) await sleep(500);

  const rows = await erp.query<{ channel_order_id: string; created_ms: string }>(
    'postgres',
    `SELECT channel_order_id, (EXTRACT(EPOCH FROM created_at) * 1000)::bigint AS created_ms
       FROM sales_order WHERE channel_order_id LIKE ?`,
    [`${run}-%`],
  );
  const latencies: number[] = [];
  let last = 0;
  for (const row of rows) {
    const at = placed.get(row.channel_order_id);
    if (at === undefined) continue;
    const created = Number(row.created_ms);
    latencies.push(created - at);
    last = Math.max(last, created);
  }
  latencies.sort((a, b) => a - b);
  const seconds = (last - started) / 1000;
  console.log(
    JSON.stringify(
      {
        orders: total,
        written,
        rate: rate === 0 ? 'backlog' : rate,
        ordersInstances: processorInstances,
        produceSeconds: (produced - started) / 1000,
        seconds,
        ordersPerSecond: Math.round((written / seconds) * 10) / 10,
        latencyMs: {
          p50: percentile(latencies, 0.5),
          p90: percentile(latencies, 0.9),
          p99: percentile(latencies, 0.99),
          max: latencies.at(-1),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(roles.map((r) => r.stop()));
  await producer.close();
  await erp.drop();
}
