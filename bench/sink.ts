/**
 * `npm run bench:sink`: how much of a channel's API budget the sink uses under a backlog
 * (BENCHMARKS.md, "Sinks": deliveries/s over the allowed rate; target >= 95% with zero 429 storms).
 *
 * Runs on the development stack (started with `up()` when it is not running). Per round: an
 * in-process Magento simulator enforcing `--limit` requests/s as a token bucket (the CDN in front
 * of a store), a fresh channel whose sink targets it with the same limit, bulk calls of
 * `--batch-size` products and MSI source-items calls of as many entries; `--offers` offers written
 * to the channel topic first (a backlog), then `syncline sink --channel <id>` started as a child
 * process. Measured from the first request the simulator receives until every key has a DELIVERED
 * register entry (the register is tailed from its end, not polled through Magento's API, whose reads
 * would take budget): deliveries/s, requests/s, the share of the budget used, deliveries per
 * request, 429s, the most requests in any sliding second, where the requests went (bulk POSTs,
 * bulk status polls, source items), and where unused budget went (idle gaps in the request stream,
 * partitions finishing apart).
 *
 *   npm run bench:sink -- [--offers 20000] [--rounds 3] [--concurrency 4 | 1,2,4]
 *                         [--limit 10] [--batch-size 100] [--poll-interval-ms 200]
 *                         [--bulk-threshold 20] [--bulk-delay-ms 50] [--stall-seconds 60]
 *
 * (`--poll-interval-ms` and `--bulk-threshold` are the adapter's bulkPollIntervalMs and
 * bulkThreshold, defaults unchanged when not given; `--bulk-delay-ms` is how long the simulator's
 * async consumer takes per bulk.) A round that stops making progress (the sink's consumer crashed,
 * or no key delivered for `--stall-seconds`) is reported as FAILED with the figures up to then,
 * and left out of the medians; its sink log is kept.
 *
 * `--concurrency` takes a list: each round then runs every value, one after the other on the same
 * broker, so the ratios between them are taken in the same conditions. The channel topics have 4
 * partitions (processing.partitions of the sample config), so a concurrency above 4 adds nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { status, up } from '../infra/local/stack.ts';
import { kafkaBrokers, registryUrl } from '../infra/local/stack-config.ts';
import { startRole, type RoleProcess } from '../infra/local/syncline-roles.ts';
import {
  startMagentoSimulator,
  type RequestLogEntry,
  type SimulatorStats,
} from '../infra/simulators/magento/magento-simulator.ts';
import { channelDlqTopicOf as dlqTopicOf } from '../streams/contracts/topics.ts';
import { sinkGroupOf } from '../streams/sinks/sink-worker.ts';
import type { RegisterEntry } from '../streams/sinks/register-entry.ts';
import { OfferWriter, testChannel, testOffer } from '../test/helpers/sink-channel.ts';
import { tailRegister } from './sink-register.ts';
import { sumOf, type Scrape } from './prometheus-text.ts';
import { scrape } from './role-metrics.ts';
import { median } from './stats.ts';

const repoRoot = new URL('..', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    offers: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    limit: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '100' },
    'poll-interval-ms': { type: 'string' },
    'bulk-delay-ms': { type: 'string' },
    'stall-seconds': { type: 'string', default: '60' },
    'bulk-threshold': { type: 'string' },
  },
});
const offers = Number(values.offers);
const rounds = Number(values.rounds);
const concurrencies = values.concurrency.split(',').map(Number);
const limit = Number(values.limit);
const batchSize = Number(values['batch-size']);
const pollIntervalMs =
  values['poll-interval-ms'] === undefined ? undefined : Number(values['poll-interval-ms']);
const bulkThreshold = values['bulk-threshold'] === undefined ? undefined : Number(values['bulk-threshold']);
const bulkDelayMs = values['bulk-delay-ms'] === undefined ? undefined : Number(values['bulk-delay-ms']);
// A round fails when no new key has been delivered for this long (or the sink's consumer crashed).
const stallMs = Number(values['stall-seconds']) * 1000;
for (const [name, value] of Object.entries({ offers, rounds, limit, batchSize })) {
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
}
if (concurrencies.some((c) => !Number.isInteger(c) || c < 1 || c > 64)) {
  throw new Error('--concurrency: integers from 1 to 64, comma-separated');
}

type RouteKind = 'bulk' | 'poll' | 'stock' | 'other';
const routeKind = (entry: RequestLogEntry): RouteKind => {
  if (entry.method === 'POST' && /\/async\/bulk\/V1\/products$/.test(entry.path)) return 'bulk';
  if (entry.method === 'GET' && /\/V1\/bulk\/[^/]+\/status$/.test(entry.path)) return 'poll';
  if (entry.method === 'POST' && /\/V1\/inventory\/source-items$/.test(entry.path)) return 'stock';
  return 'other';
};

interface RoundResult {
  readonly round: number;
  readonly concurrency: number;
  /** Why the round ended before every key was delivered; the figures then cover what was. */
  readonly failure?: string;
  readonly offers: number;
  readonly delivered: number;
  readonly seconds: number;
  readonly deliveriesPerSecond: number;
  readonly requestsPerSecond: number;
  readonly budgetUsed: number;
  /** Requests over the slots the sink's own budget (GCRA, no burst) had in the run: 1 + limit x seconds. */
  readonly slotsUsed: number;
  readonly deliveriesPerRequest: number;
  readonly requests: number;
  readonly byKind: Record<RouteKind, number>;
  readonly itemsPerBulk: number;
  readonly itemsPerStockCall: number;
  readonly pollsPerBulk: number;
  readonly throttled: number;
  readonly maxRequestsInAnyWindow: number;
  /** Sum over gaps between consecutive requests of what exceeds one slot (1000 / limit ms). */
  readonly idleSeconds: number;
  /** Whole seconds of the run with fewer than 90% of the allowed requests. */
  readonly lowSeconds: number;
  /** From the first partition whose records were all delivered to the last. */
  readonly partitionSpreadSeconds: number;
  /** Records per fetched batch (what one eachBatch of the sink gets), as a consumer with its settings fetches them. */
  readonly fetchedBatches: {
    readonly count: number;
    readonly medianRecords: number;
    readonly maxRecords: number;
  };
  /**
   * The longest stretch without a completed batch from the first request on: kafkajs heartbeats
   * only between batches (or when the handler asks), so past the session timeout (30 s) the
   * member is dropped and the batch's commit fails.
   */
  readonly longestWithoutBatchEndSeconds: number;
  /** Chunks of at most the adapter's bulkThreshold (batch remainders) go as one PUT per product. */
  readonly syncProductPuts: number;
  /** The sink's own account (its /metrics): seconds its requests waited for the shared budget, per request. */
  readonly budgetWaitPerRequestMs: number | null;
  readonly meanRequestMs: number | null;
  readonly statuses: Record<string, number>;
  readonly byRoute: SimulatorStats['byRoute'];
}

/** The sink's metrics; none when it has not logged its address or cannot be reached. */
async function sinkMetrics(sink: RoleProcess): Promise<Scrape> {
  // The figures from the sink's own metrics are extra; the round stands without them.
  return scrape(sink).catch(() => new Map());
}

const kafka = new Kafka({
  clientId: 'syncline-bench-sink',
  brokers: kafkaBrokers(),
  logLevel: logLevel.NOTHING,
});

async function ensureStack(): Promise<void> {
  const parts = await status();
  const down = parts.filter((part) => part.problem !== undefined);
  if (down.length === 0) return;
  console.log(`== starting the development stack (${down.map((p) => p.component.title).join(', ')} not up)`);
  await up();
}

async function writeBacklog(topic: string, channel: string): Promise<void> {
  const writer = await OfferWriter.open(kafka, topic);
  try {
    const records = Array.from({ length: offers }, (_, n) => {
      const sku = `SINKBENCH-${String(n).padStart(7, '0')}`;
      return { key: sku, offer: testOffer(channel, sku, { quantity: n % 50 }) };
    });
    await writer.write(records);
  } finally {
    await writer.close();
  }
}

interface FetchedBatch {
  readonly partition: number;
  readonly first: number;
  readonly last: number;
  readonly records: number;
}

/**
 * The batches the sink's consumer will be handed: the backlog fetched once by a consumer with the
 * sink's fetch settings (batch-consumer.ts: 1 MB per partition, read_committed), before the sink
 * starts. Kafka cuts a fetch at record-batch boundaries from the position on, so the sink, starting
 * from the same positions, gets the same batches.
 */
async function fetchBatches(topic: string): Promise<FetchedBatch[]> {
  const groupId = `bench-fetch-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 1024 * 1024,
  });
  const batches: FetchedBatch[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let total = 0;
    const deadline = Date.now() + 60_000;
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        const records = batch.messages.length;
        total += records;
        batches.push({
          partition: batch.partition,
          first: Number(batch.firstOffset() ?? 0),
          last: Number(batch.lastOffset()),
          records,
        });
        return Promise.resolve();
      },
    });
    while (total < offers && Date.now() < deadline) await sleep(100);
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return batches;
}

async function cleanUp(topics: string[], groups: string[], subjects: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  for (const subject of subjects) {
    // Best effort: the registry keeps a subject per channel topic otherwise.
    await fetch(`${registryUrl()}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' }).catch(
      () => undefined,
    );
  }
}

async function runRound(round: number, concurrency: number): Promise<RoundResult> {
  const magento = await startMagentoSimulator({
    rateLimit: { requestsPerSecond: limit },
    ...(bulkDelayMs === undefined ? {} : { bulkProcessingDelayMs: bulkDelayMs }),
  });
  const channel = testChannel({
    adapter: 'magento',
    settings: {
      baseUrl: magento.url,
      auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' },
      maxBatch: batchSize,
      inputListLimit: batchSize,
      ...(pollIntervalMs === undefined ? {} : { bulkPollIntervalMs: pollIntervalMs }),
      ...(bulkThreshold === undefined ? {} : { bulkThreshold }),
    },
    batchSize,
    rateLimit: { requestsPerSecond: limit },
    concurrency,
  });
  const logFile = join(dirname(channel.configFile), 'sink.log');
  let sink: RoleProcess | undefined;
  let tail: Awaited<ReturnType<typeof tailRegister>> | undefined;
  let failure: string | undefined;
  try {
    await writeBacklog(channel.topic, channel.id);
    const batches = await fetchBatches(channel.topic);
    const delivered = new Map<string, RegisterEntry>();
    tail = await tailRegister({
      kafka,
      registryUrl: registryUrl(),
      accept: (key) => key.startsWith(`${channel.id}/`),
      onEntry: (entry) => {
        if (entry.status === 'DELIVERED' && !delivered.has(entry.key)) delivered.set(entry.key, entry);
      },
    });
    let crash: string | undefined;
    sink = await startRole('sink', channel.configFile, {
      args: ['--channel', channel.id],
      onOutput: (chunk) => {
        appendFileSync(logFile, chunk);
        const text = chunk.toString();
        // A crash kafkajs does not restart from leaves the process up with no consumer.
        if (text.includes('"msg":"sink consumer crashed"')) {
          crash ??= /"message":"([^"]+)"/.exec(text)?.[1] ?? 'see the log';
        }
      },
    });
    let lastProgress = Date.now();
    let seen = 0;
    while (delivered.size < offers) {
      if (delivered.size > seen) [seen, lastProgress] = [delivered.size, Date.now()];
      if (sink.process.exitCode !== null || sink.process.signalCode !== null) {
        failure = `the sink exited (${sink.process.exitCode ?? sink.process.signalCode})`;
      } else if (crash !== undefined) {
        failure = `the sink's consumer crashed: ${crash}`;
      } else if (Date.now() - lastProgress > stallMs) {
        failure = `no key delivered for ${stallMs / 1000} s`;
      }
      if (failure !== undefined) {
        failure += ` after ${delivered.size} of ${offers} deliveries; log: ${logFile}`;
        break;
      }
      await sleep(200);
    }
    const metrics = await sinkMetrics(sink);
    const stats = magento.stats();
    const log = magento.requests().sort((a, b) => a.at - b.at);
    const deliveredEntries = [...delivered.values()];
    const end = Math.max(0, ...deliveredEntries.map((e) => e.recordedAtMs));
    const start = log[0]?.at ?? end;
    const inRun = log.filter((entry) => entry.at <= end);
    const seconds = (end - start) / 1000;
    const byKind: Record<RouteKind, number> = { bulk: 0, poll: 0, stock: 0, other: 0 };
    const items: Record<RouteKind, number> = { bulk: 0, poll: 0, stock: 0, other: 0 };
    for (const entry of inRun) {
      byKind[routeKind(entry)] += 1;
      items[routeKind(entry)] += entry.items;
    }
    const slotMs = 1000 / limit;
    let idleMs = 0;
    for (let i = 1; i < inRun.length; i += 1) {
      idleMs += Math.max(0, (inRun[i]?.at ?? 0) - (inRun[i - 1]?.at ?? 0) - slotMs);
    }
    idleMs += Math.max(0, end - (inRun.at(-1)?.at ?? end) - slotMs);
    const perSecond = new Array<number>(Math.floor(seconds)).fill(0);
    for (const entry of inRun) {
      const bin = Math.floor((entry.at - start) / 1000);
      if (bin < perSecond.length) perSecond[bin] = (perSecond[bin] ?? 0) + 1;
    }
    const partitionEnds = new Map<number, number>();
    for (const entry of deliveredEntries) {
      partitionEnds.set(
        entry.offerPartition,
        Math.max(partitionEnds.get(entry.offerPartition) ?? 0, entry.recordedAtMs),
      );
    }
    // When each fetched batch had all its records delivered: the moments the consumer heartbeats.
    const batchEnds = batches
      .map((batch) =>
        Math.max(
          ...deliveredEntries
            .filter(
              (e) =>
                e.offerPartition === batch.partition &&
                e.offerOffset >= batch.first &&
                e.offerOffset <= batch.last,
            )
            .map((e) => e.recordedAtMs),
        ),
      )
      .filter((at) => Number.isFinite(at))
      .sort((a, b) => a - b);
    let longestWithoutBatchEnd = 0;
    [start, ...batchEnds, failure === undefined ? end : Date.now()].forEach((at, i, all) => {
      if (i > 0) longestWithoutBatchEnd = Math.max(longestWithoutBatchEnd, at - (all[i - 1] ?? at));
    });
    const batchRecords = batches.map((b) => b.records).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const entry of tail.entries) statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
    const requestsPerSecond = inRun.length / seconds;
    const sinkRequests = sumOf(metrics, 'syncline_sink_requests_total');
    const perSinkRequest = (name: string) => {
      const sum = sumOf(metrics, name);
      return sinkRequests && sum !== undefined ? (sum * 1000) / sinkRequests : null;
    };
    return {
      round,
      concurrency,
      ...(failure === undefined ? {} : { failure }),
      offers,
      delivered: delivered.size,
      seconds,
      deliveriesPerSecond: delivered.size / seconds,
      requestsPerSecond,
      budgetUsed: requestsPerSecond / limit,
      slotsUsed: inRun.length / (1 + limit * seconds),
      deliveriesPerRequest: delivered.size / inRun.length,
      requests: inRun.length,
      byKind,
      itemsPerBulk: items.bulk / byKind.bulk,
      itemsPerStockCall: items.stock / byKind.stock,
      pollsPerBulk: byKind.poll / byKind.bulk,
      throttled: stats.throttled,
      maxRequestsInAnyWindow: stats.maxRequestsInAnyWindow,
      idleSeconds: idleMs / 1000,
      lowSeconds: perSecond.filter((n) => n < 0.9 * limit).length,
      partitionSpreadSeconds:
        (Math.max(...partitionEnds.values()) - Math.min(...partitionEnds.values())) / 1000,
      fetchedBatches: {
        count: batches.length,
        medianRecords: median(batchRecords),
        maxRecords: batchRecords.at(-1) ?? 0,
      },
      longestWithoutBatchEndSeconds: longestWithoutBatchEnd / 1000,
      syncProductPuts: stats.byRoute['PUT /V1/products/:sku'] ?? 0,
      budgetWaitPerRequestMs: perSinkRequest('syncline_sink_budget_wait_seconds_total'),
      meanRequestMs: perSinkRequest('syncline_sink_request_seconds_sum'),
      statuses,
      byRoute: stats.byRoute,
    };
  } catch (error) {
    failure = (error as Error).message;
    throw error;
  } finally {
    await sink?.stop();
    await tail?.stop();
    await magento.close();
    await cleanUp(
      [channel.topic, dlqTopicOf(channel.id)],
      [sinkGroupOf(channel.id)],
      [`${channel.topic}-value`],
    );
    if (failure === undefined) rmSync(dirname(channel.configFile), { recursive: true, force: true });
  }
}

function printRound(r: RoundResult): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (r.failure !== undefined)
    console.log(`  round ${r.round}, concurrency ${r.concurrency}: FAILED: ${r.failure}`);
  console.log(
    `  round ${r.round}, concurrency ${r.concurrency}: ${r.delivered} deliveries in ${r.seconds.toFixed(1)} s = ${r.deliveriesPerSecond.toFixed(0)} deliveries/s; ${r.requestsPerSecond.toFixed(2)} requests/s = ${pct(r.budgetUsed)} of the budget (target >= 95%; ${pct(r.slotsUsed)} of the request slots); ${r.deliveriesPerRequest.toFixed(1)} deliveries per request; 429s ${r.throttled}; max ${r.maxRequestsInAnyWindow} requests in any 1 s window (limit ${limit})`,
  );
  console.log(
    `    requests: ${r.byKind.bulk} bulk POSTs (${r.itemsPerBulk.toFixed(1)} products each), ${r.byKind.poll} bulk status polls (${r.pollsPerBulk.toFixed(2)} per bulk), ${r.byKind.stock} source-items POSTs (${r.itemsPerStockCall.toFixed(1)} items each), ${r.byKind.other} other`,
  );
  console.log(
    `    sink: ${r.budgetWaitPerRequestMs?.toFixed(0) ?? '?'} ms budget wait and ${r.meanRequestMs?.toFixed(0) ?? '?'} ms call time per request; ${r.fetchedBatches.count} fetched batches (median ${r.fetchedBatches.medianRecords}, max ${r.fetchedBatches.maxRecords} records); longest stretch without a finished batch ${r.longestWithoutBatchEndSeconds.toFixed(1)} s (session timeout 30 s); ${r.syncProductPuts} single-product PUTs (batch remainders <= bulkThreshold)`,
  );
  console.log(
    `    unused budget: ${r.idleSeconds.toFixed(1)} s of idle gaps (${(r.idleSeconds * limit).toFixed(0)} request slots), ${r.lowSeconds} seconds below 90% of the limit, partitions finished ${r.partitionSpreadSeconds.toFixed(1)} s apart; register: ${Object.entries(
      r.statuses,
    )
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
  );
}

async function main(): Promise<void> {
  await ensureStack();
  console.log(
    `== sink budget: ${offers} offers backlog -> Magento simulator at ${limit} requests/s, bulk calls of ${batchSize}, concurrency ${concurrencies.join(' / ')}, ${rounds} rounds`,
  );
  const results: RoundResult[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const concurrency of concurrencies) {
      const result = await runRound(round, concurrency);
      printRound(result);
      results.push(result);
    }
  }
  // The least requests a batch can take: one bulk POST, one status poll, one source-items POST.
  const ceiling = (limit * batchSize) / 3;
  const medians = concurrencies.map((concurrency) => {
    const mine = results.filter((r) => r.concurrency === concurrency && r.failure === undefined);
    const failed = results.filter((r) => r.concurrency === concurrency && r.failure !== undefined).length;
    const of = (pick: (r: RoundResult) => number) => median(mine.map(pick));
    return {
      concurrency,
      rounds: mine.length,
      failed,
      deliveriesPerSecond: of((r) => r.deliveriesPerSecond),
      requestsPerSecond: of((r) => r.requestsPerSecond),
      budgetUsed: of((r) => r.budgetUsed),
      slotsUsed: of((r) => r.slotsUsed),
      budgetUsedSpread: [
        Math.min(...mine.map((r) => r.budgetUsed)),
        Math.max(...mine.map((r) => r.budgetUsed)),
      ],
      deliveriesPerRequest: of((r) => r.deliveriesPerRequest),
      pollsPerBulk: of((r) => r.pollsPerBulk),
      throttled: of((r) => r.throttled),
      maxRequestsInAnyWindow: Math.max(...mine.map((r) => r.maxRequestsInAnyWindow)),
    };
  });
  console.log(`\n== medians of the rounds that delivered every key`);
  for (const m of medians) {
    if (m.rounds === 0) {
      console.log(`  concurrency ${m.concurrency}: every round failed (${m.failed})`);
      continue;
    }
    if (m.failed > 0) console.log(`  concurrency ${m.concurrency}: ${m.failed} of the rounds failed`);
    console.log(
      `  concurrency ${m.concurrency}: ${m.deliveriesPerSecond.toFixed(0)} deliveries/s (${((m.deliveriesPerSecond / ceiling) * 100).toFixed(1)}% of the ${ceiling.toFixed(0)}/s a 3-request batch allows), ${m.requestsPerSecond.toFixed(2)} requests/s, budget used ${(m.budgetUsed * 100).toFixed(1)}% (spread ${(m.budgetUsedSpread[0]! * 100).toFixed(1)}-${(m.budgetUsedSpread[1]! * 100).toFixed(1)}%, target >= 95%; ${(m.slotsUsed * 100).toFixed(1)}% of the request slots), ${m.deliveriesPerRequest.toFixed(1)} deliveries/request, ${m.pollsPerBulk.toFixed(2)} polls/bulk, 429s ${m.throttled}, max ${m.maxRequestsInAnyWindow} in any 1 s window`,
    );
  }
  const resultFile = join(
    repoRoot,
    'bench',
    'results',
    `sink-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  mkdirSync(dirname(resultFile), { recursive: true });
  writeFileSync(
    resultFile,
    JSON.stringify(
      {
        offers,
        rounds,
        limit,
        batchSize,
        pollIntervalMs: pollIntervalMs ?? 'adapter default',
        bulkDelayMs: bulkDelayMs ?? 'simulator default',
        medians,
        results,
      },
      null,
      2,
    ),
  );
  console.log(`\nresults: ${resultFile}`);
}

await main();
