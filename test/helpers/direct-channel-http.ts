/**
 * The runner's own ChannelHttp (streams/sinks/channel-http.ts) without a rate budget, recording
 * every request: for adapter tests that talk to a real (in-process or simulated) endpoint, so
 * the adapters are tested with exactly the HTTP the sink lends them.
 */
import type { ChannelHttp, HttpRequest } from '../../streams/sinks/channel-adapter.ts';
import { channelHttp } from '../../streams/sinks/channel-http.ts';
import { unlimitedBudget } from '../../streams/sinks/ops/rate-budget.ts';

export interface RecordingChannelHttp extends ChannelHttp {
  /** Every request made, as the adapter gave it. */
  readonly sent: HttpRequest[];
}

export function directChannelHttp(options: { timeoutMs?: number } = {}): RecordingChannelHttp {
  const http = channelHttp({ budget: unlimitedBudget, timeoutMs: options.timeoutMs ?? 5000 });
  const sent: HttpRequest[] = [];
  return {
    sent,
    request(request) {
      sent.push(request);
      return http.request(request);
    },
  };
}
