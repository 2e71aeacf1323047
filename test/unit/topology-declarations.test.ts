/**
 * Roles take everything about a topic from its declaration: the topics they create (and with
 * which cleanup and retention), the codecs they read and write with, the part of the key they
 * partition by. A topic a node did not declare has no codec, so it cannot be written at all,
 * where it used to go out as JSON. Each processor's topics are its declaration's.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import { declarationsByName, type TopologyConfig } from '../../streams/contracts/topology-nodes.ts';
import { topics, type TopicId } from '../../streams/contracts/topics.ts';
import { ingestProcessor } from '../../streams/processors/ingest/ingest-processor.ts';
import { ingestTopology } from '../../streams/processors/ingest/ingest-topology.ts';
import { offersProcessor } from '../../streams/processors/offers/offers-processor.ts';
import { offersTopology } from '../../streams/processors/offers/offers-topology.ts';
import { jsonCodec, textCodec, type TopicCodec } from '../../streams/runtime/codec/topic-codec.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { channelSinkTopology, registerIndexTopology } from '../../streams/sinks/sink-topology.ts';
import { declaredCodecs, type AvroCodecs } from '../../streams/topology/declared-codecs.ts';
import { partitionKeysOf } from '../../streams/topology/partition-keys.ts';
import { schemasDir } from '../../streams/topology/registry-codecs.ts';
import { topicSpecsOf } from '../../streams/topology/topic-specs.ts';
import { topologyNodes } from '../../streams/topology/topology-nodes.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sample = loadSynclineConfig(join(repoRoot, 'infra', 'local', 'syncline.yaml'), {
  SYNCLINE_KAFKA_BROKERS: 'localhost:9092',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'http://localhost:8081',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://ops@localhost/ops',
  SYNCLINE_MAGENTO_URL: 'http://localhost:8480',
  SYNCLINE_WEBHOOK_URL: 'http://localhost:8490/webhook',
  SYNCLINE_CONNECT_URL: 'http://localhost:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium@localhost/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app@erp-db:5432/erp',
});
const month = String(30 * 24 * 3600 * 1000);

/** Avro codecs that say which topic and schema they were made for, without a registry. */
function namedAvro(registered: string[]): AvroCodecs {
  const reader: TopicCodec = { decode: () => 'avro reader', encode: () => Buffer.alloc(0) };
  return {
    writer: (topic, schemaFile) => {
      registered.push(`${topic} ${schemaFile}`);
      return Promise.resolve({ decode: () => null, encode: () => Buffer.from(`${topic} ${schemaFile}`) });
    },
    reader: () => reader,
  };
}

describe('topics created from the declarations', () => {
  it('gives each role its topics with the declared cleanup, retention and the config partitions', () => {
    const offers = topicSpecsOf([offersTopology], sample, 6);
    assert.deepEqual(
      offers.map((spec) => [spec.name, spec.compacted, spec.configs?.['retention.ms'] ?? '-']),
      [
        ['catalog.product.v1', true, '-'],
        ['catalog.stock.v1', true, '-'],
        ['catalog.price.v1', true, '-'],
        ['syncline.offers.family.v1', true, '-'],
        ['channel.webshop.offer.v1', true, '-'],
        ['channel.b2b-portal.offer.v1', true, '-'],
        ['channel.marketplace.offer.v1', true, '-'],
        ['channel.webshop.dlq.v1', false, month],
        ['channel.b2b-portal.dlq.v1', false, month],
        ['channel.marketplace.dlq.v1', false, month],
        ['syncline.offers.dlq.v1', false, month],
      ],
    );
    assert.ok(offers.every((spec) => spec.partitions === 6));
    // Debezium creates the CDC topics: ingest creates only what it writes.
    assert.deepEqual(
      topicSpecsOf([ingestTopology], sample, 4).map((spec) => spec.name),
      ['catalog.product.v1', 'catalog.stock.v1', 'catalog.price.v1', 'syncline.ingest.dlq.v1'],
    );
  });

  it('gives the sink and the register index the same register topic, from one declaration', () => {
    const webshop = { ...sample, channels: sample.channels.filter((c) => c.id === 'webshop') };
    const sink = topicSpecsOf([channelSinkTopology], webshop, 4);
    assert.deepEqual(
      sink.map((spec) => spec.name),
      ['channel.webshop.offer.v1', 'sync.register.v1', 'channel.webshop.dlq.v1'],
    );
    const register = topicSpecsOf([registerIndexTopology], sample, 4);
    assert.deepEqual(register, [sink.find((spec) => spec.name === 'sync.register.v1')]);
    assert.deepEqual(register[0], {
      name: 'sync.register.v1',
      partitions: 4,
      compacted: false,
      configs: { 'retention.ms': month },
    });
  });
});

describe('codecs from the declarations', () => {
  it('registers the declared schema for each Avro output and writes dead letters as JSON', async () => {
    const registered: string[] = [];
    const codecs = await declaredCodecs(offersTopology, sample, namedAvro(registered));
    assert.deepEqual(registered, [
      'channel.webshop.offer.v1 channel.offer.v1.avsc',
      'channel.b2b-portal.offer.v1 channel.offer.v1.avsc',
      'channel.marketplace.offer.v1 channel.offer.v1.avsc',
    ]);
    assert.equal(
      String(await codecs.output('channel.b2b-portal.offer.v1').encode({})),
      'channel.b2b-portal.offer.v1 channel.offer.v1.avsc',
    );
    assert.equal(codecs.output('channel.webshop.dlq.v1'), jsonCodec);
    assert.equal(codecs.output('syncline.offers.family.v1'), jsonCodec);
    assert.equal(codecs.input('syncline.offers.family.v1'), jsonCodec);
    assert.equal(codecs.input('catalog.stock.v1').decode(Buffer.alloc(0)), 'avro reader');
  });

  it('reads CDC topics as text and registers the canonical schemas for ingest', async () => {
    const registered: string[] = [];
    const codecs = await declaredCodecs(ingestTopology, sample, namedAvro(registered));
    assert.deepEqual(registered, [
      'catalog.product.v1 catalog.product.v1.avsc',
      'catalog.stock.v1 catalog.stock.v1.avsc',
      'catalog.price.v1 catalog.price.v1.avsc',
    ]);
    assert.equal(codecs.input('erp.mariadb.erp.stock_level'), textCodec);
    assert.equal(codecs.output('syncline.ingest.dlq.v1'), jsonCodec);
  });

  it('refuses a topic the node did not declare, naming it, instead of writing JSON', async () => {
    const codecs = await declaredCodecs(offersTopology, sample, namedAvro([]));
    const undeclared = (topic: string) => (error: unknown) => {
      assert.ok(error instanceof SynclineError);
      assert.equal(error.code, 'TOPIC_UNDECLARED');
      assert.equal(error.retriable, false);
      assert.match(
        error.message,
        new RegExp(`offers would (write|read) the topic ${topic.replace(/\./g, '\\.')}`),
      );
      return true;
    };
    assert.throws(() => codecs.output('channel.outlet.offer.v1'), undeclared('channel.outlet.offer.v1'));
    assert.throws(() => codecs.output('catalog.product.v1'), undeclared('catalog.product.v1'));
    assert.throws(() => codecs.input('sync.register.v1'), undeclared('sync.register.v1'));
  });
});

describe('partitioning from the declarations', () => {
  it('hashes the SKU part of co-partitioned topics and the whole key of the others', () => {
    const offers = partitionKeysOf(offersTopology, sample);
    assert.equal(offers('SKU-1\u001fWH-MAIN', 'channel.webshop.offer.v1'), 'SKU-1');
    assert.equal(offers('FAM-1\u001fSKU-2', 'syncline.offers.family.v1'), 'FAM-1');
    const sink = partitionKeysOf(channelSinkTopology, sample);
    assert.equal(sink('webshop/SKU-1\u001fx', 'sync.register.v1'), 'webshop/SKU-1\u001fx');
  });
});

describe('each processor as declared', () => {
  const resolved = (node: typeof ingestTopology, config: TopologyConfig) => {
    const byName = declarationsByName(node, config);
    const of = (uses: typeof node.reads) =>
      [...byName].filter(([, id]) => uses.some((use) => use.topic === id)).map(([name]) => name);
    return { reads: of(node.reads), parks: of(node.parks) };
  };

  it('reads what its declaration names and parks where it declares', () => {
    const ingest = ingestProcessor(sample);
    assert.deepEqual(ingest.inputTopics, resolved(ingestTopology, sample).reads);
    assert.ok(resolved(ingestTopology, sample).parks.includes(ingest.dlqTopic({ code: 'X', message: 'x' })));
    const offers = offersProcessor(sample);
    assert.deepEqual(offers.inputTopics, resolved(offersTopology, sample).reads);
    const parks = resolved(offersTopology, sample).parks;
    for (const channel of sample.channels)
      assert.ok(parks.includes(offers.dlqTopic({ code: 'X', message: 'x', channel: channel.id })));
    assert.ok(parks.includes(offers.dlqTopic({ code: 'X', message: 'x' })));
  });

  it('has a schema file for every Avro topic a node writes', () => {
    const written = new Set<TopicId>(topologyNodes.flatMap((node) => node.writes.map((use) => use.topic)));
    assert.ok(written.size > 0);
    for (const id of written) {
      const codec = topics[id].codec;
      if (codec.kind === 'avro')
        assert.ok(existsSync(join(schemasDir, codec.schema)), `${id}: ${codec.schema}`);
    }
  });

  it('declares the order topics for the orders work, in Avro', () => {
    for (const id of ['channelOrder', 'erpOrderCommand', 'channelOrderStatus'] as const)
      assert.equal(topics[id].codec.kind, 'avro');
    assert.equal(topics.channelOrder.name, 'channel.<id>.order.v1');
    assert.equal(topics.erpOrderCommand.name, 'erp.order.command.v1');
    assert.equal(topics.channelOrderStatus.name, 'channel.<id>.order-status.v1');
  });
});
