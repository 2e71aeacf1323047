/**
 * The soak: the pipeline under a steady stream of ERP changes for a long time (an hour by
 * default) while roles are SIGKILLed at random every few minutes. It prints the resident memory
 * of the instances that are never killed, in buckets of the run, and their drift (the last
 * bucket's median against the first bucket after warm-up; the target is at most 10%), then checks
 * that every channel topic and the portal table equal what the ERP rows imply, with no change
 * emitted twice. Exit 1 when the check or the drift target fails.
 *
 *   npm run soak -- [--minutes 60] [--rate 1000] [--kill-every 180] [--products 2000] [--warmup 10]
 *
 * Not part of `npm test`: it takes the time it says. It runs on the development stack (it starts
 * it if needed) with products of its own, removed at the end. It keeps every channel record it
 * reads back (about 3 GB in an hour at 1000 changes/s), hence the larger heap its npm script gives.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyConnectors } from '../connectors/apply.ts';
import { seedErp } from '../infra/local/erp/seed.ts';
import { portalPostgres, postgresUrl } from '../infra/local/stack-config.ts';
import { up } from '../infra/local/stack.ts';
import type { RoleProcess } from '../infra/local/syncline-roles.ts';
import type { RoleName } from '../streams/config/syncline-config.ts';
import { channelTopics, differences, startErpFaultRun } from '../test/helpers/erp-fault-run.ts';
import { startRole, testConfigFile } from '../test/helpers/pipeline.ts';
import { tailTopics } from '../test/helpers/topic-tail.ts';
import { waitUntil } from '../test/helpers/wait-until.ts';
import { scrapeMetrics, total } from './prometheus-text.ts';
import { median } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    rate: { type: 'string', default: '1000' },
    'kill-every': { type: 'string', default: '180' },
    products: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '10' },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
const killEveryMs = Number(args['kill-every']) * 1000;
const products = Number(args.products);
const warmupMs = Math.min(Number(args.warmup), minutes / 2) * 60_000;
const bucketMs = Math.max(60_000, (minutes * 60_000) / 12);

interface Instance {
  readonly name: string;
  readonly role: RoleName;
  readonly config: string;
  readonly args: readonly string[];
  /** Killed at random; the others stay up the whole run and are the ones whose memory counts. */
  readonly victim: boolean;
  child: RoleProcess | undefined;
}

const random = (n: number) => Math.floor(Math.random() * n);
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

await up();
await seedErp({ target: 'all', size: 'tiny' });
await applyConnectors();
const run = await startErpFaultRun('SOAK', products);
const portal = new pg.Client({ connectionString: postgresUrl(portalPostgres()) });
await portal.connect();
const shared = testConfigFile();
const instances: Instance[] = [
  { name: 'ingest-a', role: 'ingest', config: shared, args: [], victim: false, child: undefined },
  { name: 'ingest-b', role: 'ingest', config: testConfigFile(), args: [], victim: true, child: undefined },
  { name: 'offers-a', role: 'offers', config: testConfigFile(), args: [], victim: false, child: undefined },
  { name: 'offers-b', role: 'offers', config: testConfigFile(), args: [], victim: true, child: undefined },
  {
    name: 'sink-portal',
    role: 'sink',
    config: shared,
    args: ['--channel', 'b2b-portal'],
    victim: true,
    child: undefined,
  },
];
for (const instance of instances)
  instance.child = await startRole(instance.role, instance.config, { args: instance.args });
const tail = await tailTopics(channelTopics);
await run.insertProducts();
log(
  `soak: ${minutes} min at ${rate} changes/s, a SIGKILL every ~${killEveryMs / 1000} s, ${products} products`,
);

const began = Date.now();
const ends = began + minutes * 60_000;
let changes = 0;
let kills = 0;
let editFailures = 0;
const rss = new Map<string, { at: number; mb: number }[]>();

const editor = (async () => {
  // Each statement changes about 50 rows; pace them to the wanted rate.
  while (Date.now() < ends) {
    const t0 = Date.now();
    try {
      changes += await run.randomEdits();
    } catch (error) {
      // The ERP is the source, not the system under test: a statement it could not take (a
      // connection timeout on a loaded machine) changed nothing, and the check reads the ERP's
      // rows at the end, so the run goes on.
      editFailures += 1;
      log(`ERP statement failed (${editFailures}): ${(error as Error).message}`);
      await sleep(1000);
    }
    const due = t0 + (50 / rate) * 1000;
    if (Date.now() < due) await sleep(due - Date.now());
  }
})();

/** Starts a killed instance again, retrying a start that timed out on a loaded machine. */
async function restarted(instance: Instance): Promise<RoleProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRole(instance.role, instance.config, { args: instance.args });
    } catch (error) {
      if (attempt >= 5) throw error;
      log(`${instance.name} did not start (${(error as Error).message}); again`);
    }
  }
}

const killer = (async () => {
  while (Date.now() < ends) {
    await sleep(killEveryMs / 2 + random(killEveryMs));
    if (Date.now() >= ends) break;
    const victims = instances.filter((i) => i.victim);
    const victim = victims[random(victims.length)]!;
    await victim.child?.kill();
    kills += 1;
    log(`SIGKILL ${victim.name} (${kills})`);
    await sleep(random(2000));
    victim.child = await restarted(victim);
  }
})();

const sampler = (async () => {
  while (Date.now() < ends) {
    for (const instance of instances.filter((i) => !i.victim)) {
      const url = instance.child?.metricsUrl;
      if (url === undefined) continue;
      const scrape = await scrapeMetrics(url).catch(() => undefined);
      if (scrape === undefined) continue;
      const mb = total(scrape, 'syncline_process_resident_memory_bytes') / 2 ** 20;
      rss.set(instance.name, [...(rss.get(instance.name) ?? []), { at: Date.now() - began, mb }]);
    }
    await sleep(15_000);
  }
})();

await Promise.all([editor, killer, sampler]);
log(`edits stopped: ${changes} changes, ${kills} SIGKILLs; waiting for the channels to converge`);

const expected = await run.expectedState();
let problems: string[] = [];
const converging = Date.now();
const portalExpected = new Map([...expected].filter(([key]) => key.startsWith('b2b-portal|')));
const converged = await waitUntil(
  'the channels to equal the ERP',
  async () => {
    problems = differences(expected, run.actualState(tail.records));
    const { rows } = await portal.query<{
      sku: string;
      name: string;
      price: string;
      quantity: number;
      listed: boolean;
    }>(`SELECT sku, name, price::text, quantity, listed FROM portal.offer WHERE sku LIKE $1`, [
      `${run.prefix}-%`,
    ]);
    const held = new Map(
      rows.map((r) => [
        `b2b-portal|${r.sku}`,
        r.listed ? { name: r.name, amount: r.price, quantity: r.quantity } : null,
      ]),
    );
    problems.push(...differences(portalExpected, held).map((p) => `portal table: ${p}`));
    return problems.length === 0 ? true : undefined;
  },
  600_000,
  2000,
).then(
  () => true,
  () => false,
);
const repeats = run.repeats(tail.records);

console.log('\nresident memory (MB, median per bucket) of the instances never killed:');
const buckets = Math.ceil((minutes * 60_000) / bucketMs);
console.log(
  `  ${'minute'.padEnd(12)}${Array.from({ length: buckets }, (_, b) => String(Math.round(((b + 1) * bucketMs) / 60_000)).padStart(7)).join('')}`,
);
let worstDrift = 0;
for (const [name, samples] of rss) {
  const perBucket = Array.from({ length: buckets }, (_, b) =>
    median(samples.filter((s) => s.at >= b * bucketMs && s.at < (b + 1) * bucketMs).map((s) => s.mb)),
  );
  const afterWarmup = samples.filter((s) => s.at >= warmupMs);
  const first = median(afterWarmup.filter((s) => s.at < warmupMs + bucketMs).map((s) => s.mb));
  const last = median(samples.filter((s) => s.at >= minutes * 60_000 - bucketMs).map((s) => s.mb));
  const drift = (last - first) / first;
  worstDrift = Math.max(worstDrift, drift);
  console.log(
    `  ${name.padEnd(12)}${perBucket.map((mb) => (Number.isNaN(mb) ? '-' : mb.toFixed(0)).padStart(7)).join('')}   drift ${(100 * drift).toFixed(1)}%`,
  );
}
console.log(
  `\n${changes} ERP changes in ${minutes} min (${(changes / (minutes * 60)).toFixed(0)}/s), ${editFailures} ERP statements failed, ${kills} SIGKILLs, ${tail.records.length} channel records read back`,
);
console.log(
  converged
    ? `all ${expected.size} channel views and the portal table equal the ERP ${((Date.now() - converging) / 1000).toFixed(0)} s after the edits stopped`
    : `NOT converged: ${problems.length} differences, e.g.\n${problems.slice(0, 10).join('\n')}`,
);
console.log(
  repeats.length === 0
    ? 'no change emitted twice'
    : `changes emitted twice: ${repeats.slice(0, 10).join(', ')}`,
);
console.log(`worst RSS drift ${(100 * worstDrift).toFixed(1)}% (target at most 10%)`);

for (const instance of instances) await instance.child?.stop();
await tail.stop();
await portal.end();
await run.cleanup();
process.exit(converged && repeats.length === 0 && worstDrift <= 0.1 ? 0 : 1);
