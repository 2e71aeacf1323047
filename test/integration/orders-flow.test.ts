/**
 * Channel orders into the ERP on the real stack: orders produced into channel.webshop.order.v1 as
 * the intake writes them, the `orders` role (exactly once) and the `erp-orders` role running as a
 * user runs them, and the ERP's interchange tables read back in SQL, in a scratch ERP of the
 * test's own: first the PostgreSQL ERP, then the same sink role pointed at the MariaDB ERP.
 * Orders that cannot be accepted are read back from the orders' dead letters (read_committed);
 * the same order produced five times is one ERP order with one id in every lookup.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedErp } from '../../infra/local/erp/seed.ts';
import type { ErpTarget } from '../../infra/local/erp/connect.ts';
import { startRole, writeSampleConfigVariant, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import type { ChannelOrder } from '../../streams/contracts/orders/index.ts';
import { channelOrder, orderLine } from '../helpers/channel-orders.ts';
import {
  lookupUrlOf,
  orderDeadLetters,
  orderRegisterEntries,
  addErpProducts,
  orderSkus,
  ordersConfigFile,
  OrderFlowProducer,
} from '../helpers/order-flow.ts';
import { testKafka } from '../helpers/read-topic.ts';
import { createScratchErp, type ScratchErp } from '../helpers/scratch-erp.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka('orders-flow-test');
const run = randomBytes(3).toString('hex');
const skus = orderSkus(run, 10);
let erp: ScratchErp;
let producer: OrderFlowProducer;
let dir: string;
const roles: RoleProcess[] = [];

/** A good order of its own id: 1-3 lines of known SKUs. */
function goodOrder(n: number, overrides: Partial<ChannelOrder> = {}): ChannelOrder {
  const lines = Array.from({ length: 1 + (n % 3) }, (_, i) =>
    orderLine(i + 1, skus[(n + i) % skus.length]!, 1 + ((n + i) % 4), `${10 + i}.50`),
  );
  return channelOrder({
    channelOrderId: `${run}-${n}`,
    channelOrderNumber: `${run}${n}`,
    lines,
    ...overrides,
  });
}

interface ErpLine {
  channel_order_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  warehouse_code: string;
}

async function erpLines(target: ErpTarget, prefix: string): Promise<ErpLine[]> {
  return erp.query<ErpLine>(
    target,
    `SELECT o.channel_order_id, l.line_no, l.sku, l.quantity, l.warehouse_code
       FROM sales_order o JOIN sales_order_line l ON l.order_id = o.id
      WHERE o.sales_channel = 'webshop' AND o.channel_order_id LIKE ?
      ORDER BY o.channel_order_id, l.line_no`,
    [`${prefix}%`],
  );
}

async function erpOrderCount(target: ErpTarget, prefix: string): Promise<number> {
  const [row] = await erp.query<{ n: string | number }>(
    target,
    "SELECT COUNT(*) AS n FROM sales_order WHERE sales_channel = 'webshop' AND channel_order_id LIKE ?",
    [`${prefix}%`],
  );
  return Number(row!.n);
}

/** What the ERP must hold of these orders, line by line. */
const expectedLines = (orders: readonly ChannelOrder[]): ErpLine[] =>
  orders
    .flatMap((o) =>
      o.lines.map((l, i) => ({
        channel_order_id: o.channelOrderId,
        line_no: i + 1,
        sku: l.sku,
        quantity: l.quantity,
        warehouse_code: 'WH-MAIN',
      })),
    )
    .sort((a, b) =>
      a.channel_order_id < b.channel_order_id
        ? -1
        : a.channel_order_id > b.channel_order_id
          ? 1
          : a.line_no - b.line_no,
    );

/** Numbers as numbers, sorted as expectedLines sorts (the database's collation may differ). */
const normalised = (lines: ErpLine[]): ErpLine[] =>
  lines
    .map((l) => ({ ...l, line_no: Number(l.line_no), quantity: Number(l.quantity) }))
    .sort((a, b) =>
      a.channel_order_id < b.channel_order_id
        ? -1
        : a.channel_order_id > b.channel_order_id
          ? 1
          : a.line_no - b.line_no,
    );

function erpConfig(target: ErpTarget): string {
  const base = writeSampleConfigVariant(join(dir, `base-${target}.yaml`), { stateDir: join(dir, 'state') });
  const erpSection =
    target === 'postgres'
      ? { database: 'postgres', url: erp.urls.postgres, schema: 'erp', poolSize: 4 }
      : { database: 'mariadb', url: erp.urls.mariadb, poolSize: 4 };
  return ordersConfigFile(base, erpSection, join(dir, `syncline-${target}.yaml`));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orders-flow-'));
  erp = await createScratchErp('orders_flow');
  await seedErp({ target: 'all', size: 'tiny', databases: erp.databases });
  await addErpProducts(erp, ['postgres', 'mariadb'], skus);
  producer = await OrderFlowProducer.open(kafka);
  await producer.catalogOf(skus, ['WH-MAIN', 'WH-3PL']);
  const config = erpConfig('postgres');
  roles.push(await startRole('orders', config));
  roles.push(await startRole('erp-orders', config));
});

after(async () => {
  await Promise.all(roles.map((r) => r.stop()));
  await producer?.close();
  await erp?.drop();
});

describe('channel orders into the ERP', () => {
  it('writes accepted orders to the PostgreSQL ERP and parks unknown SKU, zero quantity and wrong currency with their reasons while the rest flows', async () => {
    const good = Array.from({ length: 30 }, (_, n) => goodOrder(n));
    const unknownSku = goodOrder(100, { lines: [orderLine(1, skus[0]!), orderLine(2, `NOPE-${run}`)] });
    const zeroQuantity = goodOrder(101, { lines: [orderLine(1, skus[1]!, 0)] });
    const wrongCurrency = goodOrder(102, { currency: 'USD' });
    await producer.send([...good.slice(0, 15), unknownSku, zeroQuantity, wrongCurrency, ...good.slice(15)]);

    await waitUntil(
      'the 30 good orders in the PostgreSQL ERP',
      async () => ((await erpOrderCount('postgres', `${run}-`)) >= 30 ? true : undefined),
      90_000,
    );
    assert.deepEqual(normalised(await erpLines('postgres', `${run}-`)), expectedLines(good));

    const parked = await waitUntil('the three parked orders in the dead letters', async () => {
      const mine = (await orderDeadLetters(kafka)).filter((d) => d.sourceKey?.startsWith(`${run}-10`));
      return mine.length >= 3 ? mine : undefined;
    });
    assert.deepEqual(
      parked.map((d) => [d.sourceKey, d.code, d.message]).sort(),
      [
        [
          unknownSku.channelOrderId,
          'UNKNOWN_SKU',
          `order ${unknownSku.channelOrderId} from webshop: SKU NOPE-${run} is unknown to the ERP`,
        ],
        [
          zeroQuantity.channelOrderId,
          'BAD_QUANTITY',
          `order ${zeroQuantity.channelOrderId} from webshop: line 1 (SKU ${skus[1]}) has quantity 0; a quantity is a whole number of at least 1`,
        ],
        [
          wrongCurrency.channelOrderId,
          'WRONG_CURRENCY',
          `order ${wrongCurrency.channelOrderId} from webshop: it is in USD, but webshop sells in EUR`,
        ],
      ].sort(),
    );
    // The parked orders wrote nothing to the ERP, and the dead letter holds the order itself.
    for (const refused of [unknownSku, zeroQuantity, wrongCurrency])
      assert.equal(await erpOrderCount('postgres', refused.channelOrderId), 0);
    assert.equal((JSON.parse(parked[0]!.sourceValue!) as ChannelOrder).channelId, 'webshop');

    // The sink writes its register entry just after the ERP commit: wait for it, by polling.
    const entries = await waitUntil('the register entries of two orders', async () => {
      const found = await orderRegisterEntries(
        kafka,
        (key) => key === good[0]!.channelOrderId || key === unknownSku.channelOrderId,
      );
      return found.length >= 3 ? found : undefined;
    });
    assert.deepEqual(
      entries.map((e) => [e.key, e.status]).sort(),
      [
        [good[0]!.channelOrderId, 'ACCEPTED'],
        [good[0]!.channelOrderId, 'WRITTEN'],
        [unknownSku.channelOrderId, 'PARKED'],
      ].sort(),
    );
    const [row] = await erp.query<{ id: string | number }>(
      'postgres',
      "SELECT id FROM sales_order WHERE sales_channel = 'webshop' AND channel_order_id = ?",
      [good[0]!.channelOrderId],
    );
    assert.equal(entries.find((e) => e.status === 'WRITTEN')!.erpOrderId, String(row!.id));
  });

  it('makes one ERP order of the same order produced 5 times, and every lookup names the same ERP order id', async () => {
    const order = goodOrder(200);
    for (let i = 0; i < 5; i++) await producer.send([order]);
    const lookup = lookupUrlOf(roles[1]!.output());
    const ids = await waitUntil('the order in the ERP lookup', async () => {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => fetch(`${lookup}/webshop/${order.channelOrderId}`)),
      );
      if (answers.some((a) => a.status !== 200)) return undefined;
      return Promise.all(answers.map(async (a) => ((await a.json()) as { erpOrderId: string }).erpOrderId));
    });
    assert.equal(new Set(ids).size, 1);
    assert.equal(await erpOrderCount('postgres', order.channelOrderId), 1);
    const [row] = await erp.query<{ id: string | number }>(
      'postgres',
      "SELECT id FROM sales_order WHERE sales_channel = 'webshop' AND channel_order_id = ?",
      [order.channelOrderId],
    );
    assert.equal(ids[0], String(row!.id));
    const missing = await fetch(`${lookup}/webshop/${run}-never`);
    assert.equal(missing.status, 404);
  });

  it('writes to the MariaDB ERP when the sink is configured for it', async () => {
    await roles.pop()!.stop();
    roles.push(await startRole('erp-orders', erpConfig('mariadb')));
    const orders = Array.from({ length: 10 }, (_, n) => goodOrder(300 + n));
    await producer.send(orders);
    await waitUntil(
      'the 10 orders in the MariaDB ERP',
      async () => ((await erpOrderCount('mariadb', `${run}-3`)) >= 10 ? true : undefined),
      90_000,
    );
    assert.deepEqual(normalised(await erpLines('mariadb', `${run}-3`)), expectedLines(orders));
    const lookup = lookupUrlOf(roles[1]!.output());
    const answer = await fetch(`${lookup}/webshop/${orders[0]!.channelOrderId}`);
    assert.equal(answer.status, 200);
  });
});
