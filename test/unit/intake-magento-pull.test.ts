/**
 * The Magento pull source against the Magento simulator in-process (real HTTP, the simulator written
 * from Magento's REST contract): many pages and the last-page-repeats trap, orders placed and changed
 * while it pages, a re-poll with the same cursor, a new version after a change, several changes within
 * one second, and the rate limit, 5xx and a refused token. Each order version must come out once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { compareVersions, type ChannelOrder } from '../../streams/contracts/orders/channel-order.ts';
import { ChannelRefusedError, ChannelUnavailableError } from '../../streams/intake/intake-errors.ts';
import {
  magentoOrderSource,
  type MagentoOrderSourceOptions,
} from '../../streams/intake/magento-order-source.ts';

const TOKEN = 'sim-integration-token';
const started: MagentoSimulator[] = [];
after(async () => {
  await Promise.all(started.map((simulator) => simulator.close()));
});

async function simulator(): Promise<MagentoSimulator> {
  const magento = await startMagentoSimulator();
  started.push(magento);
  return magento;
}

function source(magento: MagentoSimulator, options: Partial<MagentoOrderSourceOptions> = {}) {
  return magentoOrderSource({
    channelId: 'webshop',
    restUrl: `${magento.url}/rest/default`,
    token: TOKEN,
    pageSize: 5,
    ...options,
  });
}

function place(magento: MagentoSimulator, count: number): number[] {
  const ids: number[] = [];
  for (let n = 0; n < count; n += 1)
    ids.push(
      magento.placeOrder({ lines: [{ sku: `SKU-${n % 4}`, qty: 1 + (n % 3), price: 9.5 }] }).entity_id,
    );
  return ids;
}

const orderRequests = (magento: MagentoSimulator) =>
  magento.requests().filter((entry) => entry.path.includes('/V1/orders'));

/** `${id}@${updatedAt}#${sequence}` of each version emitted: the identity a consumer dedups on. */
const versionsOf = (orders: readonly ChannelOrder[]) =>
  orders.map((order) => `${order.channelOrderId}@${order.version.updatedAt}#${order.version.sequence}`);

function assertOnceEach(orders: readonly ChannelOrder[]): void {
  const versions = versionsOf(orders);
  assert.equal(new Set(versions).size, versions.length, `a version emitted twice: ${versions.join(' ')}`);
}

describe('magento order source', () => {
  it('reads every order once across many pages, and stops at the last page instead of reading it again', async () => {
    const magento = await simulator();
    const ids = place(magento, 23);
    const result = await source(magento).poll(null);
    assert.deepEqual(
      result.orders.map((order) => Number(order.channelOrderId)),
      ids,
      'each order once, oldest first',
    );
    assertOnceEach(result.orders);
    assert.deepEqual(result.malformed, []);
    assert.equal(orderRequests(magento).length, 5, '23 orders in pages of 5: pages 1..5, no page 6');
  });

  it('a full last page is not read twice either (10 orders, pages of 5)', async () => {
    const magento = await simulator();
    place(magento, 10);
    const result = await source(magento).poll(null);
    assert.equal(result.orders.length, 10);
    assert.equal(orderRequests(magento).length, 2);
  });

  it('yields the same orders for the same cursor, nothing new for the next one, and a change as a new version', async () => {
    const magento = await simulator();
    const ids = place(magento, 7);
    const pull = source(magento);
    const first = await pull.poll(null);
    const again = await pull.poll(null);
    assert.deepEqual(versionsOf(again.orders), versionsOf(first.orders));
    assert.deepEqual(
      again.orders.map((order) => order.raw),
      first.orders.map((order) => order.raw),
    );
    assert.equal(again.nextCursor, first.nextCursor, 'the same cursor out');

    const quiet = await pull.poll(first.nextCursor);
    assert.deepEqual(quiet.orders, [], 'the orders of the cursor second are remembered, not emitted again');
    const quietAgain = await pull.poll(quiet.nextCursor);
    assert.deepEqual(quietAgain.orders, []);

    const changed = ids[3] ?? 0;
    magento.updateOrder(changed, { comment: 'address corrected', status: 'holded' });
    const update = await pull.poll(quiet.nextCursor);
    assert.deepEqual(
      update.orders.map((order) => Number(order.channelOrderId)),
      [changed],
    );
    const before = first.orders.find((order) => Number(order.channelOrderId) === changed);
    assert.ok(before && update.orders[0]);
    assert.ok(compareVersions(update.orders[0].version, before.version) > 0, 'a newer version');
    assert.match(update.orders[0].channelStatus, /holded/);
    const replay = await pull.poll(quiet.nextCursor);
    assert.deepEqual(versionsOf(replay.orders), versionsOf(update.orders), 'idempotent after a change too');
  });

  it('tells apart changes within one second by sequence, and emits each once', async () => {
    const magento = await simulator();
    const [id] = place(magento, 1);
    const pull = source(magento);
    const emitted: ChannelOrder[] = [];
    let cursor: string | null = null;
    // Change, poll, change, poll... quickly: most of these fall within one updated_at second.
    for (let change = 0; change < 4; change += 1) {
      const result = await pull.poll(cursor);
      emitted.push(...result.orders);
      cursor = result.nextCursor;
      magento.updateOrder(id ?? 0, { comment: `change ${change}` });
    }
    const last = await pull.poll(cursor);
    emitted.push(...last.orders);
    assert.equal(emitted.length, 5, 'placement and four changes: five versions');
    assertOnceEach(emitted);
    for (let n = 1; n < emitted.length; n += 1)
      assert.ok(
        compareVersions(emitted[n]!.version, emitted[n - 1]!.version) > 0,
        `version ${n} is newer: ${versionsOf(emitted).join(' ')}`,
      );
    assert.deepEqual(await pull.poll(last.nextCursor).then((result) => result.orders), []);
  });

  it('emits each version once when orders are placed and changed while it pages', async () => {
    const magento = await simulator();
    const ids = place(magento, 12);
    // The change falls in a later second than the placements, so the changed order moves to the end.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    let page = 0;
    const pagingFetch: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      page += 1;
      // After page 2: an order of page 1 changes (it moves to the end, so the pages behind it shift
      // up by one) and three orders are placed.
      if (page === 2) {
        magento.updateOrder(ids[1] ?? 0, { comment: 'changed while paging' });
        place(magento, 3);
      }
      return answer;
    };
    const pull = source(magento, { fetch: pagingFetch });
    const result = await pull.poll(null);
    assertOnceEach(result.orders);
    const seen = new Set(result.orders.map((order) => Number(order.channelOrderId)));
    const all = magento.orderPlacements().map((placement) => placement.entity_id);
    assert.equal(all.length, 15);
    for (const id of all) assert.ok(seen.has(id), `order ${id} was read (emitted: ${[...seen].join(',')})`);
    // Its change may come now or, when it fell behind a page already read, on the next poll.
    const next = await pull.poll(result.nextCursor);
    const both = [...result.orders, ...next.orders];
    assertOnceEach(both);
    const versionsOfChanged = both.filter((order) => Number(order.channelOrderId) === ids[1]);
    assert.equal(versionsOfChanged.length, 2, 'the changed order: its first version and its change');
    const last = await pull.poll(next.nextCursor);
    assert.deepEqual(versionsOf(last.orders), [], 'nothing twice after that');
  });

  it('keeps every emitted version in the cursor when the list never holds still', async () => {
    const magento = await simulator();
    const ids = place(magento, 12);
    let page = 0;
    // Every page read changes an early order, so no pass ever reads everything.
    const restless: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      page += 1;
      magento.updateOrder(ids[page % 3] ?? 0, { comment: `restless ${page}` });
      return answer;
    };
    const pull = source(magento, { fetch: restless, maxPasses: 2 });
    const result = await pull.poll(null);
    assertOnceEach(result.orders);
    const calm = await source(magento).poll(result.nextCursor);
    const emitted = [...result.orders, ...calm.orders];
    assertOnceEach(emitted);
    // Each order's newest version emitted is the one Magento holds now.
    for (const id of ids) {
      const now = (await (
        await fetch(`${magento.url}/rest/V1/orders/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as { updated_at: string };
      const newest = emitted.filter((order) => Number(order.channelOrderId) === id).at(-1);
      assert.ok(newest, `order ${id} emitted`);
      assert.deepEqual(JSON.parse(newest.raw), now, `order ${id}: its newest version`);
    }
  });

  it('throws the rate limit with its Retry-After and a 503 as transient, leaving the cursor to be polled again', async () => {
    const magento = await simulator();
    place(magento, 8);
    const pull = source(magento);
    magento.inject({ kind: 'throttle', retryAfterSeconds: 7, count: 1, paths: 'V1/orders' });
    await assert.rejects(pull.poll(null), (error: unknown) => {
      assert.ok(error instanceof ChannelUnavailableError, String(error));
      assert.equal(error.retriable, true);
      assert.equal(error.retryAfterMs, 7000);
      assert.match(error.message, /429/);
      return true;
    });
    // A 503 on page 2: the poll fails whole, nothing of page 1 is returned alone.
    let pages = 0;
    const failingPage2: typeof fetch = async (input, init) => {
      pages += 1;
      if (pages === 2) magento.inject({ kind: 'status', status: 503, count: 1, paths: 'V1/orders' });
      return fetch(input, init);
    };
    await assert.rejects(source(magento, { fetch: failingPage2 }).poll(null), (error: unknown) => {
      assert.ok(error instanceof ChannelUnavailableError, String(error));
      assert.match(error.message, /page 2\) answered 503/);
      return true;
    });
    const result = await pull.poll(null);
    assert.equal(result.orders.length, 8);
  });

  it('throws a refused token as not retriable, naming what Magento said', async () => {
    const magento = await simulator();
    await assert.rejects(source(magento, { token: 'wrong' }).poll(null), (error: unknown) => {
      assert.ok(error instanceof ChannelRefusedError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.retriable, false);
      assert.match(error.message, /consumer isn't authorized|Magento_Sales/);
      return true;
    });
  });
});
