/**
 * The ops database (the channel's shared rate budget and what the channel holds) stopped for two
 * minutes while a sink delivers a steady stream of offers to Magento, on the real stack: the sink
 * as a child process, the Magento simulator as the channel, and the ops database on a PostgreSQL
 * server of the test's own (test/helpers/own-postgres.ts), stopped with a fast shutdown and
 * started again, so the ERP database and everything else stay up.
 *
 * An ops outage is syncline's own, not a record's fault nor the channel's: nothing may be parked
 * (no dead letter, no PARKED entry, no failure but OPS_UNAVAILABLE), every record gets exactly one
 * fate per attempt in sync.register.v1 (read back read_committed), the metric and the log say the
 * sink waits, and once the database is back every record is delivered: the store equals the topic
 * and the holdings know every content hash the topic ends with.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import pg from 'pg';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { contentHash } from '../../streams/contracts/content-hash.ts';
import type { RegisterEntry } from '../../streams/sinks/register-entry.ts';
import { driftFromTopic } from '../helpers/magento-catalog.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { startRole } from '../helpers/pipeline.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
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

const OUTAGE_MS = 120_000;
const KEYS = 300;

const kafka: Kafka = testKafka('fault-ops-outage-test');
let admin: Admin;
let magento: MagentoSimulator;
let ops: OwnPostgres;
let channel: TestChannel;

const skus = Array.from({ length: KEYS }, (_, i) => `OPS-${String(i).padStart(4, '0')}`);

/** The value of a gauge for this channel on the sink's /metrics, or undefined when absent. */
async function gauge(metricsUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{channel="${channel.id}"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** Register entries of records (not channel-wide ones) sharing a record position and attempt. */
function fatesTwice(entries: readonly RegisterEntry[]): string[] {
  const seen = new Map<string, string>();
  const twice: string[] = [];
  for (const entry of entries) {
    if (entry.scope !== 'RECORD') continue;
    const id = `${entry.key}@${entry.offerPartition}:${entry.offerOffset}#${entry.attempt}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) twice.push(`${id}: ${earlier} and ${entry.status}`);
    seen.set(id, entry.status);
  }
  return twice;
}

describe('faults: the ops PostgreSQL stopped for 2 minutes mid-delivery', { timeout: 600_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    ops = await startOwnPostgres('syncline_ops');
    magento = await startMagentoSimulator({ bulkProcessingDelayMs: 20 });
    channel = testChannel({
      adapter: 'magento',
      settings: {
        baseUrl: magento.url,
        auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' },
      },
      batchSize: 20,
      concurrency: 2,
      // Every request takes the shared budget from the ops database, and at this pace (a call
      // of 20 offers is 21 requests) the sink spends most of its time in calls, so the outage
      // meets calls under way, not only the holdings read at the start of a batch.
      rateLimit: { requestsPerSecond: 10 },
      retry: { initialDelayMs: 100, maxDelayMs: 2000 },
    });
  });

  after(async () => {
    await magento?.close();
    await ops?.destroy();
    await admin
      ?.deleteTopics({ topics: [channel.topic, `channel.${channel.id}.dlq.v1`] })
      .catch(() => undefined);
    await admin?.disconnect();
  });

  it('parks nothing, gives one fate per record per attempt, and delivers everything once it is back', async (t) => {
    const sink = await startRole('sink', channel.configFile, {
      args: ['--channel', channel.id],
      env: { SYNCLINE_OPS_DATABASE_URL: ops.url },
    });
    const metricsUrl = sink.metricsUrl ?? '';
    assert.ok(metricsUrl, 'the sink serves metrics');
    try {
      await deliverThroughOutage(sink, metricsUrl, t);
    } catch (error) {
      const file = join(tmpdir(), `fault-ops-outage-${channel.id}.log`);
      writeFileSync(file, sink.output());
      const said = sink
        .output()
        .split('\n')
        .filter((line) => /"level":(40|50|60)|ops database/.test(line))
        .slice(-20)
        .join('\n');
      throw new Error(`${(error as Error).message}\nthe sink said (all of it in ${file}):\n${said}`, {
        cause: error,
      });
    } finally {
      await sink.stop();
    }
  });
});

async function deliverThroughOutage(sink: RoleProcess, metricsUrl: string, t: TestContext): Promise<void> {
  const writer = await OfferWriter.open(kafka, channel.topic);
  let writing = true;
  let written = 0;
  let round = 0;
  // A steady stream: 15 offers a second, each a new price of a random key, so the sink is always
  // in the middle of something (a budget, a call, the holdings) when the database goes.
  const stream = (async () => {
    while (writing) {
      round += 1;
      const keys = [...new Set(Array.from({ length: 15 }, () => skus[Math.floor(Math.random() * KEYS)]!))];
      const amount = `${10 + (round % 90)}.${String(round % 100).padStart(2, '0')}`;
      await writer.write(
        keys.map((sku) => ({
          key: sku,
          offer: testOffer(channel.id, sku, { price: { amount, currency: 'EUR' } }),
        })),
      );
      written += keys.length;
      await sleep(1000);
    }
  })();
  const began = Date.now();
  let stoppedAt = 0;
  let backAt = 0;
  let gaugeDuring: number | undefined;
  try {
    await writer.write(skus.map((sku) => ({ key: sku, offer: testOffer(channel.id, sku) })));
    await sleep(15_000);

    stoppedAt = Date.now();
    await ops.stop();
    await waitUntil(
      'the sink to say it waits for the ops database',
      async () => ((await gauge(metricsUrl, 'syncline_sink_ops_unavailable')) === 1 ? true : undefined),
      // Any time during the outage: a sink whose records stopped coming meets it later.
      OUTAGE_MS - 10_000,
      500,
    );
    gaugeDuring = 1;
    await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
    await ops.start();
    backAt = Date.now();
    await sleep(10_000);
  } finally {
    writing = false;
    await stream;
    await writer.close();
  }

  {
    const final = await topicState(kafka, channel.topic);
    // The position of every key's last record in the topic.
    const lastPosition = new Map<string, string>();
    for (const record of (await readTopic(channel.topic, 60_000, kafka)).sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    ))
      lastPosition.set(record.key!, `${record.partition}:${record.offset}`);
    // Every key's last record delivered (or found unchanged) once the database is back.
    const entries = await waitUntil(
      "every key's last record delivered",
      async () => {
        const found = await registerEntries(kafka, channel.id);
        const done = new Set(
          found
            .filter((e) => e.scope === 'RECORD' && ['DELIVERED', 'UNCHANGED'].includes(e.status))
            .map((e) => `${e.key}@${e.offerPartition}:${e.offerOffset}`),
        );
        return [...lastPosition].every(([key, at]) => done.has(`${key}@${at}`)) ? found : undefined;
      },
      180_000,
      2000,
    );
    assert.deepEqual(await driftFromTopic(magento.url, final), [], 'Magento holds the topic');
    const recoveredMs = Date.now() - backAt;

    // Nothing parked, and the only failure is the database's.
    assert.deepEqual(await deadLetters(kafka, channel.id), [], 'no dead letter');
    assert.deepEqual(
      entries.filter((e) => e.status === 'PARKED').map((e) => `${e.key}: ${e.errorCode} ${e.channelError}`),
      [],
    );
    const failures = entries.filter((e) => e.status === 'FAILED_WILL_RETRY');
    assert.deepEqual(
      [...new Set(failures.map((e) => e.errorCode))].filter((code) => code !== 'OPS_UNAVAILABLE'),
      [],
      'no failure but the ops database being away',
    );
    assert.ok(failures.length > 0, 'the outage met calls under way');
    assert.deepEqual(fatesTwice(entries), [], 'one fate per record per attempt');
    assert.equal(gaugeDuring, 1);
    assert.equal(await gauge(metricsUrl, 'syncline_sink_ops_unavailable'), 0);
    assert.match(sink.output(), /ops database unreachable: delivery to channel \S+ waits for it/);
    assert.match(sink.output(), /ops database answers again/);
    assert.equal(sink.process.exitCode, null, 'the sink is still running');

    // The holdings know exactly what the topic ends with.
    const client = new pg.Client({ connectionString: ops.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string; content_hash: string }>(
        'SELECT key, content_hash FROM channel_holding WHERE channel = $1',
        [channel.id],
      );
      const held = new Map(rows.map((row) => [row.key, row.content_hash]));
      const wrong = [...final].filter(
        ([key, offer]) => held.get(key) !== (offer === null ? 'tombstone' : contentHash(offer)),
      );
      assert.deepEqual(
        wrong.map(([key]) => key),
        [],
        'holdings equal to the topic',
      );
    } finally {
      await client.end();
    }

    const delivered = entries.filter((e) => e.status === 'DELIVERED').length;
    t.diagnostic(
      `${written + KEYS} offers written over ${((Date.now() - began) / 1000).toFixed(0)} s; ops down ${((backAt - stoppedAt) / 1000).toFixed(0)} s; ${entries.length} register entries (${delivered} DELIVERED, ${failures.length} FAILED_WILL_RETRY/OPS_UNAVAILABLE, 0 PARKED); ${final.size} keys checked in Magento and the holdings; all delivered ${(recoveredMs / 1000).toFixed(0)} s after the database returned`,
    );
  }
}
