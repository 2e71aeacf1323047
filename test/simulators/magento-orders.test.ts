/**
 * Contract tests of the Magento simulator's order side, written from Magento 2's public REST contract
 * (the Sales module's webapi.xml and services, "Performing searches", "Create a shipment" in the REST
 * tutorials) over real HTTP: the orders search and its paging trap, order and shipment shapes, shipping
 * with tracks and its refusals, status comments, and auth, rate limit and faults on the order routes;
 * plus the simulator's own parts: placement times in ms and the sample shopper.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  startMagentoSimulator,
  type MagentoSimulator,
  type MagentoSimulatorOptions,
} from '../../infra/simulators/magento/magento-simulator.ts';

const TOKEN = 'sim-integration-token';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const started: MagentoSimulator[] = [];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

after(async () => {
  await Promise.all(started.map((simulator) => simulator.close()));
});

async function start(options: MagentoSimulatorOptions = {}): Promise<MagentoSimulator> {
  const simulator = await startMagentoSimulator(options);
  started.push(simulator);
  return simulator;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  simulator: MagentoSimulator | string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const base = typeof simulator === 'string' ? simulator : simulator.url;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

type OrderItem = {
  item_id: number;
  sku: string;
  name: string;
  qty_ordered: number;
  qty_shipped: number;
  price: number;
  row_total: number;
  product_id: number | null;
};
type Address = {
  address_type: string;
  firstname: string;
  street: string[];
  country_id: string;
  city: string;
};
type Order = {
  entity_id: number;
  increment_id: string;
  state: string;
  status: string;
  created_at: string;
  updated_at: string;
  customer_email: string;
  customer_firstname: string;
  customer_lastname: string;
  customer_is_guest: number;
  customer_id?: number;
  base_currency_code: string;
  order_currency_code: string;
  grand_total: number;
  subtotal: number;
  shipping_amount: number;
  items: OrderItem[];
  billing_address: Address;
  payment: { method: string };
  status_histories: { comment: string | null; status: string; is_customer_notified: number | null }[];
  extension_attributes: { shipping_assignments: { shipping: { address: Address; method: string } }[] };
  placed_at_ms?: number;
};
type SearchResult<T> = { items: T[]; total_count: number; search_criteria: Record<string, unknown> };
type Shipment = {
  entity_id: number;
  order_id: number;
  total_qty: number;
  items: { order_item_id: number; sku: string; qty: number }[];
  tracks: { track_number: string; title: string; carrier_code: string; order_id: number }[];
  comments: { comment: string }[];
};
type Placement = { entity_id: number; increment_id: string; placed_at_ms: number; updated_at_ms: number };

const MAGENTO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

async function withProducts(magento: MagentoSimulator, count: number, qty = 50): Promise<void> {
  for (let n = 1; n <= count; n += 1) {
    const answer = await call(magento, 'POST', '/rest/V1/products', {
      product: {
        sku: `SKU-${n}`,
        name: `Lamp ${n}`,
        price: 10 * n + 0.5,
        status: 1,
        extension_attributes: { stock_item: { qty, is_in_stock: true } },
      },
    });
    assert.equal(answer.status, 200, answer.text);
  }
}

async function place(magento: MagentoSimulator, body: unknown): Promise<Order> {
  const answer = await call(magento, 'POST', '/__simulator/orders', body, null);
  assert.equal(answer.status, 200, answer.text);
  return answer.json as Order;
}

/** The poll syncline makes: updated_at >= since, oldest first with entity_id breaking ties. */
function pollQuery(since: string, pageSize: number, currentPage: number, condition = 'gteq'): string {
  const f = 'searchCriteria[filter_groups][0][filters][0]';
  return (
    `/rest/default/V1/orders?${f}[field]=updated_at&${f}[value]=${encodeURIComponent(since)}` +
    `&${f}[condition_type]=${condition}` +
    '&searchCriteria[sortOrders][0][field]=updated_at&searchCriteria[sortOrders][0][direction]=ASC' +
    '&searchCriteria[sortOrders][1][field]=entity_id&searchCriteria[sortOrders][1][direction]=ASC' +
    `&searchCriteria[pageSize]=${pageSize}&searchCriteria[currentPage]=${currentPage}`
  );
}

async function search(magento: MagentoSimulator, path: string): Promise<SearchResult<Order>> {
  const answer = await call(magento, 'GET', path);
  assert.equal(answer.status, 200, answer.text);
  return answer.json as SearchResult<Order>;
}

describe('magento simulator orders: search', () => {
  it('filters on updated_at, sorts, pages with total_count, and repeats the last page past the end', async () => {
    const magento = await start();
    await withProducts(magento, 3);
    const placed: Order[] = [];
    for (let n = 0; n < 5; n += 1) placed.push(await place(magento, { lines: [{ sku: 'SKU-1', qty: 1 }] }));

    const page1 = await search(magento, pollQuery('2000-01-01 00:00:00', 2, 1));
    assert.equal(page1.total_count, 5);
    assert.deepEqual(
      page1.items.map((order) => order.entity_id),
      placed.slice(0, 2).map((order) => order.entity_id),
    );
    assert.deepEqual(page1.search_criteria.page_size, 2);
    assert.deepEqual(page1.search_criteria.current_page, 1);
    const page3 = await search(magento, pollQuery('2000-01-01 00:00:00', 2, 3));
    assert.deepEqual(
      page3.items.map((order) => order.entity_id),
      [placed[4]?.entity_id],
    );
    // The trap: page 4 of 3 is page 3 again, not an empty list, and total_count says 5 all along.
    const page4 = await search(magento, pollQuery('2000-01-01 00:00:00', 2, 4));
    assert.deepEqual(page4.items, page3.items);
    assert.equal(page4.total_count, 5);
    assert.equal(page4.search_criteria.current_page, 4, 'the criteria are echoed as asked');

    // An update moves updated_at past the others' second: gt on their updated_at finds it alone.
    const before = placed[4]?.updated_at ?? '';
    await sleep(1100);
    const changed = await call(
      magento,
      'POST',
      `/__simulator/orders/${placed[1]?.entity_id}`,
      {
        comment: 'address corrected',
      },
      null,
    );
    assert.equal(changed.status, 200, changed.text);
    const later = await search(magento, pollQuery(before, 10, 1, 'gt'));
    assert.deepEqual(
      later.items.map((order) => order.entity_id),
      [placed[1]?.entity_id],
    );
    assert.ok((later.items[0]?.updated_at ?? '') > before);
    const all = await search(magento, pollQuery('2000-01-01 00:00:00', 10, 1));
    assert.equal(
      all.items.at(-1)?.entity_id,
      placed[1]?.entity_id,
      'sorted by updated_at: the changed one last',
    );
    const upTo = await search(magento, pollQuery(before, 10, 1, 'lteq'));
    assert.equal(upTo.total_count, 4);
    // MySQL reads the filter value as a datetime: an ISO value with a T compares as the stored form.
    const iso = await search(magento, pollQuery(before.replace(' ', 'T'), 10, 1, 'gt'));
    assert.deepEqual(
      iso.items.map((order) => order.entity_id),
      [placed[1]?.entity_id],
    );

    const missing = await call(magento, 'GET', '/rest/V1/orders');
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, {
      message: '"%fieldName" is required. Enter and try again.',
      parameters: { fieldName: 'searchCriteria' },
    });
  });
});

describe('magento simulator orders: shape', () => {
  it('renders an order as Magento does: ids, states, dates, customer or guest, addresses, items, totals, payment', async () => {
    const magento = await start({ currency: 'EUR' });
    await withProducts(magento, 2);
    const registered = await place(magento, {
      lines: [
        { sku: 'SKU-1', qty: 2 },
        { sku: 'SKU-2', qty: 1 },
      ],
      customer: { id: 42, email: 'anna@example.com', firstname: 'Anna', lastname: 'Berg' },
      paymentMethod: 'braintree',
    });
    const answer = await call(magento, 'GET', `/rest/V1/orders/${registered.entity_id}`);
    assert.equal(answer.status, 200, answer.text);
    const order = answer.json as Order;
    assert.equal(order.entity_id, registered.entity_id);
    assert.match(order.increment_id, /^\d{9}$/);
    assert.equal(Number(order.increment_id), order.entity_id);
    assert.match(order.created_at, MAGENTO_TIME);
    assert.match(order.updated_at, MAGENTO_TIME);
    assert.equal(order.placed_at_ms, undefined, 'the placement time in ms is not part of the API');
    assert.deepEqual([order.state, order.status], ['processing', 'processing'], 'paid online at checkout');
    assert.deepEqual(
      [order.customer_email, order.customer_firstname, order.customer_lastname, order.customer_is_guest],
      ['anna@example.com', 'Anna', 'Berg', 0],
    );
    assert.equal(order.customer_id, 42);
    assert.deepEqual([order.base_currency_code, order.order_currency_code], ['EUR', 'EUR']);
    assert.deepEqual(
      order.items.map((item) => [item.sku, item.name, item.qty_ordered, item.price, item.row_total]),
      [
        ['SKU-1', 'Lamp 1', 2, 10.5, 21],
        ['SKU-2', 'Lamp 2', 1, 20.5, 20.5],
      ],
    );
    assert.equal(order.subtotal, 41.5);
    assert.equal(order.shipping_amount, 15, 'flat rate 5.00 per unit');
    assert.equal(order.grand_total, 56.5);
    assert.equal(order.payment.method, 'braintree');
    assert.equal(order.billing_address.address_type, 'billing');
    const shipping = order.extension_attributes.shipping_assignments[0]?.shipping;
    assert.equal(shipping?.address.address_type, 'shipping');
    assert.equal(shipping?.method, 'flatrate_flatrate');
    assert.ok((shipping?.address.street.length ?? 0) >= 1 && shipping?.address.country_id.length === 2);

    const guest = await place(magento, { lines: [{ sku: 'SKU-1', qty: 1 }], guest: true });
    const guestView = (await call(magento, 'GET', `/rest/V1/orders/${guest.entity_id}`)).json as Order;
    assert.equal(guestView.customer_is_guest, 1);
    assert.equal('customer_id' in guestView, false);
    assert.deepEqual([guestView.state, guestView.status], ['new', 'pending'], 'check / money order: unpaid');
    assert.equal(guestView.payment.method, 'checkmo');

    const foreign = await place(magento, { lines: [{ sku: 'NOT-IN-CATALOG', qty: 0, price: 3 }] });
    assert.equal(foreign.items[0]?.product_id, null, 'a test may sell what the catalog lacks');
    const refused = await call(
      magento,
      'POST',
      '/__simulator/orders',
      { lines: [{ sku: 'NOPE', qty: 1 }] },
      null,
    );
    assert.equal(refused.status, 400);
    assert.match(refused.text, /needs a price/);
  });

  it("answers 404 with Magento's entity message for an unknown order and 400 for an id that is not an integer", async () => {
    const magento = await start();
    const unknown = await call(magento, 'GET', '/rest/V1/orders/999');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, {
      message: "The entity that was requested doesn't exist. Verify the entity and try again.",
    });
    const notInt = await call(magento, 'GET', '/rest/V1/orders/abc');
    assert.equal(notInt.status, 400);
    assert.match(
      (notInt.json as { message: string }).message,
      /Error occurred during "%field_name" processing/,
    );
    const shipUnknown = await call(magento, 'POST', '/rest/V1/order/999/ship', {});
    assert.equal(shipUnknown.status, 404);
  });
});

describe('magento simulator orders: ship and comment', () => {
  it('ships with tracks, answers the shipment id as a bare integer, and refuses more than is left to ship', async () => {
    const magento = await start();
    await withProducts(magento, 2);
    const order = await place(magento, {
      lines: [
        { sku: 'SKU-1', qty: 2 },
        { sku: 'SKU-2', qty: 1 },
      ],
      paymentMethod: 'braintree',
    });
    const [first, second] = order.items;
    assert.ok(first && second);

    const tooMany = await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {
      items: [{ order_item_id: first.item_id, qty: 3 }],
    });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(tooMany.json, {
      message:
        'Shipment Document Validation Error(s):\nWe found an invalid quantity to ship for item "Lamp 1".\n' +
        "You can't create a shipment without products.",
    });

    const shipped = await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {
      items: [{ order_item_id: first.item_id, qty: 1 }],
      notify: true,
      appendComment: true,
      comment: { comment: 'first parcel', is_visible_on_front: 1 },
      tracks: [{ track_number: '1Z999AA10123456784', title: 'UPS', carrier_code: 'ups' }],
    });
    assert.equal(shipped.status, 200, shipped.text);
    assert.match(shipped.text, /^\d+$/, 'a bare integer');
    const shipmentId = Number(shipped.text);

    const afterFirst = (await call(magento, 'GET', `/rest/V1/orders/${order.entity_id}`)).json as Order;
    assert.deepEqual(
      afterFirst.items.map((item) => item.qty_shipped),
      [1, 0],
    );
    assert.equal(afterFirst.state, 'processing', 'partly shipped');

    const over = await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {
      items: [{ order_item_id: first.item_id, qty: 2 }],
    });
    assert.equal(over.status, 400, 'one of two left: two is too many');
    assert.match((over.json as { message: string }).message, /invalid quantity to ship for item "Lamp 1"/);

    const f = 'searchCriteria[filter_groups][0][filters][0]';
    const shipments = await call(
      magento,
      'GET',
      `/rest/V1/shipments?${f}[field]=order_id&${f}[value]=${order.entity_id}`,
    );
    assert.equal(shipments.status, 200, shipments.text);
    const found = shipments.json as SearchResult<Shipment>;
    assert.equal(found.total_count, 1);
    const shipment = found.items[0];
    assert.equal(shipment?.entity_id, shipmentId);
    assert.equal(shipment?.order_id, order.entity_id);
    assert.equal(shipment?.total_qty, 1);
    assert.deepEqual(
      shipment?.items.map((item) => [item.order_item_id, item.sku, item.qty]),
      [[first.item_id, 'SKU-1', 1]],
    );
    assert.deepEqual(
      shipment?.tracks.map((track) => [track.track_number, track.title, track.carrier_code, track.order_id]),
      [['1Z999AA10123456784', 'UPS', 'ups', order.entity_id]],
    );
    assert.deepEqual(
      shipment?.comments.map((comment) => comment.comment),
      ['first parcel'],
    );

    // No items: everything left. Paid and all shipped: complete.
    const rest = await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {
      tracks: [{ track_number: 'JJD000390007', title: 'DHL', carrier_code: 'dhl' }],
    });
    assert.equal(rest.status, 200, rest.text);
    const done = (await call(magento, 'GET', `/rest/V1/orders/${order.entity_id}`)).json as Order;
    assert.deepEqual(
      done.items.map((item) => item.qty_shipped),
      [2, 1],
    );
    assert.deepEqual([done.state, done.status], ['complete', 'complete']);

    const again = await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {});
    assert.equal(again.status, 400);
    assert.deepEqual(again.json, {
      message:
        'Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.\n' +
        "You can't create a shipment without products.",
    });
    const noTrackNumber = await place(magento, { lines: [{ sku: 'SKU-2', qty: 1 }] });
    const blank = await call(magento, 'POST', `/rest/V1/order/${noTrackNumber.entity_id}/ship`, {
      tracks: [{ track_number: '', title: 'UPS', carrier_code: 'ups' }],
    });
    assert.equal(blank.status, 400);
    assert.match((blank.json as { message: string }).message, /Please enter a tracking number\./);
    const unpaid = await call(magento, 'POST', `/rest/V1/order/${noTrackNumber.entity_id}/ship`, {});
    assert.equal(unpaid.status, 200);
    const unpaidView = (await call(magento, 'GET', `/rest/V1/orders/${noTrackNumber.entity_id}`))
      .json as Order;
    assert.equal(unpaidView.state, 'processing', 'shipped but not invoiced: not complete');
  });

  it('adds a status comment: answers true, the status changes, status_histories lists it, updated_at moves', async () => {
    const magento = await start();
    await withProducts(magento, 1);
    const order = await place(magento, { lines: [{ sku: 'SKU-1', qty: 1 }] });
    const [before] = magento.orderPlacements();
    await sleep(5);
    const answer = await call(magento, 'POST', `/rest/V1/orders/${order.entity_id}/comments`, {
      statusHistory: { comment: 'Shipped with DHL JJD000390007', status: 'holded', is_customer_notified: 1 },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.text, 'true');
    const view = (await call(magento, 'GET', `/rest/V1/orders/${order.entity_id}`)).json as Order;
    assert.equal(view.status, 'holded');
    assert.deepEqual(
      view.status_histories.map((entry) => [entry.comment, entry.status, entry.is_customer_notified]),
      [['Shipped with DHL JJD000390007', 'holded', 1]],
    );
    const [after] = magento.orderPlacements();
    assert.ok(before && after && after.updated_at_ms > before.updated_at_ms, 'updated_at moved');
    assert.equal(after.placed_at_ms, before.placed_at_ms, 'the placement time stays');

    const missing = await call(magento, 'POST', `/rest/V1/orders/${order.entity_id}/comments`, {
      comment: 'x',
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, {
      message: '"%fieldName" is required. Enter and try again.',
      parameters: { fieldName: 'statusHistory' },
    });
  });
});

describe('magento simulator orders: auth, rate limit, faults', () => {
  it("refuses a missing token with the route's Sales ACL resource", async () => {
    const magento = await start();
    const cases: [string, string, string][] = [
      ['GET', '/rest/V1/orders?searchCriteria[pageSize]=1', 'Magento_Sales::actions_view'],
      ['GET', '/rest/V1/orders/1', 'Magento_Sales::actions_view'],
      ['GET', '/rest/V1/shipments?searchCriteria[pageSize]=1', 'Magento_Sales::shipment'],
      ['POST', '/rest/V1/order/1/ship', 'Magento_Sales::ship'],
      ['POST', '/rest/V1/orders/1/comments', 'Magento_Sales::comment'],
    ];
    for (const [method, path, resource] of cases) {
      const answer = await call(magento, method, path, method === 'POST' ? {} : undefined, null);
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.deepEqual(answer.json, {
        message: "The consumer isn't authorized to access %resources.",
        parameters: { resources: resource },
      });
    }
    magento.inject({ kind: 'status', status: 401, count: 1, paths: '/ship$' });
    const faulted = await call(magento, 'POST', '/rest/V1/order/1/ship', {});
    assert.deepEqual(faulted.json, {
      message: "The consumer isn't authorized to access %resources.",
      parameters: { resources: 'Magento_Sales::ship' },
    });
  });

  it('rate limits order routes like every /rest route: 429 with Retry-After, and a refused ship ships nothing', async () => {
    const magento = await start({ rateLimit: { requestsPerSecond: 3 } });
    const order = await place(magento, { lines: [{ sku: 'X-1', qty: 5, price: 2 }] });
    const item = order.items[0];
    assert.ok(item);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {
          items: [{ order_item_id: item.item_id, qty: 1 }],
        }),
      ),
    );
    const ok = answers.filter((answer) => answer.status === 200).length;
    const throttled = answers.filter((answer) => answer.status === 429);
    assert.equal(ok + throttled.length, 8);
    assert.ok(ok >= 3 && ok <= 4, `a burst of 3 admitted, got ${ok}`);
    for (const answer of throttled) assert.ok(Number(answer.headers.get('retry-after')) >= 1);
    await sleep(1100);
    const view = (await call(magento, 'GET', `/rest/V1/orders/${order.entity_id}`)).json as Order;
    assert.equal(view.items[0]?.qty_shipped, ok, 'only the admitted calls shipped');
    assert.equal(magento.stats().byRoute['POST /V1/order/:orderId/ship'], 8);
  });

  it('injected faults apply to order routes: a 503 on ship leaves the order unshipped, a timeout holds the search', async () => {
    const magento = await start();
    const order = await place(magento, { lines: [{ sku: 'X-1', qty: 1, price: 2 }] });
    magento.inject({ kind: 'status', status: 503, count: 1, paths: '/V1/order/' });
    const refused = await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {});
    assert.equal(refused.status, 503);
    assert.match(refused.text, /Backend fetch failed/);
    const view = (await call(magento, 'GET', `/rest/V1/orders/${order.entity_id}`)).json as Order;
    assert.equal(view.items[0]?.qty_shipped, 0);
    magento.inject({ kind: 'timeout', count: 1, paths: '/V1/orders$' });
    await assert.rejects(
      fetch(`${magento.url}/rest/V1/orders?searchCriteria[pageSize]=1`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: AbortSignal.timeout(300),
      }),
    );
    assert.equal((await call(magento, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {})).status, 200);
  });
});

describe('magento simulator orders: placement times and the sample shopper', () => {
  it("records each order's placement time in ms, readable over /__simulator/orders?since=", async () => {
    const magento = await start();
    const before = Date.now();
    const first = await place(magento, { lines: [{ sku: 'X-1', qty: 1, price: 2 }] });
    const second = await place(magento, { lines: [{ sku: 'X-2', qty: 1, price: 2 }] });
    const after = Date.now();
    const answer = await call(
      magento,
      'GET',
      `/__simulator/orders?since=${first.entity_id}`,
      undefined,
      null,
    );
    const placements = answer.json as Placement[];
    assert.deepEqual(
      placements.map((placement) => placement.entity_id),
      [second.entity_id],
    );
    assert.equal(first.placed_at_ms !== undefined && first.placed_at_ms >= before, true);
    assert.ok((placements[0]?.placed_at_ms ?? 0) <= after);
    assert.equal(placements[0]?.increment_id, second.increment_id);
  });

  it('the shopper places orders at the set pace over enabled, in-stock SKUs: several lines sometimes, guests sometimes', async () => {
    const magento = await start({ shopper: { ordersPerSecond: 0 } });
    await withProducts(magento, 5);
    await call(magento, 'POST', '/rest/V1/products', {
      product: {
        sku: 'SOLD-OUT',
        name: 'Gone',
        price: 5,
        status: 1,
        extension_attributes: { stock_item: { qty: 0, is_in_stock: false } },
      },
    });
    await call(magento, 'POST', '/rest/V1/products', {
      product: {
        sku: 'OFF',
        name: 'Disabled',
        price: 5,
        status: 2,
        extension_attributes: { stock_item: { qty: 9, is_in_stock: true } },
      },
    });
    // Paced against the wall clock: never faster than asked; slower only by what a loaded machine
    // stalls (the loop drops a backlog beyond one second's worth rather than bursting it).
    const from = performance.now();
    const started = await call(magento, 'POST', '/__simulator/shopper', { ordersPerSecond: 100 }, null);
    assert.equal(started.status, 200, started.text);
    await sleep(1500);
    magento.shopper(0);
    const seconds = (performance.now() - from) / 1000;
    const placed = magento.orderPlacements();
    assert.ok(
      placed.length <= 100 * seconds + 2 && placed.length >= Math.max(60, 50 * seconds),
      `100/s for ${seconds.toFixed(2)} s, got ${placed.length} orders`,
    );
    const orders = await search(magento, '/rest/V1/orders?searchCriteria[pageSize]=1000');
    assert.equal(orders.total_count, placed.length);
    const skus = new Set(orders.items.flatMap((order) => order.items.map((item) => item.sku)));
    assert.deepEqual([...skus].sort(), ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5']);
    assert.ok(
      orders.items.some((order) => order.items.length > 1),
      'some orders have several lines',
    );
    assert.ok(
      orders.items.some((order) => order.customer_is_guest === 1),
      'some are guests',
    );
    assert.ok(
      orders.items.some((order) => order.customer_is_guest === 0),
      'some are customers',
    );
    assert.ok(
      orders.items.every((order) =>
        order.items.every((item) => item.qty_ordered >= 1 && item.qty_ordered <= 3),
      ),
    );
    await sleep(200);
    assert.equal(magento.orderPlacements().length, placed.length, 'paused');
  });

  it('runs standalone with --orders-per-second: the shopper orders what the catalog sells', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/simulators/magento/magento-simulator-cli.ts',
        '--orders-per-second',
        '50',
        '--shopper-seed',
        '7',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const created = await call(url, 'POST', '/rest/V1/products', {
        product: {
          sku: 'CLI-1',
          name: 'Lamp',
          price: 9,
          status: 1,
          extension_attributes: { stock_item: { qty: 5, is_in_stock: true } },
        },
      });
      assert.equal(created.status, 200, created.text);
      let placements: Placement[] = [];
      for (let tries = 0; tries < 50 && placements.length < 5; tries += 1) {
        await sleep(50);
        placements = (await call(url, 'GET', '/__simulator/orders', undefined, null)).json as Placement[];
      }
      assert.ok(placements.length >= 5, `orders placed: ${placements.length}`);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
