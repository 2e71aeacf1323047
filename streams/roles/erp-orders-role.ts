/**
 * The ERP order sink role: consumes erp.order.command.v1 (at least once, a consumer group over its
 * partitions), writes each command into the configured ERP's interchange tables through the
 * idempotent writer, records every outcome in the register, and answers
 * `GET /orders/<channel>/<channel order id>` with the ERP order id on `orders.lookup`.
 */
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { orderLookupRoutes } from '../admin/order-lookup-routes.ts';
import type { SynclineConfig } from '../config/syncline-config.ts';
import { topicNameOf } from '../contracts/topics.ts';
import { schemaRegistry } from '../runtime/codec/avro-codec.ts';
import { whenRegistryAnswers } from '../runtime/codec/registry-wait.ts';
import { SynclineError } from '../runtime/errors.ts';
import { kafkaClient } from '../runtime/kafka/kafka-client.ts';
import { ensureTopics } from '../runtime/kafka/topics.ts';
import type { RoleReadiness } from '../runtime/readiness.ts';
import { consumeInBatches } from '../runtime/sink/batch-consumer.ts';
import { openRecordWriter } from '../runtime/sink/record-writer.ts';
import { findErpOrder } from '../sinks/erp-orders/erp-order-lookup.ts';
import { erpOrderBatchHandler } from '../sinks/erp-orders/erp-order-sink.ts';
import { createErpOrderWriter, openErpOrderStore } from '../sinks/erp-orders/erp-order-writer.ts';
import { erpOrderSinkTopology } from '../sinks/erp-orders/erp-orders-topology.ts';
import { declaredCodecs } from '../topology/declared-codecs.ts';
import { registryCodecs } from '../topology/registry-codecs.ts';
import { topicSpecsOf } from '../topology/topic-specs.ts';
import type { Started } from './run-role.ts';

export interface ErpOrdersRoleOptions {
  readonly config: SynclineConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: RoleReadiness;
}

export async function startErpOrdersRole(options: ErpOrdersRoleOptions): Promise<Started> {
  const { config, logger } = options;
  const erp = config.orders?.erp;
  if (erp === undefined) {
    throw new SynclineError(
      'SINK_SETUP',
      'the erp-orders role needs orders.erp (the ERP database) in the config',
    );
  }
  const kafka = kafkaClient({ ...config.kafka, clientId: `${config.kafka.clientId}-erp-orders` }, logger);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      topicSpecsOf([erpOrderSinkTopology], config, config.processing.partitions),
      config.processing.replicationFactor,
    );
  } finally {
    await admin.disconnect();
  }
  const codecs = await whenRegistryAnswers(
    () =>
      declaredCodecs(erpOrderSinkTopology, config, registryCodecs(schemaRegistry(config.schemaRegistry.url))),
    logger,
  );
  const store = openErpOrderStore(erp);
  const writer = createErpOrderWriter(store);
  const records = await openRecordWriter(kafka, (topic) => codecs.output(topic));
  const outcomes = new Counter({
    name: 'syncline_erp_orders_total',
    help: 'ERP order commands by outcome (written, unchanged, refused, PARKED when unreadable)',
    labelNames: ['outcome'],
    registers: [options.registry],
  });
  const lookup = Fastify({ logger: false });
  orderLookupRoutes(lookup, { find: (channel, id) => findErpOrder(store, channel, id) });
  const commandTopic = topicNameOf('erpOrderCommand');
  const log = logger.child({ sink: 'erp-orders' });
  const consumer = await consumeInBatches({
    kafka,
    groupId: erpOrderSinkTopology.group,
    topic: commandTopic,
    codec: codecs.input(commandTopic),
    logger: log,
    concurrency: config.processing.partitions,
    readiness: options.readiness.consumer('erp-orders'),
    onFatal: (error) => {
      log.fatal({ err: error }, 'the ERP order consumer stopped for good; exiting');
      process.exit(1);
    },
    onBatch: erpOrderBatchHandler({
      writer,
      records,
      logger: log,
      parallel: erp.poolSize,
      onOutcome: (outcome) => outcomes.inc({ outcome }),
    }),
  });
  const { host, port } = config.orders!.lookup;
  await lookup.listen({ host, port });
  const address = lookup.server.address();
  log.info(
    {
      lookup: `http://${host}:${address !== null && typeof address === 'object' ? address.port : port}/orders`,
    },
    'order lookup listening',
  );
  return {
    async stop() {
      await consumer.stop();
      await lookup.close();
      await records.close();
      await writer.close();
    },
  };
}
