/**
 * The HTTP the runner lends to adapters (channel-adapter.ts, ChannelHttp): every request takes its
 * share of the channel's budget first, is bounded by the request timeout, and is counted. Network
 * failures and timeouts become transient ChannelCallErrors; every HTTP status goes back to the
 * adapter, which knows what the channel means by it.
 */
import {
  ChannelCallError,
  type ChannelHttp,
  type HttpRequest,
  type HttpResponse,
} from './channel-adapter.ts';
import { boundedText } from './bounded-body.ts';
import type { RateBudget } from './ops/rate-budget.ts';

/** Larger than any answer a channel gives to a bulk call of ours; a bigger one is a fault. */
export const defaultMaxResponseBytes = 16 * 1024 * 1024;

export interface ChannelHttpOptions {
  readonly budget: RateBudget;
  readonly timeoutMs: number;
  /** The largest response body read (default `defaultMaxResponseBytes`); a larger one fails the call. */
  readonly maxResponseBytes?: number;
  readonly signal?: AbortSignal;
  /** Called before each request: keeps the consumer's group membership alive through a long call. */
  readonly beforeRequest?: () => Promise<void>;
  /** Called after each request with its status (null: no answer) and duration. */
  readonly observe?: (status: number | null, seconds: number, budgetWaitMs: number) => void;
}

export function channelHttp(options: ChannelHttpOptions): ChannelHttp {
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      await options.beforeRequest?.();
      const waited = await options.budget.take(request.items, options.signal);
      const started = performance.now();
      const signals = [AbortSignal.timeout(options.timeoutMs)];
      if (options.signal) signals.push(options.signal);
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: { ...jsonHeaders(request), ...request.headers },
          body: bodyOf(request),
          signal: AbortSignal.any(signals),
        });
      } catch (error) {
        options.observe?.(null, (performance.now() - started) / 1000, waited);
        const timedOut = (error as Error).name === 'TimeoutError';
        throw new ChannelCallError(
          timedOut
            ? `${request.method} ${request.url} got no answer within ${options.timeoutMs} ms`
            : `${request.method} ${request.url} failed: ${describeFetchError(error)}`,
          {
            transient: true,
            status: null,
            channelError: timedOut ? 'timeout' : describeFetchError(error),
            code: timedOut ? 'TIMEOUT' : 'NETWORK',
          },
          { cause: error },
        );
      }
      const maxBytes = options.maxResponseBytes ?? defaultMaxResponseBytes;
      const text = await boundedText(response, maxBytes);
      options.observe?.(response.status, (performance.now() - started) / 1000, waited);
      if (text === undefined) {
        // Transient: what the channel did with the records is unknown, and a later attempt (after
        // the channel's fault is fixed) is safe, as every item carries its revision.
        throw new ChannelCallError(
          `${request.method} ${request.url} answered ${response.status} with a body over the limit of ${maxBytes.toLocaleString('en-US')} bytes; it was not read`,
          {
            transient: true,
            status: response.status,
            channelError: `response body over ${maxBytes} bytes`,
            code: 'RESPONSE_TOO_LARGE',
          },
        );
      }
      let json: unknown;
      try {
        json = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: Object.fromEntries(response.headers), text, json };
    },
  };
}

function jsonHeaders(request: HttpRequest): Record<string, string> {
  if (request.body === undefined || typeof request.body === 'string' || Buffer.isBuffer(request.body))
    return {};
  return { 'content-type': 'application/json' };
}

function bodyOf(request: HttpRequest): string | Buffer | undefined {
  if (request.body === undefined) return undefined;
  if (typeof request.body === 'string' || Buffer.isBuffer(request.body)) return request.body;
  return JSON.stringify(request.body);
}

/** undici hides the reason (ECONNREFUSED, ...) in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
