/**
 * Starts the CDC watchdog beside the ingest processor when the config has a `cdc` section: the
 * heartbeat topics read through the role's Kafka client, Connect through its REST API, the
 * replication slots through the connector user's own login. Only the instance that runs task 0
 * acts, so a scaled ingest restarts a connector once, not once per replica.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConnectClient } from '../../connectors/connect-client.ts';
import type { CdcConfig } from '../cdc/cdc-config.ts';
import { cdcMetrics } from '../cdc/cdc-metrics.ts';
import { startCdcWatchdog } from '../cdc/cdc-watchdog.ts';
import { slotDatabase } from '../cdc/slot-holder.ts';
import { endOffsetOfTopics } from '../runtime/kafka/end-offset-of-topics.ts';

export interface CdcWatch {
  stop(): Promise<void>;
}

export async function startCdcWatch(
  config: CdcConfig,
  kafka: Kafka,
  registry: Registry,
  logger: Logger,
  acts: () => boolean,
): Promise<CdcWatch> {
  const admin = kafka.admin();
  await admin.connect();
  const connect = new ConnectClient(config.connectUrl);
  const watchdog = startCdcWatchdog({
    config,
    endOffsetOfTopics: (chosen) => endOffsetOfTopics(admin, chosen),
    connect: { status: (name) => connect.status(name), restart: (name) => connect.restartAll(name) },
    slotDatabase,
    metrics: cdcMetrics(registry),
    logger,
    acts,
  });
  logger.info(
    { connectors: config.connectors.map((c) => c.name), stallAfterMs: config.stallAfterMs },
    'CDC watchdog running',
  );
  return {
    async stop() {
      await watchdog.stop();
      await admin.disconnect();
    },
  };
}
