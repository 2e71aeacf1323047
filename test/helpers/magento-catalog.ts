/**
 * Reads what a Magento store holds through its public REST API (never the simulator's internals),
 * and compares it with what a channel topic says it should hold.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Offer } from '../../streams/contracts/channel-offer.ts';

export interface MagentoView {
  readonly name: string;
  readonly price: number;
  /** 1 enabled, 2 disabled (delisted). */
  readonly status: number;
  readonly quantity: number | undefined;
}

const token = 'sim-integration-token';

/** A GET that waits out the store's rate limit (a throttled read answers 429 with Retry-After). */
async function get(url: string): Promise<{ status: number; body: unknown }> {
  let response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  for (let attempt = 0; response.status === 429 && attempt < 20; attempt += 1) {
    await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  }
  return { status: response.status, body: await response.json() };
}

export async function magentoProduct(baseUrl: string, sku: string): Promise<MagentoView | undefined> {
  const product = await get(`${baseUrl}/rest/V1/products/${encodeURIComponent(sku)}`);
  if (product.status === 404) return undefined;
  if (product.status !== 200)
    throw new Error(`GET product ${sku}: HTTP ${product.status} ${JSON.stringify(product.body)}`);
  const body = product.body as { name: string; price: number; status: number };
  const filter = 'searchCriteria[filter_groups][0][filters][0]';
  const stock = await get(
    `${baseUrl}/rest/V1/inventory/source-items?${filter}[field]=sku&${filter}[value]=${encodeURIComponent(sku)}&${filter}[condition_type]=eq`,
  );
  const items = (stock.body as { items?: { quantity: number }[] }).items ?? [];
  return { name: body.name, price: body.price, status: body.status, quantity: items[0]?.quantity };
}

/** Keys whose Magento state differs from the topic's final state, with what differs. */
export async function driftFromTopic(
  baseUrl: string,
  state: ReadonlyMap<string, Offer | null>,
): Promise<string[]> {
  const drift: string[] = [];
  for (const [key, offer] of state) {
    const held = await magentoProduct(baseUrl, key);
    if (offer === null) {
      if (held !== undefined && held.status !== 2)
        drift.push(`${key}: should be delisted, is status ${held.status}`);
      continue;
    }
    const wanted = {
      name: offer.name,
      price: Number(offer.price.amount),
      status: 1,
      quantity: offer.quantity,
    };
    if (
      held === undefined ||
      held.name !== wanted.name ||
      held.price !== wanted.price ||
      held.status !== 1 ||
      held.quantity !== wanted.quantity
    ) {
      drift.push(`${key}: wanted ${JSON.stringify(wanted)}, holds ${JSON.stringify(held)}`);
    }
  }
  return drift;
}
