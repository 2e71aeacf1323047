/**
 * The sink runner on the real stack against the Magento simulator: `syncline sink` runs as a child
 * process (as a user runs it, so it can be SIGKILLed) on a channel of the test's own, fed by
 * offers written to its topic as the offers processor writes them. Outcomes are read back where a
 * user would look: the store through Magento's public API, the register and the dead letters in
 * Kafka with read_committed, the simulator's request counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { driftFromTopic } from '../helpers/magento-catalog.ts';
import { startRole } from '../helpers/pipeline.ts';
import { testKafka } from '../helpers/read-topic.ts';
import {
  deadLetters,
  OfferWriter,
  registerEntries,
  testChannel,
  testOffer,
  topicState,
  type TestChannel,
} from '../helpers/sink-channel.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka: Kafka = testKafka('sink-magento-test');
let admin: Admin;
const simulators: MagentoSimulator[] = [];
const topics: string[] = [];

/** A Magento sink on a channel of its own; `sink` overrides the defaults below. */
function magentoChannel(simulator: MagentoSimulator, sink: Record<string, unknown> = {}): TestChannel {
  const channel = testChannel({
    adapter: 'magento',
    settings: { baseUrl: simulator.url, auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' } },
    batchSize: 20,
    concurrency: 1,
    retry: { initialDelayMs: 100, maxDelayMs: 1000 },
    circuitBreaker: { failureThreshold: 3, openMs: 500, maxOpenMs: 2000 },
    ...sink,
  });
  topics.push(channel.topic, `channel.${channel.id}.dlq.v1`);
  return channel;
}

async function simulator(
  options: Parameters<typeof startMagentoSimulator>[0] = {},
): Promise<MagentoSimulator> {
  const started = await startMagentoSimulator({ bulkProcessingDelayMs: 20, ...options });
  simulators.push(started);
  return started;
}

async function writeOffers(channel: TestChannel, skus: string[], overrides = {}) {
  const writer = await OfferWriter.open(kafka, channel.topic);
  try {
    await writer.write(skus.map((sku) => ({ key: sku, offer: testOffer(channel.id, sku, overrides) })));
  } finally {
    await writer.close();
  }
}

/** Waits until every key of the topic has a final fate (delivered, unchanged or parked) in the register. */
async function settled(channel: TestChannel, keys: number, timeoutMs = 90_000) {
  return waitUntil(
    `${keys} keys of ${channel.id} to have a final fate in the register`,
    async () => {
      const entries = await registerEntries(kafka, channel.id);
      const final = new Set(
        entries.filter((e) => ['DELIVERED', 'UNCHANGED', 'PARKED'].includes(e.status)).map((e) => e.key),
      );
      return final.size >= keys ? entries : undefined;
    },
    timeoutMs,
    1000,
  );
}

const skus = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

describe('sink: Magento', { timeout: 600_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await Promise.all(simulators.map((s) => s.close()));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('rides out a channel that is down (503): retries, parks nothing, and the store ends equal to the topic', async () => {
    const magento = await simulator();
    const channel = magentoChannel(magento);
    magento.inject({ kind: 'status', status: 503, forMs: 5000 });
    const sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    try {
      const keys = skus('DOWN', 60);
      await writeOffers(channel, keys);
      const entries = await settled(channel, keys.length);
      assert.equal(entries.filter((e) => e.status === 'PARKED').length, 0, 'nothing parked');
      assert.ok(
        entries.some((e) => e.status === 'FAILED_WILL_RETRY' && e.httpStatus === 503),
        'the outage was met and registered',
      );
      assert.deepEqual(await driftFromTopic(magento.url, await topicState(kafka, channel.topic)), []);
      assert.deepEqual(await deadLetters(kafka, channel.id), []);
    } finally {
      await sink.stop();
    }
  });

  it('honours 429 Retry-After and, with two replicas sharing the budget, never exceeds the rate limit', async () => {
    const magento = await simulator({ rateLimit: { requestsPerSecond: 10 } });
    const channel = magentoChannel(magento, { rateLimit: { requestsPerSecond: 10 } });
    magento.inject({ kind: 'throttle', retryAfterSeconds: 2, count: 1 });
    // Two sink processes share the channel's partitions, and its budget through the ops database.
    const replicas = await Promise.all([
      startRole('sink', channel.configFile, { args: ['--channel', channel.id] }),
      startRole('sink', channel.configFile, { args: ['--channel', channel.id] }),
    ]);
    const sink = { stop: () => Promise.all(replicas.map((r) => r.stop())) };
    try {
      const keys = skus('RATE', 60);
      await writeOffers(channel, keys);
      const entries = await settled(channel, keys.length);
      const stats = magento.stats();
      // The simulator enforces 10 requests/s the way a CDN does, as a token bucket (capacity 10,
      // refilled 10 per second). Apart from the one injected 429 it never had to refuse a request:
      // the shared budget kept the sink within the limit for the whole run.
      assert.equal(stats.throttled, 1, `429s sent: ${stats.throttled}`);
      // Both replicas had partitions to deliver, so both spent the one budget.
      for (const replica of replicas) {
        const assigned = replica
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"partitions assigned"'))
          .map((line) => (JSON.parse(line) as { partitions: number[] }).partitions)
          .at(-1);
        assert.ok(
          assigned && assigned.length > 0,
          `a replica without partitions: ${JSON.stringify(assigned)}`,
        );
      }
      const throttled = entries.find((e) => e.httpStatus === 429);
      assert.ok(throttled, 'the 429 is in the register');
      const retried = entries.find((e) => e.key === throttled.key && e.status === 'DELIVERED');
      assert.ok(
        retried && retried.recordedAtMs - throttled.recordedAtMs >= 2000,
        'the retry waited Retry-After',
      );
      assert.deepEqual(await driftFromTopic(magento.url, await topicState(kafka, channel.topic)), []);
    } finally {
      await sink.stop();
    }
  });

  it('parks a record the channel rejects (400) with its reason, in the DLQ and the register, and delivers the rest', async () => {
    const magento = await simulator();
    const channel = magentoChannel(magento);
    const keys = skus('REJ', 30);
    const rejected = [keys[3]!, keys[17]!];
    magento.inject({ kind: 'reject-sku', skus: rejected, attribute: 'ean' });
    const sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    try {
      await writeOffers(channel, keys);
      const entries = await settled(channel, keys.length);
      const parked = entries.filter((e) => e.status === 'PARKED');
      assert.deepEqual(parked.map((e) => e.key).sort(), rejected.sort());
      for (const entry of parked) {
        assert.equal(entry.httpStatus, 400);
        assert.match(entry.channelError ?? '', /The "ean" attribute value is empty/);
        assert.match(
          entry.sentence,
          /refused offer REJ-\d+ \(HTTP 400\): The "ean" attribute value is empty/,
        );
      }
      const letters = await waitUntil('two dead letters', async () => {
        const found = await deadLetters(kafka, channel.id);
        return found.length >= 2 ? found : undefined;
      });
      assert.deepEqual(letters.map((l) => l.sku).sort(), rejected.sort());
      assert.ok(letters.every((l) => l.code === 'MISSING_ATTRIBUTE' && l.sourceTopic === channel.topic));
      const state = await topicState(kafka, channel.topic);
      for (const key of rejected) state.delete(key);
      assert.deepEqual(await driftFromTopic(magento.url, state), [], 'the rest of the batch was delivered');
    } finally {
      await sink.stop();
    }
  });

  it('after a SIGKILL mid-batch, ends equal to the topic and re-sends only the interrupted batch', async () => {
    const magento = await simulator();
    // 20 requests/s, one product call per record (sync path): 200 offers take about 10 s.
    const channel = magentoChannel(magento, { rateLimit: { requestsPerSecond: 20 } });
    const keys = skus('KILL', 200);
    await writeOffers(channel, keys);
    let sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    await waitUntil(
      'the sink to deliver some records',
      () => (magento.stats().products >= 40 ? true : undefined),
      60_000,
      50,
    );
    await sink.kill();
    const before = magento.stats().products;
    sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    try {
      const entries = await settled(channel, keys.length);
      assert.deepEqual(await driftFromTopic(magento.url, await topicState(kafka, channel.topic)), []);
      // A product call per SKU is in the path; a SKU saved twice was re-sent.
      const saves = new Map<string, number>();
      for (const request of magento.requests()) {
        const match = /\/V1\/products\/(KILL-\d+)$/.exec(request.path);
        if (request.method === 'PUT' && match) saves.set(match[1]!, (saves.get(match[1]!) ?? 0) + 1);
      }
      const resent = [...saves].filter(([, n]) => n > 1).map(([sku]) => sku);
      assert.ok(
        resent.length <= 20,
        `at most one batch (20) re-sent, got ${resent.length}: ${resent.join(' ')}`,
      );
      assert.ok(before >= 40);
      assert.equal(entries.filter((e) => e.status === 'PARKED').length, 0);
    } finally {
      await sink.stop();
    }
    // Replayed from the start of the topic (the group rewound), every record is one the channel
    // already holds: all UNCHANGED, and not one product call reaches Magento.
    const requestsBefore = magento.stats().requests;
    const since = Date.now();
    await admin.resetOffsets({
      groupId: `syncline-sink-${channel.id}`,
      topic: channel.topic,
      earliest: true,
    });
    sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    try {
      const replay = await waitUntil(
        'the replayed records in the register',
        async () => {
          const later = (await registerEntries(kafka, channel.id)).filter((e) => e.recordedAtMs >= since);
          return new Set(later.map((e) => e.key)).size >= keys.length ? later : undefined;
        },
        90_000,
        1000,
      );
      assert.deepEqual([...new Set(replay.map((e) => e.status))], ['UNCHANGED']);
      assert.equal(magento.stats().requests, requestsBefore, 'nothing was sent again');
    } finally {
      await sink.stop();
    }
  });
});
