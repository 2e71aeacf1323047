/** The sinks' metrics, on the role's registry (STYLE habit 7); every name declared here. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SinkMetrics {
  readonly outcomes: Counter<'channel' | 'status'>;
  readonly requests: Counter<'channel' | 'status'>;
  readonly requestSeconds: Histogram<'channel'>;
  readonly budgetWaitSeconds: Counter<'channel'>;
  readonly endToEndSeconds: Histogram<'channel'>;
  readonly breakerOpen: Gauge<'channel'>;
  readonly channelRefused: Gauge<'channel'>;
  readonly opsUnavailable: Gauge<'channel'>;
  readonly staleRecords: Counter<'channel' | 'stage'>;
  readonly abandonedBatches: Counter<'channel'>;
}

export function sinkMetrics(registry: Registry): SinkMetrics {
  const registers = [registry];
  return {
    outcomes: new Counter({
      name: 'syncline_sink_records_total',
      help: 'Channel records by outcome (DELIVERED, UNCHANGED, SUPERSEDED, FAILED_WILL_RETRY, PARKED)',
      labelNames: ['channel', 'status'],
      registers,
    }),
    requests: new Counter({
      name: 'syncline_sink_requests_total',
      help: 'Calls to the channel API by HTTP status ("none" when no answer came)',
      labelNames: ['channel', 'status'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'syncline_sink_request_seconds',
      help: 'Duration of one channel API call',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    budgetWaitSeconds: new Counter({
      name: 'syncline_sink_budget_wait_seconds_total',
      help: "Time spent waiting for the channel's shared rate budget",
      labelNames: ['channel'],
      registers,
    }),
    endToEndSeconds: new Histogram({
      name: 'syncline_sink_end_to_end_seconds',
      help: 'From the ERP commit to the end of the channel call that delivered the record',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    breakerOpen: new Gauge({
      name: 'syncline_sink_breaker_open',
      help: "1 while the channel's circuit breaker is open (calls paused), 0.5 half-open, 0 closed",
      labelNames: ['channel'],
      registers,
    }),
    channelRefused: new Gauge({
      name: 'syncline_sink_channel_refused',
      help: '1 while the channel refuses every call (credentials, permissions, a missing route): delivery paused, probed',
      labelNames: ['channel'],
      registers,
    }),
    opsUnavailable: new Gauge({
      name: 'syncline_sink_ops_unavailable',
      help: '1 while the ops database (rate budget, holdings) does not answer and delivery to the channel waits for it',
      labelNames: ['channel'],
      registers,
    }),
    staleRecords: new Counter({
      name: 'syncline_sink_stale_records_total',
      help: 'Records older than the holding of their key (a replica that lost its partition was overtaken): not sent (stage before-call), or delivered but not recorded as held (after-call)',
      labelNames: ['channel', 'stage'],
      registers,
    }),
    abandonedBatches: new Counter({
      name: 'syncline_sink_abandoned_batches_total',
      help: 'Batches let go mid-delivery because their partition went to another member (a rebalance, a session timeout); delivered again by the new owner',
      labelNames: ['channel'],
      registers,
    }),
  };
}
