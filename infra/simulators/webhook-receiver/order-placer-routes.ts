/**
 * `/__simulator/*` routes of the marketplace's order placer (not Shopify's API; for tests, benches and
 * the demo in another process):
 *
 * - `GET /__simulator/orders`: every order with its placement and last change in ms;
 * - `GET /__simulator/deliveries`: every webhook attempt (status 0 = no answer), duplicates marked;
 * - `POST /__simulator/orders` `{lines?: [{sku, qty, price?, name?}], guest?, duplicate?}`: place one
 *   (random over what the shop sells when `lines` is left out); answers the order and its webhook id;
 * - `POST /__simulator/orders/:id` `{note?, tags?, cancel?, duplicate?}`: change it, pushing orders/updated;
 * - `POST /__simulator/orders/:id/resend`: the same version again under a new webhook id;
 * - `POST /__simulator/shopper` `{ordersPerSecond}`: start, re-pace or (0) pause the paced shopper.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OrderChange, OrderPlacer, OrderSpec, PushedOrder } from './order-placer.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The receiver keeps JSON bodies raw (its signatures are over the bytes): parse them here. */
function json(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body;
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('the body is not JSON');
  }
}

export function orderPlacerRoutes(app: FastifyInstance, placer: OrderPlacer): void {
  app.get('/__simulator/orders', () => placer.placements());
  app.get('/__simulator/deliveries', () => placer.attempts());

  app.post('/__simulator/orders', async (request, reply) =>
    answer(reply, () => placer.place(orderSpec(json(request.body)))),
  );
  app.post('/__simulator/orders/:id', async (request, reply) =>
    answer(reply, () => placer.update(orderId(request.params), orderChange(json(request.body)))),
  );
  app.post('/__simulator/orders/:id/resend', async (request, reply) =>
    answer(reply, () => placer.resend(orderId(request.params))),
  );
  app.post('/__simulator/shopper', async (request, reply) => {
    let body: unknown;
    try {
      body = json(request.body);
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
    const rate = isObject(body) ? body.ordersPerSecond : undefined;
    if (typeof rate !== 'number' || !(rate >= 0))
      return reply.code(400).send({ error: 'ordersPerSecond must be a number >= 0' });
    placer.setRate(rate);
    return { ordersPerSecond: rate, placed: placer.placed };
  });
}

function answer(reply: FastifyReply, act: () => PushedOrder): FastifyReply {
  try {
    const pushed = act();
    return reply.send({ order: pushed.order, placed_at_ms: pushed.placedAtMs, webhook_id: pushed.webhookId });
  } catch (error) {
    return reply.code(400).send({ error: (error as Error).message });
  }
}

function orderId(params: unknown): number {
  const id = Number(isObject(params) ? params.id : undefined);
  if (!Number.isSafeInteger(id)) throw new Error('the order id is an integer');
  return id;
}

function orderSpec(body: unknown): OrderSpec {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw new Error('the body is a JSON object');
  const spec: { -readonly [K in keyof OrderSpec]: OrderSpec[K] } = {};
  if (body.lines !== undefined) {
    if (!Array.isArray(body.lines) || body.lines.length === 0) throw new Error('lines: a non-empty list');
    spec.lines = body.lines.map((line: unknown, index) => {
      if (!isObject(line) || typeof line.sku !== 'string' || typeof line.qty !== 'number')
        throw new Error(`lines[${index}]: {sku: string, qty: number, price?, name?}`);
      return {
        sku: line.sku,
        qty: line.qty,
        ...(typeof line.price === 'number' ? { price: line.price } : {}),
        ...(typeof line.name === 'string' ? { name: line.name } : {}),
      };
    });
  }
  if (typeof body.guest === 'boolean') spec.guest = body.guest;
  if (typeof body.duplicate === 'boolean') spec.duplicate = body.duplicate;
  return spec;
}

function orderChange(body: unknown): OrderChange {
  if (!isObject(body)) throw new Error('the body is a JSON object');
  return {
    ...(typeof body.note === 'string' ? { note: body.note } : {}),
    ...(typeof body.tags === 'string' ? { tags: body.tags } : {}),
    ...(body.cancel === true ? { cancel: true } : {}),
    ...(typeof body.duplicate === 'boolean' ? { duplicate: body.duplicate } : {}),
  };
}
