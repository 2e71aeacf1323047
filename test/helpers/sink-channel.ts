/**
 * A channel of a test's own for sink tests: a random channel id added to the sample config with
 * the sink settings the test wants, offers written to its topic as the offers processor writes
 * them (Avro through the registry, content-hash and lineage headers), and the register and dead
 * letters read back from Kafka with `read_committed`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { sampleConfigFile } from '../../infra/local/syncline-roles.ts';
import { registryUrl } from '../../infra/local/stack-config.ts';
import { contentHash } from '../../streams/contracts/content-hash.ts';
import { contentHashHeader } from '../../streams/contracts/content-hash.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { avroCodecFor, avroReader, schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import type { TopicCodec } from '../../streams/runtime/codec/topic-codec.ts';
import { ensureTopics } from '../../streams/runtime/kafka/topics.ts';
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import type { RegisterEntry } from '../../streams/sinks/register-entry.ts';
import { readTopic } from './read-topic.ts';

export interface TestChannel {
  readonly id: string;
  readonly topic: string;
  readonly configFile: string;
}

/** The sample config plus a channel `sinktest-<random>` with `sink`; free metrics ports. */
export function testChannel(sink: Record<string, unknown>): TestChannel {
  const id = `sinktest-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'syncline-sink-'));
  const config = parse(readFileSync(sampleConfigFile, 'utf8')) as Record<string, unknown> & {
    channels: unknown[];
  };
  config.processing = { ...(config.processing as object), stateDir: join(dir, 'state') };
  config.metrics = {
    host: '127.0.0.1',
    ports: { ingest: 0, offers: 0, sink: 0, 'register-index': 0, admin: 0 },
  };
  config.channels.push({ id, kind: 'magento', priceList: 'B2C-EUR', warehouses: ['WH-MAIN'], sink });
  const configFile = join(dir, 'syncline.yaml');
  writeFileSync(configFile, stringify(config));
  return { id, topic: `channel.${id}.offer.v1`, configFile };
}

export function testOffer(channel: string, sku: string, overrides: Partial<Offer> = {}): Offer {
  return {
    channel,
    sku,
    parentSku: null,
    name: `Product ${sku}`,
    description: `Description of ${sku}`,
    ean: '4006381333931',
    brand: 'Nordwand',
    category: 'Apparel',
    attributes: {},
    price: { amount: '19.90', currency: 'EUR' },
    quantity: 7,
    variants: [],
    fields: {},
    ...overrides,
  };
}

/** Writes offers (or tombstones) to a channel topic the way the offers processor does. */
export class OfferWriter {
  private constructor(
    private readonly producer: Producer,
    private readonly codec: TopicCodec,
    private readonly topic: string,
    private readonly transactional = false,
  ) {}

  /**
   * Creates the topic as the offers role does (compacted, 4 partitions) when it is not there yet.
   * With a `transactionalId`, each `write` is one Kafka transaction, as the offers processor
   * commits, so a commit marker follows the records.
   */
  static async open(kafka: Kafka, topic: string, transactionalId?: string): Promise<OfferWriter> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [{ name: topic, partitions: 4, compacted: true }]);
    } finally {
      await admin.disconnect();
    }
    const codec = await avroCodecFor(schemaRegistry(registryUrl()), topic, 'schemas/channel.offer.v1.avsc');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, transactionalId });
    await producer.connect();
    return new OfferWriter(producer, codec, topic, transactionalId !== undefined);
  }

  async write(
    records: ReadonlyArray<{ key: string; offer: Offer | null }>,
    commitMs = Date.now(),
  ): Promise<void> {
    const messages = [];
    for (const { key, offer } of records) {
      messages.push({
        key,
        value: offer === null ? null : await this.codec.encode(offer),
        headers: {
          'syncline.source': 'test',
          'syncline.table': 'test.offer',
          'syncline.position': `test:${commitMs}`,
          'syncline.commit-ms': String(commitMs),
          'syncline.op': offer === null ? 'd' : 'u',
          ...(offer === null ? {} : { [contentHashHeader]: contentHash(offer) }),
        },
      });
    }
    if (this.transactional) {
      const transaction = await this.producer.transaction();
      try {
        await transaction.send({ topic: this.topic, messages, acks: -1 });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
      return;
    }
    for (let i = 0; i < messages.length; i += 500) {
      await this.producer.send({ topic: this.topic, messages: messages.slice(i, i + 500), acks: -1 });
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** The register entries of one channel, in register order per partition. */
export async function registerEntries(kafka: Kafka, channel: string): Promise<RegisterEntry[]> {
  const reader = avroReader(schemaRegistry(registryUrl()));
  const entries: RegisterEntry[] = [];
  for (const record of await readTopic('sync.register.v1', 60_000, kafka)) {
    if (!record.key?.startsWith(`${channel}/`) || record.value === null) continue;
    entries.push((await reader.decode(record.value)) as RegisterEntry);
  }
  return entries;
}

export async function deadLetters(kafka: Kafka, channel: string): Promise<ParkedRecord[]> {
  return (await readTopic(`channel.${channel}.dlq.v1`, 60_000, kafka))
    .filter((r) => r.value !== null)
    .map((r) => JSON.parse(r.value!.toString()) as ParkedRecord);
}

/** The final state of a channel topic: the last value per key (null = delisted). */
export async function topicState(kafka: Kafka, topic: string): Promise<Map<string, Offer | null>> {
  const reader = avroReader(schemaRegistry(registryUrl()));
  const state = new Map<string, Offer | null>();
  const records = (await readTopic(topic, 60_000, kafka)).sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  );
  for (const record of records) {
    state.set(record.key!, record.value === null ? null : ((await reader.decode(record.value)) as Offer));
  }
  return state;
}
