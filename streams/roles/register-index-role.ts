/** The register-index role: `sync.register.v1` -> the ops database's searchable `sync_register`. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { SynclineConfig } from '../config/syncline-config.ts';
import { registerTopic } from '../contracts/register-entry.ts';
import { schemaRegistry } from '../runtime/codec/avro-codec.ts';
import { SynclineError } from '../runtime/errors.ts';
import { kafkaClient } from '../runtime/kafka/kafka-client.ts';
import { ensureTopics } from '../runtime/kafka/topics.ts';
import { consumerLagMetrics } from '../runtime/metrics.ts';
import type { RoleReadiness } from '../runtime/readiness.ts';
import { openOpsDatabase } from '../sinks/ops/ops-database.ts';
import { runRegisterIndex } from '../sinks/register-index.ts';
import type { Started } from './run-role.ts';
import { registerIndexTopology } from '../sinks/sink-topology.ts';
import { declaredCodecs } from '../topology/declared-codecs.ts';
import { registryCodecs } from '../topology/registry-codecs.ts';
import { topicSpecsOf } from '../topology/topic-specs.ts';

export interface RegisterIndexRoleOptions {
  readonly config: SynclineConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: RoleReadiness;
}

export async function startRegisterIndexRole(options: RegisterIndexRoleOptions): Promise<Started> {
  const { config, logger } = options;
  if (!config.ops) throw new SynclineError('SINK_SETUP', 'ops.databaseUrl is required to index the register');
  const kafka = kafkaClient({ ...config.kafka, clientId: `${config.kafka.clientId}-register-index` }, logger);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      topicSpecsOf([registerIndexTopology], config, config.processing.partitions),
      config.processing.replicationFactor,
    );
  } finally {
    await admin.disconnect();
  }
  const codecs = await declaredCodecs(
    registerIndexTopology,
    config,
    registryCodecs(schemaRegistry(config.schemaRegistry)),
  );
  const pool = await openOpsDatabase(config.ops.databaseUrl, 2);
  const indexed = new Counter({
    name: 'syncline_register_indexed_total',
    help: 'Register entries written to the ops database index',
    registers: [options.registry],
  });
  try {
    const running = await runRegisterIndex({
      kafka,
      codec: codecs.input(registerTopic),
      ops: pool,
      retentionDays: config.ops.registerRetentionDays,
      logger,
      onIndexed: (rows) => indexed.inc(rows),
      // An ops database error in a batch is one kafkajs does not restart from: the index would
      // stand still with the process alive; its readiness ends the process instead.
      readiness: options.readiness.consumer('register-index'),
      lag: { role: 'register-index', metrics: consumerLagMetrics(options.registry) },
    });
    return {
      async stop() {
        await running.stop();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
