/**
 * ChannelHttp without the runner's budget: plain fetch, bounded by a timeout, with network errors
 * and timeouts turned into transient ChannelCallErrors as the runner's channel-http.ts does. For
 * adapter tests that talk to a real (in-process or simulated) endpoint.
 */
import {
  ChannelCallError,
  type ChannelHttp,
  type HttpRequest,
  type HttpResponse,
} from '../../streams/sinks/channel-adapter.ts';

export interface RecordingChannelHttp extends ChannelHttp {
  /** Every request made, as the adapter gave it. */
  readonly sent: HttpRequest[];
}

function bodyOf(request: HttpRequest): string | Buffer | undefined {
  if (request.body === undefined) return undefined;
  if (typeof request.body === 'string' || Buffer.isBuffer(request.body)) return request.body;
  return JSON.stringify(request.body);
}

export function directChannelHttp(options: { timeoutMs?: number } = {}): RecordingChannelHttp {
  const timeoutMs = options.timeoutMs ?? 5000;
  const sent: HttpRequest[] = [];
  return {
    sent,
    async request(request: HttpRequest): Promise<HttpResponse> {
      sent.push(request);
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: bodyOf(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        const reason = timedOut
          ? 'timeout'
          : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
        throw new ChannelCallError(
          `${request.method} ${request.url} failed: ${reason}`,
          { transient: true, status: null, channelError: reason, code: timedOut ? 'TIMEOUT' : 'NETWORK' },
          { cause: error },
        );
      }
      const text = await response.text();
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
