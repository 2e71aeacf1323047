/**
 * `npm run bench:pipeline`: throughput and latency of ingest + offers (issue 3), isolated mode of
 * BENCHMARKS.md: generated Debezium events are written to the CDC topics and the two processors,
 * started as `syncline <role>` child processes on the sample config (3 channels), carry them to the
 * channel topics.
 *
 * It runs on a stack of its own (data in var/bench-stack, deleted first), so the figures start
 * from an empty broker and the development stack's topics are never polluted; stop the
 * development stack first (`npm run stack:down`).
 *
 * Phases:
 *   1. snapshot: N products (7 CDC rows each) -> every channel topic; changes/s.
 *   2. steady changes, several rounds alternating exactly-once on and off: M changes written as
 *      fast as possible, time until both processors have caught up; changes/s and the ratio.
 *   3. latency: changes at a steady rate with the ERP commit time = send time; each channel
 *      record's age when a read_committed consumer sees it; p50 / p95 / p99 / max. With
 *      `--sinks`, the channels are delivered too (bench/sink-latency.ts: a Magento simulator without
 *      a rate limit, a webhook receiver, the portal table; `syncline sink` from the channel topics'
 *      ends): the DELIVERED register entries of the phase's records give the latency from the ERP
 *      commit to the channel API call, per channel and overall.
 *
 *   npm run bench:pipeline -- [--products 100000] [--changes 50000] [--rounds 3] [--rate 1000]
 *                             [--latency-seconds 30] [--sinks]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { CdcWorkload, cdcTopics, type CdcEvent } from './cdc-events.ts';
import type { RoleProcess } from '../infra/local/syncline-roles.ts';
import type { ChannelSinks, LatencyFigures } from './sink-latency.ts';
import { median, percentile } from './stats.ts';
import { topicRecords } from './topic-records.ts';
import { groupCaughtUp } from '../test/helpers/group-offsets.ts';
import { figuresText, roleFigures, scrape } from './role-metrics.ts';
import { canonicalTopics } from '../streams/contracts/canonical.ts';
import { familyRepartitionTopic } from '../streams/processors/offers/offers-processor.ts';

const repoRoot = new URL('..', import.meta.url).pathname;
const benchDir = join(repoRoot, 'var', 'bench-stack');
// The stack modules read SYNCLINE_STACK_DIR when they load: set it before importing them.
process.env.SYNCLINE_STACK_DIR = benchDir;
const { up, down } = await import('../infra/local/stack.ts');
const { kafkaBrokers, registryUrl, stateDir } = await import('../infra/local/stack-config.ts');
// A static import that reaches stack-config.ts loads it before the line above sets the folder,
// and the bench would then run on (and wipe the topics of) the development stack.
if (stateDir !== benchDir) throw new Error(`the bench stack resolved to ${stateDir}, not ${benchDir}`);
const { portInUse } = await import('../infra/local/ports.ts');
const { startRole, writeSampleConfigVariant } = await import('../infra/local/syncline-roles.ts');
const { measureReferences } = await import('./references.ts'); // it reaches the stack's Kafka jars

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    changes: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    'latency-seconds': { type: 'string', default: '30' },
    'keep-stack': { type: 'boolean', default: false },
    'commit-interval-ms': { type: 'string' },
    'skip-steady': { type: 'boolean', default: false },
    'skip-references': { type: 'boolean', default: false },
    sinks: { type: 'boolean', default: false },
  },
});
const products = Number(values.products);
const changes = Number(values.changes);
const rounds = Number(values.rounds);
const rate = Number(values.rate);
const latencySeconds = Number(values['latency-seconds']);

const channels = ['webshop', 'b2b-portal', 'marketplace'];
const offerTopics = channels.map((c) => `channel.${c}.offer.v1`);

function processing(exactlyOnce: boolean): Record<string, unknown> {
  const commitInterval = values['commit-interval-ms'];
  return {
    exactlyOnce,
    stateDir: join(benchDir, 'processor-state'),
    ...(commitInterval === undefined ? {} : { commitIntervalMs: Number(commitInterval) }),
  };
}

function configFile(exactlyOnce: boolean): string {
  return writeSampleConfigVariant(
    join(benchDir, `syncline-${exactlyOnce ? 'eos' : 'alo'}.yaml`),
    processing(exactlyOnce),
  );
}

const figuresLine = (f: LatencyFigures) =>
  `p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms, max ${f.max} ms (${f.records})`;

// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each role when it stops (not allowed in NODE_OPTIONS).
const profile = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];

async function startRoles(config: string): Promise<RoleProcess[]> {
  return [
    await startRole('ingest', config, { nodeArgs: profile }),
    await startRole('offers', config, { nodeArgs: profile }),
  ];
}

async function stopRoles(roles: readonly RoleProcess[]): Promise<void> {
  await Promise.all(roles.map((role) => role.stop()));
}

async function produceAll(producer: Producer, events: Iterable<CdcEvent>): Promise<number> {
  let count = 0;
  let batch: CdcEvent[] = [];
  const flush = async () => {
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const event of batch) {
      const messages = byTopic.get(event.topic) ?? [];
      messages.push({ key: event.key, value: event.value });
      byTopic.set(event.topic, messages);
    }
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
    });
    count += batch.length;
    batch = [];
  };
  for (const event of events) {
    batch.push(event);
    if (batch.length >= 1000) await flush();
  }
  if (batch.length > 0) await flush();
  return count;
}

/**
 * Waits until both processors are idle and returns when they wrote their last record. The ingest's
 * inputs are written without transactions, so its committed offsets reach the end exactly. The
 * offers group's committed offsets stay a few offsets short of the end (see groupCaughtUp), so its end
 * is taken from its outputs instead: the moment the canonical, family and channel topics last
 * grew, once nothing has moved for two seconds and its committed offsets are within a few offsets
 * of the end (so a task rebuilding its state, which writes nothing for a while, is not taken for
 * done).
 */
async function waitCaughtUp(admin: Admin): Promise<number> {
  const ingestInputs = Object.values(cdcTopics);
  const offersInputs = [
    'catalog.product.v1',
    'catalog.stock.v1',
    'catalog.price.v1',
    'syncline.offers.family.v1',
  ];
  const outputs = [
    'catalog.product.v1',
    'catalog.stock.v1',
    'catalog.price.v1',
    'syncline.offers.family.v1',
    ...offerTopics,
  ];
  let last = -1;
  let lastChangeAt = Date.now();
  for (;;) {
    await sleep(100);
    const total = await topicRecords(admin, outputs);
    if (total !== last) {
      last = total;
      lastChangeAt = Date.now();
    } else if (
      Date.now() - lastChangeAt >= 2000 &&
      (await groupCaughtUp(admin, 'syncline-ingest', ingestInputs)) &&
      (await groupCaughtUp(admin, 'syncline-offers', offersInputs, 8n))
    ) {
      return lastChangeAt;
    }
  }
}

async function main(): Promise<void> {
  for (const [what, port] of [
    ['Kafka', kafkaBrokers()[0]?.split(':')[1]],
    ['schema registry', new URL(registryUrl()).port],
  ] as const) {
    if (await portInUse(Number(port))) {
      throw new Error(
        `the ${what} port ${port} is taken: stop the development stack first (npm run stack:down); the benchmark runs on a fresh stack of its own in var/bench-stack`,
      );
    }
  }
  rmSync(benchDir, { recursive: true, force: true });
  mkdirSync(benchDir, { recursive: true });
  console.log('== bench stack (fresh, var/bench-stack)');
  await up();

  const kafka = new Kafka({
    clientId: 'syncline-bench',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: Object.values(cdcTopics).map((topic) => ({ topic, numPartitions: 4 })),
    waitForLeaders: true,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const workload = new CdcWorkload(products);
  const eos = configFile(true);
  const alo = configFile(false);
  const results: Record<string, unknown> = { products, changes, rounds, rate, channels: channels.length };

  try {
    console.log(`\n== 1. snapshot: ${products} products, ${products * 7} CDC rows`);
    const snapshotRows = await produceAll(producer, workload.snapshot());
    let roles = await startRoles(eos);
    const t0 = Date.now();
    const snapshotSeconds = ((await waitCaughtUp(admin)) - t0) / 1000;
    const outputs = await topicRecords(admin, offerTopics);
    console.log(
      `  ${snapshotRows} CDC rows in ${snapshotSeconds.toFixed(1)} s: ${(snapshotRows / snapshotSeconds).toFixed(0)} changes/s, ${outputs} channel records`,
    );
    results.snapshot = { rows: snapshotRows, seconds: snapshotSeconds, channelRecords: outputs };

    console.log(`\n== 2. steady changes: ${changes} per round, ${rounds} rounds per mode`);
    const rates: Record<'eos' | 'alo', number[]> = { eos: [], alo: [] };
    for (let round = 0; round < (values['skip-steady'] ? 0 : rounds); round += 1) {
      for (const mode of ['eos', 'alo'] as const) {
        await stopRoles(roles);
        roles = await startRoles(mode === 'eos' ? eos : alo);
        await waitCaughtUp(admin);
        const before = await topicRecords(admin, offerTopics);
        const start = Date.now();
        const events = Array.from({ length: changes }, () => workload.change());
        await produceAll(producer, events);
        const seconds = ((await waitCaughtUp(admin)) - start) / 1000;
        const emitted = (await topicRecords(admin, offerTopics)) - before;
        rates[mode].push(changes / seconds);
        console.log(
          `  round ${round + 1} ${mode === 'eos' ? 'exactly-once ' : 'at-least-once'}: ${(changes / seconds).toFixed(0)} changes/s (${seconds.toFixed(1)} s), ${emitted} channel records, suppression ratio ${(emitted / (changes * channels.length)).toFixed(2)}`,
        );
      }
    }
    const eosMedian = median(rates.eos);
    const aloMedian = median(rates.alo);
    console.log(
      `  median exactly-once ${eosMedian.toFixed(0)} changes/s, at-least-once ${aloMedian.toFixed(0)} changes/s, ratio ${(eosMedian / aloMedian).toFixed(2)} (target >= 0.9)`,
    );
    results.steady = { exactlyOnce: rates.eos, atLeastOnce: rates.alo, ratio: eosMedian / aloMedian };

    await stopRoles(roles);
    if (!values['skip-references']) {
      // With the roles stopped, so the ceilings are the broker's and the client's alone.
      const sample = Array.from({ length: 1000 }, () => workload.change());
      const recordBytes = Math.round(
        sample.reduce((sum, event) => sum + event.key.length + event.value.length, 0) / sample.length,
      );
      console.log(`\n== references: the broker's and the client's ceilings, ${recordBytes}-byte records`);
      const references = await measureReferences({
        kafka,
        admin,
        brokers: kafkaBrokers().join(','),
        inputs: Object.values(cdcTopics),
        recordBytes,
        records: 200_000,
      });
      const ratio = (reference: number) => (eosMedian / reference).toFixed(2);
      console.log(
        `  Kafka ProducerPerformance: ${references.producerPlain.toFixed(0)} records/s plain, ${references.producerTransactional.toFixed(0)} transactional (100 ms transactions)`,
      );
      console.log(
        `  bare kafkajs consume -> produce: ${references.clientPassThrough.toFixed(0)} records/s at least once, ${references.clientPassThroughTransactional.toFixed(0)} with a transaction per batch`,
      );
      console.log(
        `  syncline exactly-once / broker producer ceiling: ${ratio(references.producerPlain)} (target >= 0.3); / bare kafkajs transactional loop: ${ratio(references.clientPassThroughTransactional)}`,
      );
      results.references = references;
    }
    roles = await startRoles(eos);
    await waitCaughtUp(admin);
    console.log(
      `\n== 3. latency at ${rate} changes/s for ${latencySeconds} s, exactly-once${values.sinks ? ', channels delivered' : ''}`,
    );
    let sinks: ChannelSinks | undefined;
    if (values.sinks) {
      const { prepareChannelSinks } = await import('./sink-latency.ts');
      sinks = await prepareChannelSinks({
        kafka,
        admin,
        configFile: join(benchDir, 'syncline-sinks.yaml'),
        logFile: join(benchDir, 'sink.log'),
        processing: processing(true),
      });
    }
    try {
      await sinks?.start();
      const ages: number[] = [];
      // By stage too: the canonical topics (after ingest) and the family hop of grouped channels.
      const stageTopics = [...Object.values(canonicalTopics), familyRepartitionTopic];
      const byTopic = new Map([...offerTopics, ...stageTopics].map((topic) => [topic, [] as number[]]));
      const isOfferTopic = new Set(offerTopics);
      const consumer = kafka.consumer({ groupId: `bench-latency-${Date.now()}`, maxWaitTimeInMs: 20 });
      await consumer.connect();
      await consumer.subscribe({ topics: [...offerTopics, ...stageTopics], fromBeginning: false });
      let measuring = false;
      await consumer.run({
        eachMessage: ({ topic, message }) => {
          const commit = Number(message.headers?.['syncline.commit-ms']?.toString());
          if (measuring && Number.isFinite(commit)) {
            const age = Date.now() - commit;
            if (isOfferTopic.has(topic)) ages.push(age);
            byTopic.get(topic)?.push(age);
          }
          return Promise.resolve();
        },
      });
      await sleep(3000);
      const metricsBefore = await Promise.all(roles.map(scrape));
      measuring = true;
      const tickMs = 20;
      const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
      const phaseStart = Date.now();
      const end = phaseStart + latencySeconds * 1000;
      let next = Date.now();
      let phaseEnd = phaseStart;
      while (Date.now() < end) {
        const batch = Array.from({ length: perTick }, () => workload.change(Date.now()));
        await produceAll(producer, batch);
        phaseEnd = Date.now(); // no change of the phase was committed later than this
        next += tickMs;
        await sleep(Math.max(0, next - Date.now()));
      }
      await sleep(3000);
      measuring = false;
      const metricsAfter = await Promise.all(roles.map(scrape));
      const phaseSeconds = (Date.now() - phaseStart) / 1000;
      await consumer.disconnect();
      ages.sort((a, b) => a - b);
      const latency = {
        records: ages.length,
        p50: percentile(ages, 0.5),
        p95: percentile(ages, 0.95),
        p99: percentile(ages, 0.99),
        max: ages.at(-1) ?? NaN,
      };
      console.log(
        `  ${latency.records} channel records: p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms (target p99 <= 250 ms; Debezium's own delay not included)`,
      );
      const stages: Record<string, { p50: number; p99: number; records: number }> = {};
      for (const [topic, topicAges] of byTopic) {
        if (topic === stageTopics[0]) console.log('  by stage, ERP commit -> visible in:');
        topicAges.sort((a, b) => a - b);
        stages[topic] = {
          p50: percentile(topicAges, 0.5),
          p99: percentile(topicAges, 0.99),
          records: topicAges.length,
        };
        console.log(
          `    ${topic.padEnd(30)} p50 ${stages[topic].p50} ms, p99 ${stages[topic].p99} ms (${topicAges.length})`,
        );
      }
      results.latency = { ...latency, byTopic: stages };
      console.log(`  the roles over the phase (${phaseSeconds.toFixed(0)} s), from their own /metrics:`);
      const roleNames = ['ingest', 'offers'];
      results.roles = Object.fromEntries(
        roleNames.map((name, i) => {
          const figures = roleFigures(
            metricsBefore[i] ?? new Map<string, number>(),
            metricsAfter[i] ?? new Map<string, number>(),
          );
          console.log(`    ${figuresText(name, figures, phaseSeconds)}`);
          return [name, figures];
        }),
      );
      if (sinks) {
        const report = await sinks.measure({ fromMs: phaseStart, toMs: phaseEnd });
        console.log(
          `  ERP commit -> channel API call (DELIVERED register entries of the phase's records, sinks ${report.caughtUp ? `caught up ${report.drainSeconds.toFixed(1)} s after the phase` : `NOT caught up ${report.drainSeconds.toFixed(1)} s after the phase: the slowest deliveries are missing`}):`,
        );
        console.log(`    overall                        ${figuresLine(report.overall)}`);
        for (const [channel, figures] of Object.entries(report.byChannel)) {
          console.log(`    ${channel.padEnd(30)} ${figuresLine(figures)}`);
        }
        for (const [channel, counts] of Object.entries(report.statuses)) {
          console.log(
            `    register entries of ${channel}: ${Object.entries(counts)
              .map(([status, n]) => `${status} ${n}`)
              .join(', ')}`,
          );
        }
        results.sinkLatency = report;
      }
    } finally {
      await sinks?.close();
    }
    await stopRoles(roles);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
  const resultFile = join(
    repoRoot,
    'bench',
    'results',
    `pipeline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(resultFile, JSON.stringify(results, null, 2));
  console.log(`\nresults: ${resultFile}`);
  if (!values['keep-stack']) await down();
}

await main();
