/**
 * Delisting a key: `PUT /V1/products/{sku} {"product":{"sku","status":2}}`. Disabling (not
 * deleting) is idempotent and reversible, and keeps the product's orders, reviews and URL.
 *
 * Magento's save upserts, so for a SKU it never had it tries to create a product from that
 * minimal body and refuses it (400, an empty required attribute such as the name). A 400 is
 * therefore checked with `GET /V1/products/{sku}`: a 404 there ("The product that was requested
 * doesn't exist", CHANNEL-APIS.md §1) means the channel does not hold the key, which is what a
 * delist asks for. A 404 on the PUT itself means the same.
 */
import type { ChannelHttp, ItemOutcome } from '../../channel-adapter.ts';
import { delistProduct } from './magento-product-payload.ts';
import { refusal } from './magento-product-save.ts';
import { skuPath, type MagentoRest } from './magento-rest.ts';

export async function delistSku(rest: MagentoRest, http: ChannelHttp, sku: string): Promise<ItemOutcome> {
  const path = `/V1/products/${skuPath(sku)}`;
  const what = `PUT product ${sku} (delist)`;
  const response = await rest.send(http, { method: 'PUT', path, body: delistProduct(sku), items: 1, what });
  if (response.status === 200) return { kind: 'delivered', status: 200 };
  const refused = refusal(what, response);
  if (refused.status === 404) return { kind: 'delivered', status: 404 };
  const lookup = await rest.send(http, { method: 'GET', path, items: 0, what: `GET product ${sku}` });
  if (lookup.status === 404) return { kind: 'delivered', status: 404 };
  return refused;
}
