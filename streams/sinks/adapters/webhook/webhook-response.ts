/**
 * What a receiver's answer means for each delivery of the batch.
 *
 *   - 2xx: every item delivered, unless the body is JSON with a `results` list giving per-item
 *     results (`ok` / `rejected` with the receiver's `error`). A key the list leaves out is
 *     transient: nothing says it was applied, and sending it again is harmless.
 *   - 408, 425, 429, 5xx: the receiver is busy or failing; the whole call is retried, after the
 *     receiver's `Retry-After` when it gives one.
 *   - any other status: the request itself is refused and retrying it unchanged cannot help, so
 *     every record of the call is parked with the receiver's answer. A 401 is the usual case: a
 *     bad signature (wrong or rotated secret) parks the batch instead of hammering the receiver;
 *     after fixing the secret, the operator retries the parked records.
 */
import {
  ChannelCallError,
  responseHeader,
  type Delivery,
  type HttpResponse,
  type ItemOutcome,
} from '../../channel-adapter.ts';
import { parseRetryAfter } from '../../retry-backoff.ts';

const transientStatuses = new Set([408, 425, 429]);
/**
 * The receiver refuses every call whatever it carries: a secret it does not accept (401), a
 * tenant it does not serve (403), a URL it does not have (404). The sink pauses the channel and
 * probes instead of parking the records.
 */
const channelWideStatuses = new Set([401, 403, 404]);
/** The channel's words go to the register and the DLQ; a whole HTML error page does not belong there. */
const maxErrorLength = 1000;

function bodyText(response: HttpResponse): string {
  const text = response.text.trim();
  if (text === '') return `HTTP ${response.status} with an empty body`;
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength)}...` : text;
}

type ResultEntry = { readonly status: unknown; readonly error: unknown };

/** The `results` list by key, undefined when the body has none, or a sentence when it is unreadable. */
function resultsByKey(json: unknown): Map<string, ResultEntry> | undefined | string {
  if (json === null || typeof json !== 'object' || !('results' in json)) return undefined;
  const { results } = json;
  if (!Array.isArray(results)) return 'the receiver answered 2xx with a `results` that is not a list';
  const byKey = new Map<string, ResultEntry>();
  for (const entry of results as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    const { key, status, error } = entry as Record<string, unknown>;
    if (typeof key === 'string') byKey.set(key, { status, error });
  }
  return byKey;
}

function itemOutcome(status: number, key: string, result: ResultEntry | undefined): ItemOutcome {
  if (result === undefined) {
    return { kind: 'transient', status, channelError: `the receiver's results have no entry for key ${key}` };
  }
  if (result.status === 'ok') return { kind: 'delivered', status };
  if (result.status === 'rejected') {
    const channelError =
      typeof result.error === 'string' && result.error !== '' ? result.error : 'rejected without a reason';
    return { kind: 'rejected', status, channelError, code: 'REJECTED_BY_RECEIVER' };
  }
  return {
    kind: 'transient',
    status,
    channelError: `the receiver answered status ${JSON.stringify(result.status)} for key ${key} (expected "ok" or "rejected")`,
  };
}

/** One outcome per delivery, in order; throws ChannelCallError when the call failed as a whole. */
export function webhookOutcomes(
  response: HttpResponse,
  batch: readonly Delivery[],
  url: string,
): ItemOutcome[] {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const results = resultsByKey(response.json);
    if (results === undefined) return batch.map(() => ({ kind: 'delivered', status }));
    if (typeof results === 'string')
      return batch.map(() => ({ kind: 'transient', status, channelError: results }));
    return batch.map((delivery) => itemOutcome(status, delivery.key, results.get(delivery.key)));
  }
  const transient = transientStatuses.has(status) || status >= 500;
  const channelWide = channelWideStatuses.has(status);
  const channelError = bodyText(response);
  const retryAfterMs = transient ? parseRetryAfter(responseHeader(response, 'retry-after')) : undefined;
  throw new ChannelCallError(
    `POST ${url} answered HTTP ${status}${transient ? '' : channelWide ? ': the receiver refuses every call' : ': the request is refused, its records are parked'}`,
    {
      transient,
      status,
      channelError,
      code: `HTTP_${status}`,
      ...(channelWide ? { channelWide } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}
