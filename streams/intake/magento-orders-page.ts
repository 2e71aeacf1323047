/**
 * One page of Magento's order search (`GET /V1/orders?searchCriteria...`) on `updated_at >= since`,
 * sorted by `updated_at` then `entity_id` (a stable order, so pages do not swap equal timestamps).
 * HTTP only: a rate limit (429, what a CDN in front of Magento sends, with Retry-After), a 5xx, a
 * timeout, a dropped connection or a 200 that is not Magento's JSON (a proxy's HTML page) are transient;
 * 4xx are refusals carrying Magento's message.
 */
import { ChannelRefusedError, ChannelUnavailableError } from './intake-errors.ts';
import { isRecord, type JsonRecord } from './order-fields.ts';
import { retryAfterMs } from './retry-after.ts';

export interface MagentoOrdersEndpoint {
  /** The REST root with its store code, e.g. `https://shop.example/rest/default`. */
  readonly restUrl: string;
  /** An integration access token (Bearer). */
  readonly token: string;
  readonly timeoutMs?: number;
  /** The HTTP client; global fetch by default (a test can wrap it to act between pages). */
  readonly fetch?: typeof fetch;
}

export interface MagentoOrdersPage {
  readonly items: readonly JsonRecord[];
  readonly totalCount: number;
  /** The server's clock (HTTP `Date`, whole seconds) when it answered; null when it sent none. */
  readonly serverTimeMs: number | null;
}

export function ordersSearchPath(since: string, pageSize: number, currentPage: number): string {
  const filter = 'searchCriteria[filter_groups][0][filters][0]';
  const sort = 'searchCriteria[sortOrders]';
  const params = [
    [`${filter}[field]`, 'updated_at'],
    [`${filter}[value]`, since],
    [`${filter}[condition_type]`, 'gteq'],
    [`${sort}[0][field]`, 'updated_at'],
    [`${sort}[0][direction]`, 'ASC'],
    [`${sort}[1][field]`, 'entity_id'],
    [`${sort}[1][direction]`, 'ASC'],
    ['searchCriteria[pageSize]', String(pageSize)],
    ['searchCriteria[currentPage]', String(currentPage)],
  ];
  return `/V1/orders?${params.map(([key, value]) => `${key}=${encodeURIComponent(value ?? '')}`).join('&')}`;
}

function messageOf(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body) && typeof body.message === 'string') return body.message;
  } catch {
    // not Magento's JSON: the start of the text says what answered
  }
  return text.slice(0, 200);
}

export async function fetchOrdersPage(
  endpoint: MagentoOrdersEndpoint,
  since: string,
  pageSize: number,
  currentPage: number,
  signal?: AbortSignal,
): Promise<MagentoOrdersPage> {
  const url = `${endpoint.restUrl}${ordersSearchPath(since, pageSize, currentPage)}`;
  const timeout = AbortSignal.timeout(endpoint.timeoutMs ?? 30_000);
  let response: Response;
  let text: string;
  try {
    response = await (endpoint.fetch ?? fetch)(url, {
      headers: { authorization: `Bearer ${endpoint.token}`, accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ChannelUnavailableError(`Magento orders search failed: ${(error as Error).message}`, null, {
      cause: error,
    });
  }
  const where = `Magento orders search (page ${currentPage}) answered ${response.status}`;
  if (response.status === 429 || response.status >= 500)
    throw new ChannelUnavailableError(
      `${where}: ${messageOf(text)}`,
      retryAfterMs(response.headers.get('retry-after')),
    );
  if (response.status !== 200) throw new ChannelRefusedError(`${where}: ${messageOf(text)}`, response.status);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isRecord(body) || !Array.isArray(body.items) || typeof body.total_count !== 'number')
    throw new ChannelUnavailableError(`${where} without a search result: ${text.slice(0, 120)}`, null);
  const date = Date.parse(response.headers.get('date') ?? '');
  return {
    items: body.items.filter(isRecord),
    totalCount: body.total_count,
    serverTimeMs: Number.isFinite(date) ? date : null,
  };
}
