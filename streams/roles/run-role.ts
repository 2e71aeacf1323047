/**
 * Runs one role until told to stop: topics ensured, schemas registered, the processor running in
 * its consumer group (exactly once unless the config says otherwise), and /metrics, /healthz and
 * /readyz served for Prometheus and Kubernetes probes.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { startMetricsServer } from '../admin/metrics-server.ts';
import type { RoleName, SynclineConfig } from '../config/syncline-config.ts';
import { skuOfKey } from '../processors/canonical.ts';
import { schemaRegistry } from '../runtime/codec/avro-codec.ts';
import { runProcessor, type RunningProcessor } from '../runtime/eos/processing-loop.ts';
import { kafkaClient } from '../runtime/kafka/kafka-client.ts';
import { partitionerBy } from '../runtime/kafka/partitioner-by.ts';
import { ensureTopics } from '../runtime/kafka/topics.ts';
import { engineMetrics } from '../runtime/metrics.ts';
import { ingestRole } from './ingest-role.ts';
import { offersRole } from './offers-role.ts';
import type { Role } from './role.ts';

const roles: Record<RoleName, (config: SynclineConfig) => Role> = { ingest: ingestRole, offers: offersRole };

export interface RunRoleOptions {
  readonly config: SynclineConfig;
  readonly role: RoleName;
  readonly logger: Logger;
  /** Overrides the config's port for this role; 0 = any free port. */
  readonly metricsPort?: number;
}

export interface RunningRole {
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

export async function runRole(options: RunRoleOptions): Promise<RunningRole> {
  const { config, logger } = options;
  const role = roles[options.role](config);
  const kafka = kafkaClient(
    { ...config.kafka, clientId: `${config.kafka.clientId}-${options.role}` },
    logger,
  );

  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, role.topics, config.processing.replicationFactor);
  } finally {
    await admin.disconnect();
  }
  const codecs = await role.codecs(schemaRegistry(config.schemaRegistry.url));

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'syncline_' });
  let running: RunningProcessor | undefined;
  const server: FastifyInstance = await startMetricsServer({
    host: config.metrics.host,
    port: options.metricsPort ?? config.metrics.ports[options.role],
    registry,
    ready: () => running !== undefined,
  });
  const address = server.server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : 0;
  const metricsUrl = `http://${config.metrics.host}:${boundPort}/metrics`;

  try {
    running = await runProcessor({
      kafka,
      groupId: `syncline-${options.role}`,
      processor: role.processor,
      codecs,
      stateDir: config.processing.stateDir,
      metrics: engineMetrics(registry),
      logger,
      // Every key syncline writes starts with the SKU (or family SKU): partition by that part only.
      createPartitioner: partitionerBy(skuOfKey),
      commitIntervalMs: config.processing.commitIntervalMs,
      maxWaitTimeMs: config.processing.maxWaitTimeMs,
      exactlyOnce: config.processing.exactlyOnce,
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  logger.info(
    {
      role: options.role,
      inputs: role.processor.inputTopics,
      metrics: metricsUrl,
      exactlyOnce: config.processing.exactlyOnce,
    },
    'running',
  );
  const processor = running;
  return {
    metricsUrl,
    async stop() {
      await processor.stop();
      await server.close();
    },
  };
}
