/**
 * The sink role: one sink worker per delivered channel (every channel with a `sink:` section, or
 * those named with --channel), sharing one Kafka client, one register writer and one ops database
 * pool. Topics it reads or writes are created when missing, the register schema is registered.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SynclineConfig } from '../config/syncline-config.ts';
import { offerTopicOf } from '../contracts/topics.ts';
import { schemaRegistry } from '../runtime/codec/avro-codec.ts';
import { whenRegistryAnswers } from '../runtime/codec/registry-wait.ts';
import { SynclineError } from '../runtime/errors.ts';
import { kafkaClient } from '../runtime/kafka/kafka-client.ts';
import { ensureTopics } from '../runtime/kafka/topics.ts';
import { consumerLagMetrics } from '../runtime/metrics.ts';
import type { RunningConsumer } from '../runtime/sink/batch-consumer.ts';
import { openRecordWriter } from '../runtime/sink/record-writer.ts';
import { adapterFactories } from '../sinks/adapter-registry.ts';
import { expireDelistedHoldings } from '../sinks/ops/delisted-holdings-expiry.ts';
import { openOpsDatabase } from '../sinks/ops/ops-database.ts';
import { checkSinks } from '../sinks/sink-config.ts';
import { sinkMetrics } from '../sinks/sink-metrics.ts';
import { runChannelSink } from '../sinks/sink-worker.ts';
import { channelSinkTopology } from '../sinks/sink-topology.ts';
import { declaredCodecs } from '../topology/declared-codecs.ts';
import { registryCodecs } from '../topology/registry-codecs.ts';
import { topicSpecsOf } from '../topology/topic-specs.ts';
import type { Started } from './run-role.ts';

export interface SinkRoleOptions {
  readonly config: SynclineConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly channels?: readonly string[];
}

export async function startSinkRole(options: SinkRoleOptions): Promise<Started> {
  const { config, logger } = options;
  const delivered = config.channels.filter((c) => c.sink !== undefined);
  const unknown = (options.channels ?? []).filter((id) => !delivered.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new SynclineError(
      'SINK_SETUP',
      `--channel ${unknown.join(', ')}: no such channel with a sink in the config (channels with a sink: ${delivered.map((c) => c.id).join(', ') || 'none'})`,
    );
  }
  const channels = options.channels?.length
    ? delivered.filter((c) => options.channels?.includes(c.id))
    : delivered;
  if (channels.length === 0) {
    throw new SynclineError(
      'SINK_SETUP',
      'no channel has a sink: add a `sink:` section to a channel of the config',
    );
  }
  const { settings } = checkSinks(config.channels, config.ops);
  const ops = config.ops;
  if (!ops) throw new SynclineError('SINK_SETUP', 'ops.databaseUrl is required to run sinks');

  const kafka = kafkaClient({ ...config.kafka, clientId: `${config.kafka.clientId}-sink` }, logger);
  // The topics of the channels this process delivers, as the sink's declaration names them.
  const delivering = { ...config, channels };
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      topicSpecsOf([channelSinkTopology], delivering, config.processing.partitions),
      config.processing.replicationFactor,
    );
  } finally {
    await admin.disconnect();
  }
  const registry = schemaRegistry(config.schemaRegistry);
  const codecs = await whenRegistryAnswers(
    () => declaredCodecs(channelSinkTopology, delivering, registryCodecs(registry)),
    logger,
  );
  const pool = await openOpsDatabase(ops.databaseUrl, 2 + channels.length * 2);
  const writer = await openRecordWriter(kafka, (topic) => codecs.output(topic));
  const metrics = sinkMetrics(options.registry);
  const lag = { role: 'sink', metrics: consumerLagMetrics(options.registry) };
  const expiry = expireDelistedHoldings({
    pool,
    channels: channels.map((c) => c.id),
    retentionDays: ops.delistedHoldingRetentionDays,
    logger,
  });
  const running: RunningConsumer[] = [];
  try {
    for (const channel of channels) {
      const sink = channel.sink!;
      const factory = adapterFactories[sink.adapter]!;
      const adapter = factory.create(settings.get(channel.id) as never, channel.id);
      running.push(
        await runChannelSink({
          kafka,
          channel: channel.id,
          topic: offerTopicOf(channel.id),
          sink,
          adapter,
          offerCodec: codecs.input(offerTopicOf(channel.id)),
          writer,
          ops: pool,
          metrics,
          lag,
          logger,
          onFatal: (error) => {
            // A sink without its consumer would look alive and deliver nothing: exit, so the
            // supervisor (Kubernetes, systemd, the demo's watcher) starts a fresh one.
            logger.fatal({ err: error, channel: channel.id }, 'the sink consumer stopped for good; exiting');
            process.exit(1);
          },
        }),
      );
    }
  } catch (error) {
    expiry.stop();
    await Promise.all(running.map((r) => r.stop()));
    await writer.close();
    await pool.end();
    throw error;
  }
  return {
    async stop() {
      expiry.stop();
      await Promise.all(running.map((r) => r.stop()));
      await writer.close();
      await pool.end();
    },
  };
}
