/**
 * Runs one role until told to stop, with /metrics, /healthz and /readyz served for Prometheus and
 * Kubernetes probes: the processors (ingest, offers: topics ensured, schemas registered, the
 * processor running in its consumer group, exactly once unless the config says otherwise), the
 * channel sinks, or the register index.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { startMetricsServer } from '../admin/metrics-server.ts';
import type { RoleName, SynclineConfig } from '../config/syncline-config.ts';
import { schemaRegistry } from '../runtime/codec/avro-codec.ts';
import { whenRegistryAnswers } from '../runtime/codec/registry-wait.ts';
import { runProcessor } from '../runtime/eos/processing-loop.ts';
import { kafkaClient } from '../runtime/kafka/kafka-client.ts';
import { partitionerBy } from '../runtime/kafka/partitioner-by.ts';
import { ensureTopics } from '../runtime/kafka/topics.ts';
import { consumerLagMetrics, engineMetrics } from '../runtime/metrics.ts';
import { RoleReadiness } from '../runtime/readiness.ts';
import { declaredCodecs } from '../topology/declared-codecs.ts';
import { partitionKeysOf } from '../topology/partition-keys.ts';
import { registryCodecs } from '../topology/registry-codecs.ts';
import { topicSpecsOf } from '../topology/topic-specs.ts';
import { startCdcWatch } from './cdc-watch.ts';
import { ingestWithReplayDrops } from './ingest-replay-drops.ts';
import { ingestRole } from './ingest-role.ts';
import { offersRole } from './offers-role.ts';
import { ordersRole } from './orders-role.ts';
import { startErpOrdersRole } from './erp-orders-role.ts';
import { startAdminRole } from './admin-role.ts';
import { startRegisterIndexRole } from './register-index-role.ts';
import type { Role } from './role.ts';
import { startSinkRole } from './sink-role.ts';

const processorRoles: Partial<Record<RoleName, (config: SynclineConfig) => Role>> = {
  ingest: ingestRole,
  offers: offersRole,
  orders: ordersRole,
};

export interface RunRoleOptions {
  readonly config: SynclineConfig;
  readonly role: RoleName;
  readonly logger: Logger;
  /** Overrides the config's port for this role; 0 = any free port. */
  readonly metricsPort?: number;
  /** Sink role only: deliver these channels (default: every channel with a sink). */
  readonly channels?: readonly string[];
}

export interface RunningRole {
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

export interface Started {
  stop(): Promise<void>;
}

export async function runRole(options: RunRoleOptions): Promise<RunningRole> {
  const { config, logger } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'syncline_' });
  if (options.role === 'admin') return runAdminRole(options, registry);
  let started: Started | undefined;
  // A consumer kafkajs gave up on never comes back, and a role without it would look alive while
  // doing nothing: exit non-zero, so the supervisor (Kubernetes, systemd) starts a fresh process
  // whose tasks restart from their last commit.
  const readiness = new RoleReadiness((consumer, error) => {
    logger.fatal({ err: error, consumer }, `consumer ${consumer} is gone for good; exiting`);
    process.exit(1);
  });
  const server: FastifyInstance = await startMetricsServer({
    host: config.metrics.host,
    port: options.metricsPort ?? config.metrics.ports[options.role],
    registry,
    readiness: () => readiness.report(),
  });
  const address = server.server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : 0;
  const metricsUrl = `http://${config.metrics.host}:${boundPort}/metrics`;
  try {
    const processorRole = processorRoles[options.role];
    started = processorRole
      ? await startProcessorRole(options, processorRole(config), registry, readiness)
      : options.role === 'sink'
        ? await startSinkWithReadiness(options, registry, readiness)
        : options.role === 'erp-orders'
          ? await startErpOrdersRole({ config, logger, registry, readiness })
          : await startRegisterIndexRole({ config, logger, registry, readiness });
  } catch (error) {
    await server.close();
    throw error;
  }
  logger.info({ role: options.role, metrics: metricsUrl }, 'running');
  const running = started;
  return {
    metricsUrl,
    async stop() {
      await running.stop();
      await server.close();
    },
  };
}

/** The admin role serves its API on the role's own server: started with it, stopped with it. */
async function runAdminRole(options: RunRoleOptions, registry: Registry): Promise<RunningRole> {
  const { config, logger } = options;
  const admin = await startAdminRole({ config, logger, registry, port: options.metricsPort });
  const address = admin.server.server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : 0;
  const metricsUrl = `http://${config.metrics.host}:${boundPort}/metrics`;
  logger.info(
    { role: options.role, metrics: metricsUrl, api: `http://${config.metrics.host}:${boundPort}/api/v1` },
    'running',
  );
  return { metricsUrl, stop: () => admin.stop() };
}

/**
 * The sink workers' consumers report no readiness of their own yet (their wiring is in
 * sink-role.ts and sink-worker.ts): the role counts as ready once every worker has joined, and
 * each worker's `onFatal` exits on a consumer gone for good.
 */
async function startSinkWithReadiness(
  options: RunRoleOptions,
  registry: Registry,
  readiness: RoleReadiness,
): Promise<Started> {
  const sinks = readiness.consumer('sink');
  const { config, logger, channels } = options;
  const started = await startSinkRole({ config, logger, registry, channels });
  sinks.assigned([]);
  return {
    async stop() {
      sinks.stopping();
      await started.stop();
    },
  };
}

async function startProcessorRole(
  options: RunRoleOptions,
  role: Role,
  registry: Registry,
  readiness: RoleReadiness,
): Promise<Started> {
  const { config, logger } = options;
  const kafka = kafkaClient(
    { ...config.kafka, clientId: `${config.kafka.clientId}-${options.role}` },
    logger,
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      topicSpecsOf([role.topology], config, config.processing.partitions),
      config.processing.replicationFactor,
    );
  } finally {
    await admin.disconnect();
  }
  const codecs = await whenRegistryAnswers(
    () => declaredCodecs(role.topology, config, registryCodecs(schemaRegistry(config.schemaRegistry))),
    logger,
  );
  const running = await runProcessor({
    kafka,
    groupId: role.topology.group,
    // Ingest's replay drops are counted and logged here, on the role's side: the processor is pure.
    processor:
      options.role === 'ingest'
        ? ingestWithReplayDrops(config, registry, logger, {
            deletedKeyGraceMs: config.processing.deletedKeyGraceMs,
          })
        : role.processor,
    codecs,
    stateDir: config.processing.stateDir,
    metrics: engineMetrics(registry),
    logger,
    // As each topic declares: co-partitioned topics by the key's SKU (or family SKU) part only.
    createPartitioner: partitionerBy(partitionKeysOf(role.topology, config)),
    commitIntervalMs: config.processing.commitIntervalMs,
    maxWaitTimeMs: config.processing.maxWaitTimeMs,
    exactlyOnce: config.processing.exactlyOnce,
    staleTaskFolderMs: config.processing.staleTaskFolderMs,
    // Ready once every task has started; gone for good ends the process (see runRole).
    readiness: readiness.consumer('processor'),
    lag: { role: options.role, metrics: consumerLagMetrics(registry) },
  });
  logger.info(
    { inputs: role.processor.inputTopics, exactlyOnce: config.processing.exactlyOnce },
    'processor running',
  );
  // Ingest is the role that consumes CDC, so it is the one that notices when CDC stops.
  const watch =
    options.role === 'ingest' && config.cdc
      ? await startCdcWatch(config.cdc, kafka, registry, logger, () => running.tasks().includes(0))
      : undefined;
  return {
    ...running,
    async stop() {
      await watch?.stop();
      await running.stop();
    },
  };
}
