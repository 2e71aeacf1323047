/**
 * Orders into the ERP exactly once, proven by fault injection: while 2,000 channel orders flow,
 * the two orders processor instances and the two ERP order sink instances are SIGKILLed at random
 * moments and restarted. Afterwards the PostgreSQL ERP (a scratch database of the test's own) must
 * hold each order exactly once with exactly the lines produced (checked in SQL against the list
 * produced here), and a read_committed reader of erp.order.command.v1 and of the register must see
 * exactly one command and one ACCEPTED entry per order: the processor's outputs are never repeated.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { registryUrl, repoRoot } from '../../infra/local/stack-config.ts';
import { startRole, writeSampleConfigVariant, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import type { RoleName } from '../../streams/config/syncline-config.ts';
import type { ChannelOrder, ErpOrderCommand } from '../../streams/contracts/orders/index.ts';
import { avroReader, schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import { channelOrder, orderLine } from '../helpers/channel-orders.ts';
import {
  addErpProducts,
  orderRegisterEntries,
  orderSkus,
  ordersConfigFile,
  OrderFlowProducer,
} from '../helpers/order-flow.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { createScratchErp, type ScratchErp } from '../helpers/scratch-erp.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const total = 2_000;
const kafka = testKafka('orders-eos-test');
const run = `K${randomBytes(3).toString('hex')}`;
const skus = orderSkus(run, 20);

interface Instance {
  readonly role: RoleName;
  readonly config: string;
  child: RoleProcess | undefined;
}

let erp: ScratchErp;
let producer: OrderFlowProducer;
const instances: Instance[] = [];
const runs: { name: string; child: RoleProcess }[] = [];
const random = (n: number) => Math.floor(Math.random() * n);

async function startInstance(instance: Instance): Promise<void> {
  instance.child = await startRole(instance.role, instance.config);
  runs.push({ name: `${instance.role}-${runs.length}`, child: instance.child });
}

function keepRoleLogs(): string {
  const dir = join(repoRoot, 'var', 'test-logs', `orders-exactly-once-${run}`);
  mkdirSync(dir, { recursive: true });
  for (const { name, child } of runs) writeFileSync(join(dir, `${name}.log`), child.output());
  return dir;
}

/** Order n: 1 to 4 lines of known SKUs, quantities 1 to 5. */
function order(n: number): ChannelOrder {
  const lines = Array.from({ length: 1 + (n % 4) }, (_, i) =>
    orderLine(
      i + 1,
      skus[(n * 7 + i) % skus.length]!,
      1 + ((n + i) % 5),
      `${1 + (n % 90)}.${String(n % 100).padStart(2, '0')}`,
    ),
  );
  return channelOrder({
    channelOrderId: `${run}-${String(n).padStart(5, '0')}`,
    channelOrderNumber: `${n}`,
    lines,
  });
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-eos-'));
  erp = await createScratchErp('orders_eos');
  await seedErp({ target: 'postgres', size: 'tiny', databases: erp.databases });
  await addErpProducts(erp, ['postgres'], skus);
  producer = await OrderFlowProducer.open(kafka);
  await producer.catalogOf(skus, ['WH-MAIN', 'WH-3PL']);
  const erpSection = { database: 'postgres', url: erp.urls.postgres, schema: 'erp', poolSize: 4 };
  const configOf = (name: string) =>
    ordersConfigFile(
      writeSampleConfigVariant(join(dir, `base-${name}.yaml`), { stateDir: join(dir, `state-${name}`) }),
      erpSection,
      join(dir, `${name}.yaml`),
    );
  for (const [role, name] of [
    ['orders', 'orders-a'],
    ['orders', 'orders-b'],
    ['erp-orders', 'sink-a'],
    ['erp-orders', 'sink-b'],
  ] as const) {
    instances.push({ role, config: configOf(name), child: undefined });
  }
  for (const instance of instances) await startInstance(instance);
});

after(async () => {
  await Promise.all(instances.map((i) => i.child?.stop() ?? Promise.resolve()));
  await producer?.close();
  await erp?.drop();
});

describe('orders exactly once under SIGKILL', () => {
  it('holds each of 2,000 orders exactly once in the ERP with the right lines, with processors and sinks killed at random', async () => {
    const orders = Array.from({ length: total }, (_, n) => order(n));
    let producing = true;
    const produced = (async () => {
      // About 100 orders a second, so the kills meet orders in every stage.
      for (let i = 0; i < total; i += 50) {
        await producer.send(orders.slice(i, i + 50));
        await sleep(500);
      }
      producing = false;
    })();
    let kills = 0;
    const killed: string[] = [];
    while (producing || kills < 6) {
      await sleep(2_000 + random(3_000));
      const instance = instances[random(instances.length)]!;
      await instance.child?.kill();
      kills += 1;
      killed.push(instance.role);
      await startInstance(instance);
    }
    await produced;

    const prefix = `${run}-%`;
    try {
      await waitUntil(
        `all ${total} orders in the ERP`,
        async () => {
          const [row] = await erp.query<{ n: string }>(
            'postgres',
            'SELECT COUNT(*) AS n FROM sales_order WHERE channel_order_id LIKE ?',
            [prefix],
          );
          return Number(row!.n) >= total ? true : undefined;
        },
        150_000,
        1_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; role logs in ${keepRoleLogs()}`, { cause: error });
    }
    console.log(`killed ${kills} times: ${killed.join(', ')}`);

    const held = await erp.query<{ channel_order_id: string; n: string }>(
      'postgres',
      `SELECT channel_order_id, COUNT(*) AS n FROM sales_order WHERE sales_channel = 'webshop' AND channel_order_id LIKE ?
        GROUP BY channel_order_id ORDER BY channel_order_id`,
      [prefix],
    );
    assert.deepEqual(
      held
        .map((r) => [r.channel_order_id, Number(r.n)])
        .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
      orders.map((o) => [o.channelOrderId, 1]),
    );
    const lines = await erp.query<{
      channel_order_id: string;
      line_no: number;
      sku: string;
      quantity: number;
      unit_price: string;
    }>(
      'postgres',
      `SELECT o.channel_order_id, l.line_no, l.sku, l.quantity, l.unit_price::text AS unit_price
         FROM sales_order o JOIN sales_order_line l ON l.order_id = o.id
        WHERE o.channel_order_id LIKE ? ORDER BY o.channel_order_id, l.line_no`,
      [prefix],
    );
    const money = (text: string) => (Number(text) * 100).toFixed(0);
    assert.deepEqual(
      lines
        .map((l) => [l.channel_order_id, Number(l.line_no), l.sku, Number(l.quantity), money(l.unit_price)])
        // The database's collation may order ids otherwise than the list produced here.
        .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : Number(a[1]) - Number(b[1]))),
      orders.flatMap((o) =>
        o.lines.map((l, i) => [o.channelOrderId, i + 1, l.sku, l.quantity, money(l.unitPrice)]),
      ),
    );

    // The processor's outputs, read_committed: one command and one ACCEPTED entry per order.
    const reader = avroReader(schemaRegistry(registryUrl()));
    const commands = new Map<string, number>();
    for (const record of await readTopic('erp.order.command.v1', 60_000, kafka)) {
      if (record.value === null) continue;
      const command = (await reader.decode(record.value)) as ErpOrderCommand;
      if (!command.channelOrderId.startsWith(`${run}-`)) continue;
      commands.set(command.channelOrderId, (commands.get(command.channelOrderId) ?? 0) + 1);
    }
    assert.equal(commands.size, total);
    assert.deepEqual(
      [...commands].filter(([, n]) => n !== 1),
      [],
    );
    const accepted = new Map<string, number>();
    for (const entry of await orderRegisterEntries(kafka, (key) => key.startsWith(`${run}-`))) {
      if (entry.status === 'ACCEPTED') accepted.set(entry.key, (accepted.get(entry.key) ?? 0) + 1);
    }
    assert.equal(accepted.size, total);
    assert.deepEqual(
      [...accepted].filter(([, n]) => n !== 1),
      [],
    );
  });
});
