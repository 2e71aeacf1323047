/**
 * The register-index role: `sync.register.v1` -> the ops database's searchable `sync_register`,
 * and every dead-letter topic (ingest's, offers', each configured channel's) -> `dead_letter`, so
 * the open problems of every stage can be searched (streams/admin/).
 */
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
import { runDeadLetterIndex } from '../sinks/dead-letter-index.ts';
import { runRegisterIndex } from '../sinks/register-index.ts';
import type { Started } from './run-role.ts';
import { deadLetterIndexTopology, registerIndexTopology } from '../sinks/sink-topology.ts';
import { topicNamesOfAll } from '../contracts/topology-nodes.ts';
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
      topicSpecsOf([registerIndexTopology, deadLetterIndexTopology], config, config.processing.partitions),
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
  const deadLetterCodecs = await declaredCodecs(
    deadLetterIndexTopology,
    config,
    registryCodecs(schemaRegistry(config.schemaRegistry.url)),
  );
  const deadLetterTopics = topicNamesOfAll(deadLetterIndexTopology.reads, config);
  const pool = await openOpsDatabase(config.ops.databaseUrl, 3);
  const indexed = new Counter({
    name: 'syncline_register_indexed_total',
    help: 'Register entries written to the ops database index',
    registers: [options.registry],
  });
  const deadLettersIndexed = new Counter({
    name: 'syncline_dead_letters_indexed_total',
    help: 'Dead letters (of every stage) written to the ops database index',
    registers: [options.registry],
  });
  let register: Awaited<ReturnType<typeof runRegisterIndex>> | undefined;
  try {
    register = await runRegisterIndex({
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
    const deadLetters = await runDeadLetterIndex({
      kafka,
      topics: deadLetterTopics,
      // Every dead-letter topic is JSON (parked-record.ts): one codec reads them all.
      codec: deadLetterCodecs.input(deadLetterTopics[0] ?? ''),
      ops: pool,
      sources: config.sources.map((s) => ({ id: s.id, topicPrefix: s.topicPrefix })),
      retentionDays: config.ops.registerRetentionDays,
      logger: logger.child({ index: 'dead-letters' }),
      onIndexed: (rows) => deadLettersIndexed.inc(rows),
      readiness: options.readiness.consumer('dead-letter-index'),
    });
    const running = register;
    return {
      async stop() {
        await Promise.all([running.stop(), deadLetters.stop()]);
        await pool.end();
      },
    };
  } catch (error) {
    await register?.stop().catch(() => undefined);
    await pool.end();
    throw error;
  }
}
