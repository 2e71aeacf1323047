/** The CDC watchdog's metrics, on the role's own prom-client registry. */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface CdcMetrics {
  readonly heartbeatAgeSeconds: Gauge<'connector'>;
  readonly stalled: Gauge<'connector'>;
  readonly recoveries: Counter<'connector' | 'action'>;
}

export function cdcMetrics(registry: Registry): CdcMetrics {
  const registers = [registry];
  return {
    heartbeatAgeSeconds: new Gauge({
      name: 'syncline_cdc_heartbeat_age_seconds',
      help: "Seconds since the connector's Debezium heartbeat topic last moved",
      labelNames: ['connector'],
      registers,
    }),
    stalled: new Gauge({
      name: 'syncline_cdc_stalled',
      help: '1 while the connector is stalled (no heartbeat for cdc.stallAfterMs), else 0',
      labelNames: ['connector'],
      registers,
    }),
    recoveries: new Counter({
      name: 'syncline_cdc_recoveries_total',
      help: 'Recovery actions taken on a stalled connector (restart, end-slot-holder)',
      labelNames: ['connector', 'action'],
      registers,
    }),
  };
}
