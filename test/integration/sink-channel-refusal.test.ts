/**
 * A channel that refuses every call for a minute (Magento answering 401 to every request, as after
 * a badly rotated integration token), on the real stack: `syncline sink` as a child process, the
 * Magento simulator as the channel, offers written to the channel topic as the offers processor
 * writes them. Nothing may be parked; the register, the metric and the log must say the channel
 * refuses; the sink probes at the configured pace and resumes by itself; the store then holds
 * exactly the topic's contents, read through Magento's own REST API.
 *
 * The outage lasts REFUSAL_MS (60 s, the fault suite's figure); the probe interval is the
 * channel's `sink.channelRefusal.probeIntervalMs`, 5 s here instead of the default 30 s so that a
 * minute holds a dozen probes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import type { RegisterEntry } from '../../streams/sinks/register-entry.ts';
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

const REFUSAL_MS = 60_000;
const PROBE_INTERVAL_MS = 5_000;

const kafka: Kafka = testKafka('sink-channel-refusal-test');
let admin: Admin;
let magento: MagentoSimulator;
let channel: TestChannel;

const skus = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

async function writeOffers(keys: string[], overrides = {}) {
  const writer = await OfferWriter.open(kafka, channel.topic);
  try {
    await writer.write(keys.map((sku) => ({ key: sku, offer: testOffer(channel.id, sku, overrides) })));
  } finally {
    await writer.close();
  }
}

/** The register's entries for the channel once `check` holds for them. */
function registerWhere(what: string, check: (entries: RegisterEntry[]) => boolean, timeoutMs = 120_000) {
  return waitUntil(
    what,
    async () => {
      const entries = await registerEntries(kafka, channel.id);
      return check(entries) ? entries : undefined;
    },
    timeoutMs,
    1000,
  );
}

/** Every key of `keys` has a final fate (delivered, unchanged or parked) at or after `sinceMs`. */
const allFinal = (keys: string[], sinceMs: number) => (entries: RegisterEntry[]) => {
  const final = new Set(
    entries
      .filter((e) => e.recordedAtMs >= sinceMs && ['DELIVERED', 'UNCHANGED', 'PARKED'].includes(e.status))
      .map((e) => e.key),
  );
  return keys.every((key) => final.has(key));
};

/** The value of a gauge for this channel on the sink's /metrics, or undefined when absent. */
async function gauge(metricsUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{channel="${channel.id}"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('sink: a channel refusing every call (401)', { timeout: 600_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    magento = await startMagentoSimulator({ bulkProcessingDelayMs: 20 });
    channel = testChannel({
      adapter: 'magento',
      settings: {
        baseUrl: magento.url,
        auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' },
      },
      batchSize: 20,
      concurrency: 1,
      retry: { initialDelayMs: 100, maxDelayMs: 1000 },
      circuitBreaker: { failureThreshold: 3, openMs: 500, maxOpenMs: 2000 },
      channelRefusal: { probeIntervalMs: PROBE_INTERVAL_MS },
    });
  });

  after(async () => {
    await magento.close();
    await admin
      .deleteTopics({ topics: [channel.topic, `channel.${channel.id}.dlq.v1`] })
      .catch(() => undefined);
    await admin.disconnect();
  });

  it('parks nothing, says so channel-wide, probes at its pace, resumes by itself and ends equal to the topic', async (t) => {
    const sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    try {
      const before = skus('AUTH-A', 40);
      const startedAt = Date.now();
      await writeOffers(before);
      await registerWhere('the first offers delivered', allFinal(before, startedAt));

      // The token stops working: every request is refused, whatever it carries.
      const refusedFrom = Date.now();
      const logSeq = magento.requests().at(-1)?.seq ?? 0;
      magento.inject({ kind: 'status', status: 401, forMs: REFUSAL_MS });
      const during = skus('AUTH-B', 60);
      await writeOffers(during);
      await writeOffers(before.slice(0, 10), { price: { amount: '24.50', currency: 'EUR' } });

      const refused = await registerWhere('a channel-wide CHANNEL_REFUSED entry', (entries) =>
        entries.some((e) => e.status === 'CHANNEL_REFUSED'),
      );
      const refusal = refused.find((e) => e.status === 'CHANNEL_REFUSED')!;
      assert.equal(refusal.scope, 'CHANNEL');
      assert.equal(refusal.key, '*');
      assert.equal(refusal.httpStatus, 401);
      assert.equal(refusal.errorCode, 'UNAUTHORIZED');
      assert.equal(
        refusal.channelError,
        "The consumer isn't authorized to access Magento_Catalog::products.",
      );
      assert.equal(refusal.probeIntervalMs, PROBE_INTERVAL_MS);
      assert.ok(sink.metricsUrl, 'the sink serves metrics');
      assert.equal(await gauge(sink.metricsUrl, 'syncline_sink_channel_refused'), 1);
      assert.match(
        sink.output(),
        /refuses every call \(HTTP 401\): The consumer isn't authorized to access Magento_Catalog::products\./,
      );

      // Every key written during the refusal: the new ones and the re-priced ones.
      const written = [...during, ...before.slice(0, 10)];
      const entries = await registerWhere(
        'delivery resumed and every key final again',
        (found) => found.some((e) => e.status === 'CHANNEL_RESUMED') && allFinal(written, refusedFrom)(found),
        REFUSAL_MS + 120_000,
      );
      const resumed = entries.filter((e) => e.status === 'CHANNEL_RESUMED');
      assert.equal(resumed.length, 1, 'one refusal, one resumption');
      assert.equal(entries.filter((e) => e.status === 'CHANNEL_REFUSED').length, 1);
      const pausedMs = resumed[0]!.pausedMs ?? 0;
      assert.ok(
        pausedMs >= REFUSAL_MS - PROBE_INTERVAL_MS * 2 && pausedMs <= REFUSAL_MS + PROBE_INTERVAL_MS * 2,
        `paused ${pausedMs} ms for a ${REFUSAL_MS} ms refusal`,
      );
      assert.equal(await gauge(sink.metricsUrl, 'syncline_sink_channel_refused'), 0);

      // Nothing parked, no dead letter.
      assert.deepEqual(
        entries.filter((e) => e.status === 'PARKED').map((e) => e.key),
        [],
      );
      assert.deepEqual(await deadLetters(kafka, channel.id), []);

      // The pace, as the channel saw it: refused requests at most one per probe interval (the call
      // that met the refusal may be a few requests of one call), and probing went on throughout.
      const refusedRequests = magento
        .requests(logSeq)
        .filter((r) => r.status === 401)
        .map((r) => r.at);
      const calls = refusedRequests.filter((at, i) => i === 0 || at - refusedRequests[i - 1]! > 1000);
      const expected = REFUSAL_MS / PROBE_INTERVAL_MS;
      assert.ok(
        calls.length >= expected - 2 && calls.length <= expected + 2,
        `${calls.length} refused calls in ${REFUSAL_MS} ms at one per ${PROBE_INTERVAL_MS} ms`,
      );
      const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
      // The interval is kept between the calls' starts; a request's way to the channel after that
      // (a heartbeat, the budget) varies by a few hundred ms, so arrivals may be a little closer.
      assert.ok(
        gaps.every((gap) => gap >= PROBE_INTERVAL_MS - 1000),
        `gaps between probes: ${gaps.join(', ')} ms`,
      );

      t.diagnostic(
        `paused ${pausedMs} ms; ${calls.length} refused calls, gaps ${gaps.join(', ')} ms; ${entries.length} register entries`,
      );

      // The store holds exactly the topic's contents, read through Magento's REST API.
      assert.deepEqual(await driftFromTopic(magento.url, await topicState(kafka, channel.topic)), []);
    } catch (error) {
      // What the sink said about it, for the reader of a failed run.
      const said = sink
        .output()
        .split('\n')
        .filter((line) => /"level":(40|50|60)|refuses|accepts calls|assigned|rebalanc/.test(line))
        .slice(-40)
        .join('\n');
      throw new Error(`${(error as Error).message}\nthe sink said:\n${said}`, { cause: error });
    } finally {
      await sink.stop();
    }
  });
});
