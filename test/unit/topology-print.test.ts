/**
 * `syncline topology` prints the graph from the declarations: the output is pinned here, so a
 * change to a topic, a processor's inputs or outputs, or a store shows in review as a change of
 * this text. With a config, each node's topics are that config's concrete names.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import { printTopology } from '../../streams/topology/print-topology.ts';
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

const pinned = `syncline topology: sources -> processors -> topics -> sinks

sources
  Debezium on Kafka Connect, one connector per ERP database
    writes  <topicPrefix>.<schema>.<table>
            __debezium-heartbeat.<topicPrefix>

processors
  ingest: processor in role ingest, consumer group syncline-ingest
    reads   <topicPrefix>.<schema>.<table>
    writes  catalog.product.v1
            catalog.stock.v1
            catalog.price.v1
    parks   syncline.ingest.dlq.v1
    stores  positions: <cdc topic> U+001F <cdc key> -> the last source position let through (LSN, GTID or binlog position)
            positions-expiry.*: deleted keys by time bucket -> when each deleted key is forgotten (processing.deletedKeyGraceMs)
  offers: processor in role offers, consumer group syncline-offers
    reads   catalog.product.v1
            catalog.stock.v1
            catalog.price.v1
            syncline.offers.family.v1  (when a channel groups variants)
    writes  channel.<id>.offer.v1
            syncline.offers.family.v1  (when a channel groups variants)
    parks   channel.<id>.dlq.v1
            syncline.offers.dlq.v1
    stores  sku: SKU -> the joined product, stock rows and prices of the SKU
            family: family SKU -> the family's parent and variants
            last: <channel> U+001F <key> -> the content hash last written (suppression)
            parked: <channel> U+001F <key> -> the sentence last parked (one dead letter per problem)
  orders: processor in role orders, consumer group syncline-orders
    reads   channel.<id>.order.v1
            catalog.product.v1
            catalog.stock.v1
            syncline.orders.line-lookup.v1
            syncline.orders.line-answer.v1
    writes  erp.order.command.v1
            sync.register.v1
            syncline.orders.line-lookup.v1
            syncline.orders.line-answer.v1
    parks   syncline.orders.dlq.v1
    stores  order: channel U+001F channel order id -> the newest version seen, whether a command went to the ERP, the order awaiting its line answers
            product: SKU -> the SKU is a product of the ERP
            stock: SKU U+001F warehouse -> units available (on hand - reserved)
  cdc watchdog: watchdog in role ingest, consumer group none (end offsets only)
    reads   __debezium-heartbeat.<topicPrefix>
            <topicPrefix>.<schema>.<table>

sinks
  channel sink: sink in role sink, consumer group syncline-sink-<id>
    reads   channel.<id>.offer.v1
    writes  sync.register.v1
    parks   channel.<id>.dlq.v1
    to      the channel's API, through its adapter (magento, webhook, db-table)
    stores  ops channel_holding: channel, key -> the content hash the channel holds
            ops sink_budget: channel -> the API budget shared by the channel's replicas
  ERP order sink: sink in role erp-orders, consumer group syncline-erp-orders
    reads   erp.order.command.v1
    writes  sync.register.v1
    parks   syncline.orders.dlq.v1
    to      the ERP's order interchange tables (PostgreSQL or MariaDB)
    stores  ERP sales_order, sales_order_line, sales_order_status: sales channel, channel order id (unique) -> the ERP order, its lines and its status history
  register index: sink in role register-index, consumer group syncline-register-index
    reads   sync.register.v1
    to      the ops database
    stores  ops sync_register: register partition, offset -> the register entry
  dead-letter index: sink in role register-index, consumer group syncline-dead-letter-index
    reads   syncline.ingest.dlq.v1
            syncline.offers.dlq.v1
            channel.<id>.dlq.v1
    to      the ops database
    stores  ops dead_letter: DLQ topic, partition, offset -> the dead letter and its ERP lineage

topics (streams/contracts/topics.ts)
  <topicPrefix>.<schema>.<table>
    key     the ERP table's primary key (Debezium's JSON key); partitioned as Debezium writes it
    value   a Debezium change event (op r/c/u/d) or a tombstone; Debezium's JSON (schemas off)
    kept    deleted after the broker's retention; created by Debezium
    from    Debezium
    to      ingest, cdc watchdog
  __debezium-heartbeat.<topicPrefix>
    key     the connector's server name; partitioned as Debezium writes it
    value   a heartbeat every heartbeat.interval.ms, also when the ERP is idle; Debezium's JSON (schemas off)
    kept    deleted after the broker's retention; created by Debezium
    from    Debezium
    to      cdc watchdog
  catalog.product.v1
    key     SKU; partitioned by the key up to its first U+001F (the SKU)
    value   the canonical product; Avro, schemas/catalog.product.v1.avsc, subject <topic>-value
    kept    compacted; created by the roles that use it
    from    ingest
    to      offers, orders
  catalog.stock.v1
    key     SKU U+001F warehouse; partitioned by the key up to its first U+001F (the SKU)
    value   the canonical stock level; Avro, schemas/catalog.stock.v1.avsc, subject <topic>-value
    kept    compacted; created by the roles that use it
    from    ingest
    to      offers, orders
  catalog.price.v1
    key     SKU U+001F price list; partitioned by the key up to its first U+001F (the SKU)
    value   the canonical price; Avro, schemas/catalog.price.v1.avsc, subject <topic>-value
    kept    compacted; created by the roles that use it
    from    ingest
    to      offers
  syncline.ingest.dlq.v1
    key     SKU, or the CDC key, or <topic>/<partition>@<offset>; partitioned by the key up to its first U+001F (the SKU)
    value   a dead letter: code, sentence, source position and bytes; JSON
    kept    deleted after 30 days; created by the roles that use it
    from    ingest
    to      dead-letter index, an operator
  syncline.offers.family.v1
    key     family SKU U+001F SKU; partitioned by the key up to its first U+001F (the SKU)
    value   the SKU's joined state while it is a member of the family; JSON
    kept    compacted; created by the roles that use it
    from    offers
    to      offers
  syncline.offers.dlq.v1
    key     SKU, or <topic>/<partition>@<offset>; partitioned by the key up to its first U+001F (the SKU)
    value   a dead letter of no channel: code, sentence, source position and bytes; JSON
    kept    deleted after 30 days; created by the roles that use it
    from    offers
    to      dead-letter index, an operator
  channel.<id>.offer.v1
    key     SKU, or the parent SKU of a grouped family; partitioned by the key up to its first U+001F (the SKU)
    value   the channel offer; a tombstone delists; Avro, schemas/channel.offer.v1.avsc, subject <topic>-value
    kept    compacted; created by the roles that use it
    from    offers
    to      channel sink
  channel.<id>.dlq.v1
    key     SKU; partitioned by the key up to its first U+001F (the SKU)
    value   a dead letter of the channel: code, sentence, source position and bytes; JSON
    kept    deleted after 30 days; created by the roles that use it
    from    offers, channel sink
    to      dead-letter index, an operator
  sync.register.v1
    key     <channel>/<key>, or <channel>/* for the whole channel; partitioned by the whole key
    value   a register entry: one outcome at one attempt, with lineage; Avro, schemas/sync.register.v1.avsc, subject <topic>-value
    kept    deleted after 30 days; created by the roles that use it
    from    orders, channel sink, ERP order sink
    to      register index
  channel.<id>.order.v1
    key     the channel's order id; partitioned by the whole key
    value   the latest version of a channel order; Avro, schemas/channel.order.v1.avsc, subject <topic>-value
    kept    compacted; created by the roles that use it
    from    nothing yet
    to      orders
  erp.order.command.v1
    key     channel U+001F channel order id; partitioned by the whole key
    value   a command for the ERP: place, amend or cancel an order; Avro, schemas/erp.order.command.v1.avsc, subject <topic>-value
    kept    deleted after the broker's retention; created by the roles that use it
    from    orders
    to      ERP order sink
  syncline.orders.line-lookup.v1
    key     SKU U+001F channel U+001F channel order id U+001F line number; partitioned by the key up to its first U+001F (the SKU)
    value   an order line asking the task that holds its SKU: is it known, how much stock where; JSON
    kept    deleted after the broker's retention; created by the roles that use it
    from    orders
    to      orders
  syncline.orders.line-answer.v1
    key     channel order id U+001F channel U+001F line number; partitioned by the key up to its first U+001F (the SKU)
    value   the SKU task's answer for one order line: known to the ERP, stock per warehouse; JSON
    kept    deleted after the broker's retention; created by the roles that use it
    from    orders
    to      orders
  syncline.orders.dlq.v1
    key     channel U+001F channel order id; partitioned by the whole key
    value   a dead letter of an order: code, sentence, source position and bytes; JSON
    kept    deleted after 30 days; created by the roles that use it
    from    orders, ERP order sink
    to      an operator
  channel.<id>.order-status.v1
    key     the channel's order id; partitioned by the whole key
    value   an ERP order's status or shipment, for the channel; Avro, schemas/channel.order-status.v1.avsc, subject <topic>-value
    kept    deleted after the broker's retention; created by the roles that use it
    declared, no processor yet
`;

/** The lines of one node's block in a printed graph, from its header to the next node's. */
function blockOf(printed: string, header: string): string[] {
  const lines = printed.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${header}:`));
  assert.notEqual(start, -1, `no block for ${header}`);
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('    '));
  return lines.slice(start, end);
}

describe('syncline topology', () => {
  it('prints the declared graph, exactly as pinned', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'streams', 'cli.ts'), 'topology'],
      { cwd: repoRoot },
    );
    assert.equal(stdout, pinned);
  });

  it("names a config's concrete topics per node", () => {
    assert.deepEqual(blockOf(printTopology(topologyNodes, sample), 'offers'), [
      '  offers: processor in role offers, consumer group syncline-offers',
      '    reads   catalog.product.v1',
      '            catalog.stock.v1',
      '            catalog.price.v1',
      '            syncline.offers.family.v1',
      '    writes  channel.webshop.offer.v1',
      '            channel.b2b-portal.offer.v1',
      '            channel.marketplace.offer.v1',
      '            syncline.offers.family.v1',
      '    parks   channel.webshop.dlq.v1',
      '            channel.b2b-portal.dlq.v1',
      '            channel.marketplace.dlq.v1',
      '            syncline.offers.dlq.v1',
      '    stores  sku: SKU -> the joined product, stock rows and prices of the SKU',
      "            family: family SKU -> the family's parent and variants",
      '            last: <channel> U+001F <key> -> the content hash last written (suppression)',
      '            parked: <channel> U+001F <key> -> the sentence last parked (one dead letter per problem)',
    ]);
    assert.deepEqual(blockOf(printTopology(topologyNodes, sample), 'ingest').slice(1, 5), [
      '    reads   erp.postgres.erp.product',
      '            erp.postgres.erp.stock_level',
      '            erp.postgres.erp.price',
      '            erp.mariadb.erp.stock_level',
    ]);
  });

  it('leaves out the family topic when no channel groups variants', () => {
    const flat = { ...sample, channels: sample.channels.filter((c) => c.variants === 'flat') };
    const offers = blockOf(printTopology(topologyNodes, flat), 'offers');
    assert.equal(
      offers.some((line) => line.includes('syncline.offers.family.v1')),
      false,
    );
    assert.ok(offers.includes('    writes  channel.b2b-portal.offer.v1'));
  });
});
