/**
 * Which answers fail a call as a whole (channel-adapter.ts, ChannelCallError), the same for every
 * Magento route. Magento maps exceptions to statuses (CHANNEL-APIS.md §1 "Errors"): 401 for a bad
 * token, a disabled bearer integration or a missing ACL resource; 500 for anything unexpected.
 * Core Magento never throttles admin REST, so a 429 comes from the CDN/WAF in front of it
 * (Fastly on Adobe Commerce Cloud): its body is not Magento JSON and `Retry-After` may be absent.
 * The rest (200, 202, 400, 404) means something per route, for the caller to read.
 *
 * A 401 or 403 refuses every call, whatever it carries: it is channel-wide (the sink pauses the
 * channel and probes), never a reason to park the records. So is a 404 a route does not define:
 * Magento's router answers "Request does not match any route." when the base URL or store code is
 * wrong; a route's own 404 for one SKU is read by that route before it gets here.
 */
import { parseRetryAfter } from '../../retry-backoff.ts';
import { ChannelCallError, responseHeader, type HttpResponse } from '../../channel-adapter.ts';
import { responseErrorText } from './magento-error-text.ts';

/** The ChannelCallError a response stands for, or undefined when the caller should read it. */
export function callFailure(what: string, response: HttpResponse): ChannelCallError | undefined {
  const { status } = response;
  const channelError = responseErrorText(response);
  if (status === 401 || status === 403) {
    return new ChannelCallError(`${what}: Magento refused the credentials (${status}): ${channelError}`, {
      transient: false,
      status,
      channelError,
      code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
      channelWide: true,
    });
  }
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfter(responseHeader(response, 'retry-after'));
    return new ChannelCallError(`${what}: Magento answered ${status}: ${channelError}`, {
      transient: true,
      status,
      channelError,
      code: status === 429 ? 'THROTTLED' : status === 408 ? 'TIMEOUT' : 'SERVER_ERROR',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return undefined;
}

/** A status the route does not define: the request itself is wrong (a config mistake), not a record. */
export function unexpectedAnswer(what: string, response: HttpResponse): ChannelCallError {
  const channelError = responseErrorText(response);
  return new ChannelCallError(`${what}: unexpected answer ${response.status}: ${channelError}`, {
    transient: false,
    status: response.status,
    channelError,
    code: response.status === 404 ? 'NO_ROUTE' : 'UNEXPECTED_ANSWER',
    ...(response.status === 404 ? { channelWide: true } : {}),
  });
}
