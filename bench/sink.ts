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
 *                         [--bulk-delay-ms 50]
 *
 * `--concurrency` takes a list: each round then runs every value, one after the other on the same
 * broker, so the ratios between them are taken in the same conditions. The channel topics have 4
 * partitions (processing.partitions of the sample config), so a concurrency above 4 adds nothing.
 */
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
import { dlqTopicOf, sinkGroupOf } from '../streams/sinks/sink-worker.ts';
import type { RegisterEntry } from '../streams/sinks/register-entry.ts';
import { OfferWriter, testChannel, testOffer } from '../test/helpers/sink-channel.ts';
import { tailRegister } from './sink-register.ts';
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
    'timeout-seconds': { type: 'string' },
  },
});
const offers = Number(values.offers);
const rounds = Number(values.rounds);
const concurrencies = values.concurrency.split(',').map(Number);
const limit = Number(values.limit);
const batchSize = Number(values['batch-size']);
const pollIntervalMs =
  values['poll-interval-ms'] === undefined ? undefined : Number(values['poll-interval-ms']);
const bulkDelayMs = values['bulk-delay-ms'] === undefined ? undefined : Number(values['bulk-delay-ms']);
// A round that delivers fewer than 20 records/s has failed anyway.
const timeoutMs = Number(values['timeout-seconds'] ?? 120 + offers / 20) * 1000;
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
  readonly offers: number;
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
  readonly statuses: Record<string, number>;
  readonly byRoute: SimulatorStats['byRoute'];
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
    },
    batchSize,
    rateLimit: { requestsPerSecond: limit },
    concurrency,
  });
  const logFile = join(dirname(channel.configFile), 'sink.log');
  let sink: RoleProcess | undefined;
  let tail: Awaited<ReturnType<typeof tailRegister>> | undefined;
  let failed = false;
  try {
    await writeBacklog(channel.topic, channel.id);
    const delivered = new Map<string, RegisterEntry>();
    tail = await tailRegister({
      kafka,
      registryUrl: registryUrl(),
      accept: (key) => key.startsWith(`${channel.id}/`),
      onEntry: (entry) => {
        if (entry.status === 'DELIVERED' && !delivered.has(entry.key)) delivered.set(entry.key, entry);
      },
    });
    sink = await startRole('sink', channel.configFile, {
      args: ['--channel', channel.id],
      onOutput: (chunk) => appendFileSync(logFile, chunk),
    });
    const deadline = Date.now() + timeoutMs;
    while (delivered.size < offers) {
      if (sink.process.exitCode !== null || sink.process.signalCode !== null) {
        throw new Error(
          `the sink exited (${sink.process.exitCode ?? sink.process.signalCode}); see ${logFile}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `only ${delivered.size} of ${offers} offers delivered after ${timeoutMs / 1000} s; see ${logFile}`,
        );
      }
      await sleep(200);
    }
    const stats = magento.stats();
    const log = magento.requests().sort((a, b) => a.at - b.at);
    const deliveredEntries = [...delivered.values()];
    const end = Math.max(...deliveredEntries.map((e) => e.recordedAtMs));
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
    const statuses: Record<string, number> = {};
    for (const entry of tail.entries) statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
    const requestsPerSecond = inRun.length / seconds;
    return {
      round,
      concurrency,
      offers,
      seconds,
      deliveriesPerSecond: offers / seconds,
      requestsPerSecond,
      budgetUsed: requestsPerSecond / limit,
      slotsUsed: inRun.length / (1 + limit * seconds),
      deliveriesPerRequest: offers / inRun.length,
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
      statuses,
      byRoute: stats.byRoute,
    };
  } catch (error) {
    failed = true;
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
    if (!failed) rmSync(dirname(channel.configFile), { recursive: true, force: true });
  }
}

function printRound(r: RoundResult): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `  round ${r.round}, concurrency ${r.concurrency}: ${r.offers} deliveries in ${r.seconds.toFixed(1)} s = ${r.deliveriesPerSecond.toFixed(0)} deliveries/s; ${r.requestsPerSecond.toFixed(2)} requests/s = ${pct(r.budgetUsed)} of the budget (target >= 95%; ${pct(r.slotsUsed)} of the request slots); ${r.deliveriesPerRequest.toFixed(1)} deliveries per request; 429s ${r.throttled}; max ${r.maxRequestsInAnyWindow} requests in any 1 s window (limit ${limit})`,
  );
  console.log(
    `    requests: ${r.byKind.bulk} bulk POSTs (${r.itemsPerBulk.toFixed(1)} products each), ${r.byKind.poll} bulk status polls (${r.pollsPerBulk.toFixed(2)} per bulk), ${r.byKind.stock} source-items POSTs (${r.itemsPerStockCall.toFixed(1)} items each), ${r.byKind.other} other`,
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
    const mine = results.filter((r) => r.concurrency === concurrency);
    const of = (pick: (r: RoundResult) => number) => median(mine.map(pick));
    return {
      concurrency,
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
  console.log(`\n== medians of ${rounds} rounds`);
  for (const m of medians) {
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
