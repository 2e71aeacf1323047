/**
 * A role's `/readyz` tells the truth, and a role whose consumer is gone for good exits non-zero so
 * its supervisor restarts it. On the real local stack, with the ingest role as a user runs it
 * (`syncline ingest --config <file>`), reading CDC topics of the test's own (the sample config
 * with every source's `topicPrefix` replaced by a random one).
 *
 * The consumer is killed for good by a real fault: an input topic the role cannot read. The topic
 * is switched to `compression.type=zstd`, so the broker stores the next record zstd-compressed,
 * which kafkajs cannot decompress; its fetch fails with a non-retriable error and kafkajs gives up
 * on the consumer (CRASH with `restart: false`).
 *
 * On the way, a change event below its key's last position is sent: the role must count it in
 * `syncline_ingest_replays_dropped_total` and log it.
 *
 * The ingest group (`syncline-ingest`) is the pipeline tests' too: the test waits for it to be
 * empty before it joins, so the two never share it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type Admin } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { startRole, writeSampleConfigVariant, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import { testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { key, pgStock, pgValue } from '../unit/ingest-fixtures.ts';

const kafka = testKafka();
const id = randomUUID().slice(0, 8);
const prefix = `test-ready-${id}`;
const dir = mkdtempSync(join(tmpdir(), 'syncline-readiness-'));
const partitions = 4;
let admin: Admin;
let inputs: string[] = [];
let config = '';
let role: RoleProcess | undefined;

/** The sample config reading `<prefix>.<source>.<table>` topics, without the CDC watchdog. */
function configFile(): string {
  const file = writeSampleConfigVariant(join(dir, 'syncline.yaml'), { stateDir: join(dir, 'state') });
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown> & {
    sources: { id: string; topicPrefix: string; tables: Record<string, unknown> }[];
  };
  delete config.cdc;
  for (const source of config.sources) source.topicPrefix = `${prefix}.${source.id}`;
  inputs = config.sources.flatMap((s) => Object.keys(s.tables).map((table) => `${s.topicPrefix}.${table}`));
  writeFileSync(file, stringify(config));
  return file;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function readyz(port: number): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: response.status, body: await response.json() };
  } catch {
    return undefined; // not listening yet
  }
}

/** The times (ms) of the role's `task started` log lines. */
const taskStartTimes = (output: string): number[] =>
  output
    .split('\n')
    .filter((line) => line.includes('"msg":"task started"'))
    .map((line) => (JSON.parse(line) as { time: number }).time);

describe('role readiness and death', { timeout: 240_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    config = configFile();
    await admin.createTopics({
      topics: inputs.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
    await waitUntil(
      'the syncline-ingest group to have no member (a pipeline test may be running)',
      async () => {
        const { groups } = await admin.describeGroups(['syncline-ingest']);
        return groups[0]?.members.length === 0 ? true : undefined;
      },
      120_000,
      1000,
    );
  });

  after(async () => {
    await role?.kill();
    await admin.deleteTopics({ topics: inputs }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says not ready until every task has started, then ready; and exits 1 when its consumer dies for good', async () => {
    const port = await freePort();
    const seen: { status: number; atMs: number }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const asked = await readyz(port);
        if (asked) seen.push({ status: asked.status, atMs: Date.now() });
        if (asked?.status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    role = await startRole('ingest', config, {
      args: ['--metrics-port', String(port)],
    });
    const started = role;
    const firstReady = await waitUntil(
      'the role to say ready',
      () => seen.find((s) => s.status === 200),
      60_000,
      50,
    );
    polling = false;
    await poller;
    assert.ok(
      seen.some((s) => s.status === 503 && s.atMs < firstReady.atMs),
      `the probe answered 503 while the role started; it answered ${JSON.stringify(seen.slice(0, 5))}`,
    );
    // Every task of the assignment started (fenced, offsets settled) before the probe said ready.
    const starts = await waitUntil(
      `${partitions} "task started" lines`,
      () => {
        const times = taskStartTimes(started.output());
        return times.length >= partitions ? times : undefined;
      },
      30_000,
      50,
    );
    assert.ok(
      starts.every((t) => t <= firstReady.atMs),
      `ready at ${firstReady.atMs}, but tasks started at ${starts.join(', ')}`,
    );
    const now = await readyz(port);
    assert.equal(now?.status, 200);

    // A change at a lower position than its key's last (an ERP restored from a backup): dropped,
    // and counted and logged by the running role. A warehouse the source does not own, so the
    // first change is parked rather than written to the shared canonical topics.
    const stockTopic = `${prefix}.postgres.erp.stock_level`;
    const rowKey = key({ sku: 'TSH-001-M-BLK', warehouse_code: 'WH-3PL' });
    const stockChange = (lsn: number) => ({
      key: rowKey,
      partition: 0,
      value: pgValue({ op: 'u', table: 'stock_level', after: pgStock({ warehouse_code: 'WH-3PL' }), lsn }),
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: stockTopic, messages: [stockChange(2000), stockChange(1000)] });
    await waitUntil(
      'the replay drop counted in /metrics',
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /syncline_ingest_replays_dropped_total\{source="postgres",table="erp\.stock_level"\} 1\b/.test(
          text,
        )
          ? true
          : undefined;
      },
      30_000,
      200,
    );
    assert.match(started.output(), /"dropped":1,"key":"[^\n]*reset the source's positions and resync/);

    // An input topic it cannot read: its consumer crashes, kafkajs does not restart it.
    const topic = inputs[0]!;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: kafkajs.ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'compression.type', value: 'zstd' }],
        },
      ],
    });
    // The broker applies the altered config a moment after the controller accepted it, and a
    // record it takes before then is stored uncompressed (and parked by the role as bad input):
    // so one record a second, until the role is gone.
    const exitCode = await waitUntil(
      'the role to exit',
      async () => {
        if (started.process.exitCode !== null) return started.process.exitCode;
        await producer.send({ topic, messages: [{ key: 'k', value: '{}', partition: 0 }] });
        return undefined;
      },
      60_000,
      1000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; the role's last lines:\n${started.output().split('\n').slice(-8).join('\n')}`,
      );
    });
    await producer.disconnect();
    assert.equal(exitCode, 1, started.output().split('\n').slice(-5).join('\n'));
    assert.match(started.output(), /gone for good/);
  });
});
