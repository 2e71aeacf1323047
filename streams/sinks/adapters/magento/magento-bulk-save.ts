/**
 * Many products in one request: `POST /rest/<store>/async/bulk/V1/products` takes an array of
 * `{"product":{...}}` bodies and answers 202 `{bulk_uuid, request_items:[{id,status}], errors}`;
 * the `async.operations.all` consumer saves them later, and their fate is polled from the bulk
 * status (magento-bulk-status.ts) until no operation is open, the deadline passes or the sink
 * stops (CHANNEL-APIS.md §1 "Async bulk"; AdobeDocs `rest/bulk-endpoints.md`). The store code
 * goes before `/async` as in the synchronous routes (supported since 2.3.3, magento/magento2#23142).
 *
 * An element that fails validation while queued is `rejected` in `request_items` (and the call
 * may answer an error body listing "Error processing %key element of input data"); the others
 * stay scheduled. A status poll is a request like any other: it takes its share of the channel's
 * budget, with no items.
 */
import type { Logger } from 'pino';
import { ChannelCallError, type ChannelHttp, type HttpResponse } from '../../channel-adapter.ts';
import { bulkResults, type OperationResult } from './magento-bulk-status.ts';
import { unexpectedAnswer } from './magento-call-failure.ts';
import { asMagentoError, fillPlaceholders, rejectionCode, responseErrorText } from './magento-error-text.ts';
import type { ProductRequest } from './magento-product-payload.ts';
import type { MagentoRest } from './magento-rest.ts';

export interface BulkOptions {
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Scheduled {
  readonly uuid: string | null;
  /** Per element: undefined = scheduled, else what became of it already. */
  readonly early: (OperationResult | undefined)[];
}

function elementIndex(parameters: unknown): number | undefined {
  const key = Array.isArray(parameters)
    ? (parameters as unknown[])[0]
    : (parameters as { key?: unknown } | null)?.key;
  const index = Number(key);
  return Number.isInteger(index) ? index : undefined;
}

/** The 202 (or an error body that still names the bulk) as per-element early results. */
function scheduled(what: string, response: HttpResponse, count: number): Scheduled {
  const json = (response.json ?? {}) as { bulk_uuid?: unknown; request_items?: unknown };
  const uuid = typeof json.bulk_uuid === 'string' && json.bulk_uuid !== '' ? json.bulk_uuid : null;
  const early = new Array<OperationResult | undefined>(count).fill(undefined);
  if (Array.isArray(json.request_items)) {
    for (const item of json.request_items as { id?: unknown; status?: unknown; error_message?: unknown }[]) {
      const index = Number(item?.id);
      if (!Number.isInteger(index) || index < 0 || index >= count || item.status !== 'rejected') continue;
      const channelError =
        typeof item.error_message === 'string' && item.error_message !== ''
          ? fillPlaceholders(item.error_message)
          : 'rejected by Magento when queued';
      early[index] = {
        kind: 'rejected',
        status: response.status,
        channelError,
        code: rejectionCode(channelError),
      };
    }
  }
  const body = asMagentoError(response.json);
  for (const error of body?.errors ?? []) {
    const index = elementIndex(error.parameters);
    if (index === undefined || index < 0 || index >= count || early[index] !== undefined) continue;
    const channelError = fillPlaceholders(error.message, error.parameters);
    early[index] = {
      kind: 'rejected',
      status: response.status,
      channelError,
      code: rejectionCode(channelError),
    };
  }
  if (uuid === null && response.status === 400 && early.every((result) => result === undefined)) {
    // A refusal of the request as a whole (an input limit, a malformed body): nothing was queued.
    const channelError = responseErrorText(response);
    throw new ChannelCallError(`${what}: Magento refused the bulk request: ${channelError}`, {
      transient: false,
      status: 400,
      channelError,
      code: rejectionCode(channelError) === 'INPUT_LIMIT' ? 'INPUT_LIMIT' : 'INVALID_REQUEST',
    });
  }
  if (uuid === null && response.status !== 400) throw unexpectedAnswer(what, response);
  return { uuid, early };
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Status polls failing in a row double the wait up to this many times (200 ms -> 6.4 s). */
const maxPollBackoffDoublings = 5;

/**
 * Polls until no operation is open; what is still open then is left open. While polls fail (the
 * channel busy or down) the interval doubles, so a down channel is not asked every interval for
 * the whole timeout. If the channel is still failing them at the deadline, the call fails as a
 * whole with the last poll's error: "still open" per record would read as the channel answering,
 * and the circuit breaker would close on it. Sending the bulk again is harmless (an upsert per SKU).
 */
async function poll(
  rest: MagentoRest,
  http: ChannelHttp,
  uuid: string,
  count: number,
  accepted: readonly number[],
  options: BulkOptions,
): Promise<OperationResult[]> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = now() + options.timeoutMs;
  let last: OperationResult[] = new Array<OperationResult>(count).fill({ kind: 'open' });
  let failing: ChannelCallError | undefined;
  let failures = 0;
  const anyOpen = () => accepted.some((index) => last[index]?.kind === 'open');
  while (!options.signal.aborted) {
    const interval = options.pollIntervalMs * 2 ** Math.min(failures, maxPollBackoffDoublings);
    await sleep(Math.max(0, Math.min(interval, deadline - now())), options.signal);
    if (options.signal.aborted) break;
    try {
      const response = await rest.send(http, {
        method: 'GET',
        path: `/V1/bulk/${encodeURIComponent(uuid)}/status`,
        items: 0,
        what: `GET bulk ${uuid} status`,
      });
      failing = undefined;
      failures = 0;
      const results = response.status === 200 ? bulkResults(response.json, count, accepted) : undefined;
      if (results) last = results;
      else
        options.logger.warn({ uuid, status: response.status }, 'Magento bulk status unreadable; polling on');
    } catch (error) {
      // The operations run whether or not the status can be read: a busy channel only delays
      // the answer. A refused token cannot get better by waiting.
      if (!(error instanceof ChannelCallError) || !error.details.transient) throw error;
      failing = error;
      failures += 1;
      options.logger.warn({ uuid, err: error, failures }, 'Magento bulk status poll failed; polling on');
    }
    if (!anyOpen() || now() >= deadline) break;
  }
  if (failing !== undefined && !options.signal.aborted && anyOpen()) throw failing;
  return last;
}

/** One result per request, in order: saved, rejected, transient, or still open. */
export async function saveProductsInBulk(
  rest: MagentoRest,
  http: ChannelHttp,
  requests: readonly ProductRequest[],
  options: BulkOptions,
): Promise<OperationResult[]> {
  const what = `POST async bulk products (${requests.length})`;
  const response = await rest.send(http, {
    method: 'POST',
    path: '/async/bulk/V1/products',
    body: requests,
    items: requests.length,
    what,
  });
  if (response.status !== 202 && response.status !== 400) throw unexpectedAnswer(what, response);
  const { uuid, early } = scheduled(what, response, requests.length);
  if (uuid === null) {
    // The error body named the refused elements but not the bulk: the others are queued and
    // will be saved, yet cannot be followed. They are sent again later, which is harmless.
    return early.map(
      (result) =>
        result ?? {
          kind: 'transient',
          status: 400,
          channelError: 'queued in a bulk Magento did not identify',
        },
    );
  }
  if (early.every((result): result is OperationResult => result !== undefined)) return early;
  options.logger.debug({ uuid, products: requests.length }, 'Magento bulk scheduled');
  const accepted = early.flatMap((result, index) => (result === undefined ? [index] : []));
  const polled = await poll(rest, http, uuid, requests.length, accepted, options);
  return polled.map((result, index) => early[index] ?? result);
}
