/**
 * `/__simulator/orders` and `/__simulator/shopper`: what a test or a bench needs from the store's
 * customers, outside Magento's API (never rate limited, faulted or counted):
 *
 * - `GET /__simulator/orders?since=<entity_id>`: each order's placement and last change in ms;
 * - `POST /__simulator/orders`: place one order as given (lines `{sku, qty, price?, name?}`, a buyer or
 *   `guest: true`, payment method, currency), also one a real checkout would refuse (quantity 0, a SKU
 *   the catalog lacks), so tests can feed syncline bad orders; answers the order as the API shows it,
 *   with `placed_at_ms`;
 * - `POST /__simulator/orders/:id`: change a placed order (state/status, email, shipping address, a
 *   comment): `updated_at` moves, as an admin edit moves it;
 * - `POST /__simulator/shopper` `{ordersPerSecond}`: start, re-pace or (0) pause the sample shopper.
 */
import type { FastifyInstance } from 'fastify';
import { isJsonObject, type JsonObject } from '../json-value.ts';
import { MagentoError } from '../magento-errors.ts';
import { ORDER_STATES, type OrderState } from '../order-records.ts';
import type { OrderChange, OrderDraft, OrderLineDraft, OrderPlacement } from '../order-store.ts';
import { randomBuyer, type Address } from '../../shopping/random-basket.ts';
import { sendJson } from './magento-route.ts';

export type OrderHarness = {
  placements: (sinceEntityId: number) => OrderPlacement[];
  place: (draft: OrderDraft) => { view: JsonObject; placedAtMs: number };
  change: (entityId: number, change: OrderChange) => JsonObject;
  resolveLine: (line: { sku: string; qty: number; price?: number; name?: string }) => OrderLineDraft | string;
  setShopperRate: (ordersPerSecond: number) => void;
  shopperPlaced: () => number;
};

class BadRequest extends Error {}

export function orderHarnessRoutes(app: FastifyInstance, harness: OrderHarness): Promise<void> {
  app.get('/__simulator/orders', async (request, reply) => {
    const { since } = request.query as { since?: string };
    const from = since === undefined ? 0 : Number(since);
    if (!Number.isFinite(from)) return sendJson(reply, 400, { error: 'since must be a number' });
    return sendJson(reply, 200, harness.placements(from));
  });

  app.post('/__simulator/orders', async (request, reply) =>
    answer(reply, () => {
      const placed = harness.place(orderDraft(request.body, harness));
      return { ...placed.view, placed_at_ms: placed.placedAtMs };
    }),
  );

  app.post('/__simulator/orders/:id', async (request, reply) =>
    answer(reply, () => {
      const id = Number((request.params as { id: string }).id);
      if (!Number.isInteger(id)) throw new BadRequest('the order id is an integer (entity_id)');
      return harness.change(id, orderChange(request.body));
    }),
  );

  app.post('/__simulator/shopper', async (request, reply) =>
    answer(reply, () => {
      const rate = isJsonObject(request.body) ? request.body.ordersPerSecond : undefined;
      if (typeof rate !== 'number' || !(rate >= 0))
        throw new BadRequest('ordersPerSecond must be a number >= 0');
      harness.setShopperRate(rate);
      return { ordersPerSecond: rate, placed: harness.shopperPlaced() };
    }),
  );
  return Promise.resolve();
}

async function answer(
  reply: Parameters<typeof sendJson>[0],
  act: () => JsonObject,
): Promise<ReturnType<typeof sendJson>> {
  try {
    return sendJson(reply, 200, act());
  } catch (error) {
    if (error instanceof BadRequest) return sendJson(reply, 400, { error: error.message });
    if (error instanceof MagentoError) return sendJson(reply, error.httpStatus, { error: error.message });
    throw error;
  }
}

function orderDraft(body: unknown, harness: OrderHarness): OrderDraft {
  if (!isJsonObject(body)) throw new BadRequest('the body is a JSON object with "lines"');
  const { lines, guest, customer, paymentMethod, invoiced, currency, shippingAmount } = body;
  if (!Array.isArray(lines) || lines.length === 0) throw new BadRequest('lines: a non-empty list');
  const resolved = lines.map((line, index) => {
    if (!isJsonObject(line) || typeof line.sku !== 'string' || typeof line.qty !== 'number' || line.qty < 0)
      throw new BadRequest(`lines[${index}]: {sku: string, qty: number >= 0, price?, name?}`);
    const draft = harness.resolveLine({
      sku: line.sku,
      qty: line.qty,
      ...(typeof line.price === 'number' ? { price: line.price } : {}),
      ...(typeof line.name === 'string' ? { name: line.name } : {}),
    });
    if (typeof draft === 'string') throw new BadRequest(`lines[${index}]: ${draft}`);
    return draft;
  });
  const random = randomBuyer(Math.random, { guestShare: guest === true ? 1 : 0 });
  const buyer = isJsonObject(customer)
    ? {
        customerId: guest === true ? null : typeof customer.id === 'number' ? customer.id : random.customerId,
        email: typeof customer.email === 'string' ? customer.email : random.email,
        firstname: typeof customer.firstname === 'string' ? customer.firstname : random.firstname,
        lastname: typeof customer.lastname === 'string' ? customer.lastname : random.lastname,
        address: random.address,
      }
    : random;
  return {
    lines: resolved,
    buyer,
    ...(typeof paymentMethod === 'string' ? { paymentMethod } : {}),
    ...(typeof invoiced === 'boolean' ? { invoiced } : {}),
    ...(typeof currency === 'string' ? { currency } : {}),
    ...(typeof shippingAmount === 'number' ? { shippingAmount } : {}),
  };
}

function orderChange(body: unknown): OrderChange {
  if (!isJsonObject(body)) throw new BadRequest('the body is a JSON object');
  const change: OrderChange = {};
  if (body.state !== undefined) {
    if (typeof body.state !== 'string' || !(body.state in ORDER_STATES))
      throw new BadRequest(`state: one of ${Object.keys(ORDER_STATES).join(', ')}`);
    change.state = body.state as OrderState;
  }
  if (typeof body.status === 'string') change.status = body.status;
  if (typeof body.customerEmail === 'string') change.customerEmail = body.customerEmail;
  if (typeof body.comment === 'string') change.comment = body.comment;
  if (isJsonObject(body.shippingAddress)) change.shippingAddress = address(body.shippingAddress);
  return change;
}

function address(input: JsonObject): Address {
  const text = (key: string): string => {
    const value = input[key];
    return typeof value === 'string' ? value : '';
  };
  const street = input.street;
  return {
    firstname: text('firstname'),
    lastname: text('lastname'),
    street: Array.isArray(street) ? street.map(String) : [text('street')],
    city: text('city'),
    postcode: text('postcode'),
    countryId: text('countryId'),
    telephone: text('telephone'),
  };
}
