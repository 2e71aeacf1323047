/**
 * What the orders tests put into Kafka and read back, as the other roles would: channel orders
 * produced into channel.<id>.order.v1 exactly as the intake writes them (Avro through the registry,
 * keyed by the channel order id, partitioned by it), the catalog as ingest writes it (Avro, keyed
 * by SKU or SKU + warehouse, partitioned by the SKU), and the orders' dead letters and register
 * entries read back as a `read_committed` consumer sees them. Also a config of the test's own:
 * the sample config with the ERP order sink pointed at a scratch ERP.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { registryUrl } from '../../infra/local/stack-config.ts';
import type { ErpTarget } from '../../infra/local/erp/connect.ts';
import type { ScratchErp } from './scratch-erp.ts';
import { skuOfKey, stockKey } from '../../streams/contracts/canonical.ts';
import type { ChannelOrder } from '../../streams/contracts/orders/index.ts';
import type { RegisterEntry } from '../../streams/contracts/register-entry.ts';
import { orderTopicOf } from '../../streams/contracts/topics.ts';
import { avroCodecFor, avroReader, schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import type { TopicCodec } from '../../streams/runtime/codec/topic-codec.ts';
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import { partitionerBy } from '../../streams/runtime/kafka/partitioner-by.ts';
import { ensureTopics } from '../../streams/runtime/kafka/topics.ts';
import { readTopic } from './read-topic.ts';

/** The sample config with `orders.erp` replaced (a scratch ERP) and its own state folder. */
export function ordersConfigFile(baseFile: string, erp: Record<string, unknown>, file: string): string {
  const config = parse(readFileSync(baseFile, 'utf8')) as { orders: Record<string, unknown> };
  config.orders = { ...config.orders, erp };
  writeFileSync(file, stringify(config));
  return file;
}

export class OrderFlowProducer {
  private readonly codecs = new Map<string, TopicCodec>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly orders: Producer,
    private readonly catalog: Producer,
  ) {}

  static async open(kafka: Kafka): Promise<OrderFlowProducer> {
    const orders = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    // As ingest partitions: by the SKU part of the key only.
    const catalog = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: partitionerBy((key) => skuOfKey(key)),
    });
    await orders.connect();
    await catalog.connect();
    return new OrderFlowProducer(kafka, orders, catalog);
  }

  private async codec(topic: string, schema: string): Promise<TopicCodec> {
    let codec = this.codecs.get(topic);
    if (!codec) {
      codec = await avroCodecFor(schemaRegistry(registryUrl()), topic, `schemas/${schema}`);
      this.codecs.set(topic, codec);
    }
    return codec;
  }

  /**
   * Products known to the ERP with plenty of stock in each warehouse given. The catalog topics are
   * the stack's own, read by every other test's offers processor: give SKUs of the test's own
   * (`orderSkus`), never the sample's, or its products lose their EAN and brand and their stock
   * jumps for every test that runs after.
   */
  async catalogOf(skus: readonly string[], warehouses: readonly string[], onHand = 1_000_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [
        { name: 'catalog.product.v1', partitions: 4, compacted: true },
        { name: 'catalog.stock.v1', partitions: 4, compacted: true },
      ]);
    } finally {
      await admin.disconnect();
    }
    const products = await this.codec('catalog.product.v1', 'catalog.product.v1.avsc');
    const stock = await this.codec('catalog.stock.v1', 'catalog.stock.v1.avsc');
    const productMessages = [];
    const stockMessages = [];
    for (const sku of skus) {
      productMessages.push({
        key: sku,
        value: await products.encode({
          sku,
          parentSku: null,
          name: `Product ${sku}`,
          description: null,
          ean: null,
          brand: null,
          category: null,
          attributes: {},
          active: true,
          updatedAtMs: null,
        }),
      });
      for (const warehouse of warehouses) {
        stockMessages.push({
          key: stockKey(sku, warehouse),
          value: await stock.encode({ sku, warehouse, onHand, reserved: 0, updatedAtMs: null }),
        });
      }
    }
    await this.catalog.send({ topic: 'catalog.product.v1', messages: productMessages, acks: -1 });
    await this.catalog.send({ topic: 'catalog.stock.v1', messages: stockMessages, acks: -1 });
  }

  /** Channel orders, as the intake writes them. */
  async send(orders: readonly ChannelOrder[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const order of orders) {
      const topic = orderTopicOf(order.channelId);
      const codec = await this.codec(topic, 'channel.order.v1.avsc');
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: order.channelOrderId, value: await codec.encode(order) });
      byTopic.set(topic, messages);
    }
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 500)
        await this.orders.send({ topic, messages: messages.slice(i, i + 500), acks: -1 });
    }
  }

  async close(): Promise<void> {
    await this.orders.disconnect();
    await this.catalog.disconnect();
  }
}

/** The orders' dead letters, read_committed. */
export async function orderDeadLetters(kafka: Kafka): Promise<ParkedRecord[]> {
  return (await readTopic('syncline.orders.dlq.v1', 60_000, kafka))
    .filter((r) => r.value !== null)
    .map((r) => JSON.parse(r.value!.toString()) as ParkedRecord);
}

/** The register entries whose key (channel order id) passes `keep`, read_committed. */
export async function orderRegisterEntries(
  kafka: Kafka,
  keep: (key: string) => boolean,
): Promise<RegisterEntry[]> {
  const reader = avroReader(schemaRegistry(registryUrl()));
  const entries: RegisterEntry[] = [];
  for (const record of await readTopic('sync.register.v1', 60_000, kafka)) {
    const key = record.key?.slice(record.key.indexOf('/') + 1);
    if (key === undefined || !keep(key) || record.value === null) continue;
    entries.push((await reader.decode(record.value)) as RegisterEntry);
  }
  return entries;
}

/** The lookup address the erp-orders role printed when it started. */
export function lookupUrlOf(output: string): string {
  const url = /"lookup":"(http[^"]+)"/.exec(output)?.[1];
  if (url === undefined) throw new Error('the erp-orders role printed no lookup address');
  return url;
}

/** SKUs of a test's own, unknown to the sample ERP and to every other test. */
export function orderSkus(run: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `ORD-${run}-${String(i + 1).padStart(4, '0')}`);
}

/** Adds the SKUs to a scratch ERP's products, so its order lines may refer to them. */
export async function addErpProducts(
  erp: ScratchErp,
  targets: readonly ErpTarget[],
  skus: readonly string[],
): Promise<void> {
  for (const target of targets)
    for (const sku of skus)
      await erp.query(target, 'INSERT INTO product (sku, name) VALUES (?, ?)', [sku, `Product ${sku}`]);
}
