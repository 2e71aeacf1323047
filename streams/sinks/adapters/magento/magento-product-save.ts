/**
 * Synchronous product writes: `PUT /V1/products/{sku}` calls ProductRepository::save, which
 * upserts by SKU, so a repeat is harmless (CHANNEL-APIS.md §1 "Products"). Per product:
 *
 *   - 200: saved; the answer is the whole product, with its entity `id`.
 *   - 400: Magento refused this product (validation: "Invalid product data: %1", an empty
 *     required attribute, ...): rejected, with the filled text and a code (magento-error-text.ts).
 *   - 404 "Request does not match any route.": the base URL or store code is wrong, a mistake of
 *     the whole call; any other 404 concerns this product (a SKU Magento cannot route).
 *   - 401/403/408/429/5xx fail the call as a whole (magento-rest.ts).
 */
import type { ChannelHttp, HttpResponse } from '../../channel-adapter.ts';
import { unexpectedAnswer } from './magento-call-failure.ts';
import { asMagentoError, rejectionCode, responseErrorText } from './magento-error-text.ts';
import type { ProductRequest } from './magento-product-payload.ts';
import { skuPath, type MagentoRest } from './magento-rest.ts';

export interface Refused {
  readonly kind: 'rejected';
  /** The HTTP status of the refusal; null when the adapter refused before sending. */
  readonly status: number | null;
  readonly channelError: string;
  readonly code: string;
}

export type SaveResult =
  { readonly kind: 'saved'; readonly status: number; readonly id: number | null } | Refused;

const noRoute = 'Request does not match any route.';

function entityId(json: unknown): number | null {
  const id = (json as { id?: unknown } | null)?.id;
  if (typeof id === 'number' && Number.isInteger(id)) return id;
  if (typeof id === 'string' && /^\d+$/.test(id)) return Number(id);
  return null;
}

/** A refusal of one product, or a throw when the answer concerns the whole call. */
export function refusal(what: string, response: HttpResponse): Refused {
  if (response.status === 404 && asMagentoError(response.json)?.message === noRoute) {
    throw unexpectedAnswer(what, response);
  }
  if (response.status !== 400 && response.status !== 404) throw unexpectedAnswer(what, response);
  const channelError = responseErrorText(response);
  const code = response.status === 404 ? 'NOT_FOUND' : rejectionCode(channelError);
  return { kind: 'rejected', status: response.status, channelError, code };
}

export async function saveProduct(
  rest: MagentoRest,
  http: ChannelHttp,
  request: ProductRequest,
): Promise<SaveResult> {
  const { sku } = request.product;
  const what = `PUT product ${sku}`;
  const response = await rest.send(http, {
    method: 'PUT',
    path: `/V1/products/${skuPath(sku)}`,
    body: request,
    items: 1,
    what,
  });
  if (response.status === 200) return { kind: 'saved', status: 200, id: entityId(response.json) };
  return refusal(what, response);
}
