/**
 * A channel down (every request answered 503, as a proxy in front of a dead PHP pool answers) for
 * ten minutes while the sink delivers through Magento's async bulk API, on the real stack: the
 * sink as a child process, the Magento simulator as the channel, offers written to the channel
 * topic as the offers processor writes them.
 *
 * A shortened clock: the sink takes every timing from its config, so the outage and every timing
 * that shapes it are divided by CLOCK (5): 120 s of outage stand for 600 s, the breaker opens for
 * 400 ms doubling up to 12 s (the defaults 2 s and 60 s), retries back off from 50 ms to 6 s (250
 * ms, 30 s), a bulk is followed for 12 s (60 s) and a request waits 3 s (15 s). The bulk status
 * poll interval (200 ms) is kept: it is the channel's pace, not the outage's.
 *
 * Must hold: nothing parked for a transient cause (no dead letter, no PARKED entry); everything
 * delivered after (the store equals the topic, read through Magento's REST API); and while the
 * breaker is open at most one probe per open interval, counted in the requests the simulator
 * received during the outage, with two partitions delivered side by side.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { driftFromTopic } from '../helpers/magento-catalog.ts';
import { startRole } from '../helpers/pipeline.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
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

const CLOCK = 5;
const OUTAGE_MS = 600_000 / CLOCK;
const breaker = { failureThreshold: 5, openMs: 2_000 / CLOCK, maxOpenMs: 60_000 / CLOCK };
const CONCURRENCY = 2;
const KEYS = 400;

const kafka: Kafka = testKafka('fault-channel-bulk-outage-test');
let admin: Admin;
let magento: MagentoSimulator;
let channel: TestChannel;

const skus = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

async function writeOffers(keys: readonly string[], amount: string) {
  const writer = await OfferWriter.open(kafka, channel.topic);
  try {
    await writer.write(
      keys.map((sku) => ({
        key: sku,
        offer: testOffer(channel.id, sku, { price: { amount, currency: 'EUR' } }),
      })),
    );
  } finally {
    await writer.close();
  }
}

/** Every key's last record in the topic has a DELIVERED or UNCHANGED entry in the register. */
async function allDelivered(): Promise<boolean> {
  const last = new Map<string, string>();
  for (const record of (await readTopic(channel.topic, 60_000, kafka)).sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  ))
    last.set(record.key!, `${record.partition}:${record.offset}`);
  const done = new Set(
    (await registerEntries(kafka, channel.id))
      .filter((e) => e.scope === 'RECORD' && ['DELIVERED', 'UNCHANGED'].includes(e.status))
      .map((e) => `${e.key}@${e.offerPartition}:${e.offerOffset}`),
  );
  return [...last].every(([key, at]) => done.has(`${key}@${at}`));
}

/** Probe times allowed by the breaker over `spanMs` once open: open times doubling up to the maximum. */
function probeSlots(spanMs: number): number {
  let slots = 0;
  for (let t = 0, open = breaker.openMs; ; open = Math.min(breaker.maxOpenMs, open * 2)) {
    t += open;
    if (t > spanMs) return slots;
    slots += 1;
  }
}

describe('faults: the channel down (503) for 10 minutes on the bulk path', { timeout: 600_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    magento = await startMagentoSimulator({ bulkProcessingDelayMs: 50 });
    channel = testChannel({
      adapter: 'magento',
      settings: {
        baseUrl: magento.url,
        auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' },
        // Every flat offer goes through the async bulk API.
        bulkThreshold: 0,
        bulkTimeoutMs: 60_000 / CLOCK,
      },
      batchSize: 50,
      concurrency: CONCURRENCY,
      requestTimeoutMs: 15_000 / CLOCK,
      retry: { initialDelayMs: 250 / CLOCK, maxDelayMs: 30_000 / CLOCK },
      circuitBreaker: breaker,
    });
  });

  after(async () => {
    await magento?.close();
    await admin
      ?.deleteTopics({ topics: [channel.topic, `channel.${channel.id}.dlq.v1`] })
      .catch(() => undefined);
    await admin?.disconnect();
  });

  it('parks nothing, probes once per open interval, and delivers everything after', async (t) => {
    const sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    try {
      const keys = skus('BULK', KEYS);
      await writeOffers(keys, '19.90');
      await waitUntil(
        'the first offers delivered',
        () => allDelivered().then((ok) => ok || undefined),
        120_000,
        1000,
      );

      // The channel goes down in the middle of delivering new prices (a bulk under way), and
      // offers keep coming on every partition during the outage.
      const logSeq = magento.requests().at(-1)?.seq ?? 0;
      await writeOffers(keys, '21.50');
      await waitUntil(
        'a bulk of the new prices under way',
        () =>
          magento.requests(logSeq).some((r) => r.method === 'POST' && /async\/bulk/.test(r.path))
            ? true
            : undefined,
        30_000,
        5,
      );
      const downAt = Date.now();
      magento.inject({ kind: 'status', status: 503, forMs: OUTAGE_MS });
      await sleep(OUTAGE_MS / 2);
      await writeOffers(keys.slice(0, KEYS / 2), '23.00');
      await sleep(OUTAGE_MS / 2 - (Date.now() - downAt));
      const upAt = downAt + OUTAGE_MS;

      await waitUntil(
        'every offer delivered after the outage',
        () => allDelivered().then((ok) => ok || undefined),
        OUTAGE_MS + 120_000,
        2000,
      );
      const recoveredMs = Date.now() - upAt;

      const entries = await registerEntries(kafka, channel.id);
      assert.deepEqual(
        entries.filter((e) => e.status === 'PARKED').map((e) => `${e.key}: ${e.errorCode} ${e.channelError}`),
        [],
        'nothing parked',
      );
      assert.deepEqual(await deadLetters(kafka, channel.id), [], 'no dead letter');
      assert.deepEqual(await driftFromTopic(magento.url, await topicState(kafka, channel.topic)), []);

      // What the channel received while it was down.
      const during = magento.requests(logSeq).filter((r) => r.at >= downAt && r.at < upAt);
      const calls = during.filter((r) => r.method === 'POST' && /async\/bulk/.test(r.path)).map((r) => r.at);
      const polls = during.filter((r) => r.method === 'GET' && /\/bulk\//.test(r.path)).length;
      const other = during.length - calls.length - polls;
      // Calls before the breaker opens: the threshold, plus one already under way per other
      // partition. Then at most one per open interval.
      const allowed = breaker.failureThreshold + (CONCURRENCY - 1) + probeSlots(OUTAGE_MS);
      assert.ok(
        calls.length <= allowed,
        `${calls.length} bulk calls during the outage, at most ${allowed} allowed`,
      );
      // Once the open time has reached its maximum, no two probes closer than it (less the way a
      // request takes to the channel after its slot: a heartbeat, the budget).
      const rampMs = (() => {
        let ramp = 0;
        for (let open = breaker.openMs; open < breaker.maxOpenMs; open *= 2) ramp += open;
        return ramp;
      })();
      const steady = calls.filter(
        (at) => at - (calls[breaker.failureThreshold - 1] ?? downAt) > rampMs + breaker.maxOpenMs,
      );
      const gaps = steady.slice(1).map((at, i) => at - steady[i]!);
      assert.ok(
        gaps.every((gap) => gap >= breaker.maxOpenMs - 1000),
        `gaps between probes at the longest open time: ${gaps.join(', ')} ms (open ${breaker.maxOpenMs} ms)`,
      );
      assert.ok(
        steady.length >= 3,
        `probing went on through the outage (${steady.length} probes at the longest open time)`,
      );

      t.diagnostic(
        `outage ${OUTAGE_MS / 1000} s (standing for ${(OUTAGE_MS * CLOCK) / 60_000} min): the channel received ${during.length} requests: ${calls.length} bulk calls (at most ${allowed} allowed), ${polls} bulk status polls, ${other} other; gaps at the longest open time ${gaps.join(', ')} ms; ${entries.length} register entries, 0 parked; all ${KEYS} keys delivered ${(recoveredMs / 1000).toFixed(0)} s after the channel returned`,
      );
    } catch (error) {
      const said = sink
        .output()
        .split('\n')
        .filter((line) => /"level":(40|50|60)|breaker/.test(line))
        .slice(-30)
        .join('\n');
      throw new Error(`${(error as Error).message}\nthe sink said:\n${said}`, { cause: error });
    } finally {
      await sink.stop();
    }
  });
});
