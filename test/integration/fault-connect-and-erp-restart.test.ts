/**
 * Kafka Connect SIGKILLed and started again, then the ERP PostgreSQL stopped and started again,
 * while ERP edits stream from both databases. Nothing in the pipeline is told.
 *
 * After the Connect kill, Debezium starts again from the source offsets Connect last flushed
 * (`offset.flush.interval.ms`, 5 s on the local stack), so it sends again the changes it had
 * already written since: ingest must drop those replays (counted by
 * `syncline_ingest_replays_dropped_total`). After the database restart, the PostgreSQL connector
 * must get its replication slot back, by itself or through the CDC watchdog. The ERP server also
 * holds the ops and portal databases, so the b2b-portal sink meets that outage too.
 *
 * Must hold: both connectors RUNNING and change events flowing again from both databases, within
 * a stated bound after each fault; every channel topic (read_committed) and the portal's table
 * equal to what the ERP rows imply, with no change emitted twice.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { applyConnectors } from '../../connectors/apply.ts';
import { ConnectClient } from '../../connectors/connect-client.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { connectUrl, portalPostgres, postgresUrl, repoRoot } from '../../infra/local/stack-config.ts';
import { killPart, stopPart, up } from '../../infra/local/stack.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import {
  channelTopics,
  differences,
  startErpFaultRun,
  type ErpFaultRun,
  type Expected,
} from '../helpers/erp-fault-run.ts';
import { startRole, testConfigFile } from '../helpers/pipeline.ts';
import { tailTopics, type TopicTail } from '../helpers/topic-tail.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const products = 100;
/** How long each part stays down. */
const downMs = 10_000;
/** From a part's return to both connectors RUNNING and CDC flowing from both databases. */
const resumeBoundMs = 240_000;

let run: ErpFaultRun;
let tail: TopicTail | undefined;
let cdc: TopicTail | undefined;
let portal: pg.Pool;
let ingest: RoleProcess;
const roles: { name: string; child: RoleProcess }[] = [];
const connect = new ConnectClient(connectUrl());

function keepRoleLogs(): string {
  const dir = join(repoRoot, 'var', 'test-logs', `fault-connect-and-erp-restart-${run.prefix}`);
  mkdirSync(dir, { recursive: true });
  for (const { name, child } of roles) writeFileSync(join(dir, `${name}.log`), child.output());
  return dir;
}

before(async () => {
  await up();
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  run = await startErpFaultRun('CX', products);
  portal = new pg.Pool({ connectionString: postgresUrl(portalPostgres()), max: 1 });
  portal.on('error', () => undefined);
  const config = testConfigFile();
  ingest = await startRole('ingest', config);
  roles.push({ name: 'ingest', child: ingest });
  roles.push({ name: 'offers', child: await startRole('offers', testConfigFile()) });
  roles.push({
    name: 'sink-b2b-portal',
    child: await startRole('sink', config, { args: ['--channel', 'b2b-portal'] }),
  });
  tail = await tailTopics(channelTopics);
  cdc = await tailTopics(['erp.postgres.erp.price', 'erp.mariadb.erp.stock_level']);
  await run.insertProducts();
});

after(async () => {
  await Promise.all(roles.map(({ child }) => child.stop()));
  await tail?.stop();
  await cdc?.stop();
  await portal?.end();
  await run?.cleanup();
});

/**
 * Changes one price in PostgreSQL and one 3PL stock row in MariaDB to values never seen before,
 * and waits for Debezium to write both to their change topics: CDC flows from both databases (the
 * later stages are checked by the final comparison). Returns when both arrived.
 */
async function waitForCdc(round: number): Promise<void> {
  const sku = run.skus[round] ?? '';
  const amount = `${900 + round}.${String(Date.now() % 100).padStart(2, '0')}`;
  const onHand = 1000 + round * 10 + (Date.now() % 10);
  await waitUntil(
    'the ERP databases to take an edit',
    async () => {
      await run.erp.query(`UPDATE erp.price SET amount = $1 WHERE sku = $2 AND price_list_code = 'B2B-EUR'`, [
        amount,
        sku,
      ]);
      await run.wms.query(`UPDATE stock_level SET on_hand = ? WHERE sku = ? AND warehouse_code = 'WH-3PL'`, [
        onHand,
        sku,
      ]);
      return true;
    },
    60_000,
    500,
  );
  const after = (record: { value: unknown }) =>
    (record.value as { after?: { sku?: string; amount?: string; on_hand?: number } } | null)?.after;
  await Promise.all([
    cdc?.waitFor(
      `Debezium to write the price ${amount} of ${sku}`,
      (record) => after(record)?.sku === sku && after(record)?.amount === amount,
      resumeBoundMs,
    ),
    cdc?.waitFor(
      `Debezium to write the 3PL stock ${onHand} of ${sku}`,
      (record) => after(record)?.sku === sku && after(record)?.on_hand === onHand,
      resumeBoundMs,
    ),
  ]);
}

async function bothConnectorsRunning(): Promise<void> {
  await waitUntil(
    'both Debezium connectors and their tasks RUNNING',
    async () => {
      for (const name of ['erp-postgres', 'erp-mariadb']) {
        const status = await connect.status(name);
        const states = [status?.connector.state, ...(status?.tasks.map((t) => t.state) ?? [])];
        if (states.join() !== 'RUNNING,RUNNING') return undefined;
      }
      return true;
    },
    60_000,
    1000,
  );
}

/** syncline_ingest_replays_dropped_total summed over sources and tables, on the ingest role. */
async function replaysDropped(): Promise<number> {
  const text = await (await fetch(ingest.metricsUrl!)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('syncline_ingest_replays_dropped_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function portalState(): Promise<Map<string, Expected | null>> {
  const { rows } = await portal.query<{
    sku: string;
    name: string;
    price: string;
    quantity: number;
    listed: boolean;
  }>(`SELECT sku, name, price::text, quantity, listed FROM portal.offer WHERE sku LIKE $1`, [
    `${run.prefix}-%`,
  ]);
  return new Map(
    rows.map((row) => [
      `b2b-portal|${row.sku}`,
      row.listed ? { name: row.name, amount: row.price, quantity: row.quantity } : null,
    ]),
  );
}

/** Takes a part down with `fault`, starts it again after downMs; ms from its return to CDC flowing. */
async function faultAndResume(round: number, fault: () => Promise<boolean>): Promise<number> {
  assert.ok(await fault(), 'the part was running');
  await sleep(downMs);
  await up();
  const back = Date.now();
  await waitForCdc(round).catch((error: unknown) => {
    assert.fail(`${(error as Error).message}\nthe roles' logs: ${keepRoleLogs()}`);
  });
  await bothConnectorsRunning();
  return Date.now() - back;
}

describe(
  'faults: Kafka Connect SIGKILLed, then the ERP PostgreSQL restarted, under ERP edits',
  { timeout: 900_000 },
  () => {
    it('resumes Debezium, drops the replays, and the channels equal the ERP', async () => {
      let changes = 0;
      let refused = 0;
      let editing = true;
      const editor = (async () => {
        while (editing) {
          // While the ERP PostgreSQL is down its edits fail, as the ERP application's would.
          changes += await run.randomEdits().catch(() => ((refused += 1), 0));
          await sleep(200);
        }
      })();
      let connectMs = 0;
      let postgresMs = 0;
      let replays = 0;
      let replaysAfterRestart = 0;
      try {
        await waitForCdc(0);
        await sleep(7_000);
        const before = await replaysDropped();
        connectMs = await faultAndResume(1, () => killPart('connect'));
        console.log(
          `# Kafka Connect SIGKILLed: both connectors RUNNING and CDC flowing ${(connectMs / 1000).toFixed(0)} s after it returned`,
        );
        replays = await waitUntil(
          'ingest to drop the changes Debezium sent again',
          async () => {
            const now = await replaysDropped();
            return now > before ? now - before : undefined;
          },
          60_000,
          1000,
        ).catch((error: unknown) =>
          assert.fail(`${(error as Error).message}\nthe roles' logs: ${keepRoleLogs()}`),
        );

        await sleep(7_000);
        const beforeRestart = await replaysDropped();
        postgresMs = await faultAndResume(2, () => stopPart('postgres'));
        replaysAfterRestart = (await replaysDropped()) - beforeRestart;
        console.log(
          `# ERP PostgreSQL restarted: both connectors RUNNING and CDC flowing ${(postgresMs / 1000).toFixed(0)} s after it returned`,
        );
        await sleep(5_000);
      } finally {
        editing = false;
        await editor;
      }

      const expected = await run.expectedState();
      assert.equal(expected.size, products * 3);
      let problems: string[] = [];
      const settled = Date.now();
      await waitUntil(
        'every channel topic and the portal table to equal what the ERP implies',
        async () => {
          problems = differences(expected, run.actualState(tail?.records ?? []));
          const portalExpected = new Map([...expected].filter(([key]) => key.startsWith('b2b-portal|')));
          problems.push(...differences(portalExpected, await portalState()).map((p) => `portal table: ${p}`));
          return problems.length === 0 ? true : undefined;
        },
        resumeBoundMs,
        1000,
      ).catch((error: unknown) => {
        assert.fail(
          `${(error as Error).message}; ${problems.length} differences, e.g.\n${problems.slice(0, 10).join('\n')}\nthe roles' logs: ${keepRoleLogs()}`,
        );
      });
      const convergedMs = Date.now() - settled;

      const repeats = run.repeats(tail?.records ?? []);
      assert.deepEqual(repeats, [], `changes emitted twice: ${repeats.slice(0, 10).join(', ')}`);
      for (const { name, child } of roles)
        assert.equal(child.process.exitCode, null, `${name} exited (${keepRoleLogs()})`);
      await bothConnectorsRunning();
      const records = (tail?.records ?? []).filter((r) => r.key?.startsWith(`${run.prefix}-`)).length;
      console.log(
        `# ${changes} ERP rows changed (${refused} edits refused while PostgreSQL was down); Connect: CDC from both databases ${(connectMs / 1000).toFixed(0)} s after its return, ${replays} replayed events dropped by ingest; PostgreSQL: ${(postgresMs / 1000).toFixed(0)} s after its return, ${replaysAfterRestart} dropped; ${records} channel records read; all ${expected.size} channel views and the portal table equal to the ERP ${(convergedMs / 1000).toFixed(0)} s after the edits stopped; no change twice`,
      );
    });
  },
);
