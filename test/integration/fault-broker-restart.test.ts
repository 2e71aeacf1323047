/**
 * The Kafka broker SIGKILLed and restarted, twice, while ERP edits stream from both databases.
 * Nothing in the pipeline is told: the roles must reconnect, Kafka Connect must get its Debezium
 * tasks back, and when a Debezium task is abandoned holding the PostgreSQL replication slot (its
 * walsender outlives it, so every new task is refused the slot while reporting RUNNING), the
 * ingest role's CDC watchdog must free the slot and restart the connector. Afterwards every
 * channel topic (read_committed) and the portal's own table must equal what the ERP rows imply,
 * with no change emitted twice, within a stated bound and with no manual step.
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
import { killPart, up } from '../../infra/local/stack.ts';
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
const brokerDownMs = 20_000;
/** From the broker's return to CDC flowing again. Debezium's own start after an abandoned task takes up to ~130 s. */
const resumeBoundMs = 300_000;

let run: ErpFaultRun;
let tail: TopicTail | undefined;
let cdc: TopicTail | undefined;
let portal: pg.Client;
const roles: { name: string; child: RoleProcess }[] = [];

function keepRoleLogs(): string {
  const dir = join(repoRoot, 'var', 'test-logs', `fault-broker-restart-${run.prefix}`);
  mkdirSync(dir, { recursive: true });
  for (const { name, child } of roles) writeFileSync(join(dir, `${name}.log`), child.output());
  return dir;
}

before(async () => {
  await up();
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  run = await startErpFaultRun('BK', products);
  portal = new pg.Client({ connectionString: postgresUrl(portalPostgres()) });
  await portal.connect();
  const config = testConfigFile();
  roles.push({ name: 'ingest', child: await startRole('ingest', config) });
  roles.push({ name: 'offers', child: await startRole('offers', testConfigFile()) });
  roles.push({
    name: 'sink-b2b-portal',
    child: await startRole('sink', config, { args: ['--channel', 'b2b-portal'] }),
  });
  tail = await tailTopics(channelTopics);
  cdc = await tailTopics(['erp.postgres.erp.price']);
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
 * Changes one price to a value never seen before and waits for Debezium to write it to its change
 * topic: CDC flows (the later stages are checked by the final comparison).
 */
async function waitForCdc(round: number): Promise<number> {
  const began = Date.now();
  const sku = run.skus[round] ?? '';
  const amount = `${900 + round}.${String(Date.now() % 100).padStart(2, '0')}`;
  await run.erp.query(`UPDATE erp.price SET amount = $1 WHERE sku = $2 AND price_list_code = 'B2B-EUR'`, [
    amount,
    sku,
  ]);
  await cdc?.waitFor(
    `Debezium to write the price ${amount} of ${sku}`,
    (record) => {
      const after = (record.value as { after?: { sku?: string; amount?: string } } | null)?.after;
      return after?.sku === sku && after.amount === amount;
    },
    resumeBoundMs,
  );
  return Date.now() - began;
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

describe('faults: the Kafka broker SIGKILLed and restarted under ERP edits', { timeout: 1_200_000 }, () => {
  it('resumes CDC and every role by itself, and the channels equal the ERP, twice', async () => {
    let changes = 0;
    let editing = true;
    const editor = (async () => {
      while (editing) {
        changes += await run.randomEdits();
        await sleep(200);
      }
    })();
    const recoveries: number[] = [];
    try {
      await waitForCdc(0);
      for (const round of [1, 2]) {
        await sleep(5_000);
        assert.ok(await killPart('kafka'), 'the broker was running');
        await sleep(brokerDownMs);
        await up();
        const took = await waitForCdc(round).catch((error: unknown) => {
          assert.fail(`${(error as Error).message}\nthe roles' logs: ${keepRoleLogs()}`);
        });
        recoveries.push(took);
        console.log(
          `# broker kill ${round}: CDC flowed again ${(took / 1000).toFixed(0)} s after the broker returned`,
        );
      }
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
    const connect = new ConnectClient(connectUrl());
    for (const name of ['erp-postgres', 'erp-mariadb']) {
      const status = await connect.status(name);
      assert.deepEqual(
        [status?.connector.state, ...(status?.tasks.map((t) => t.state) ?? [])],
        ['RUNNING', 'RUNNING'],
        name,
      );
    }
    console.log(
      `# ${changes} ERP changes, 2 broker SIGKILLs (${brokerDownMs / 1000} s down each); CDC flowed again ${recoveries.map((ms) => `${(ms / 1000).toFixed(0)} s`).join(' and ')} after the broker returned; all ${expected.size} channel views and the portal table equal to the ERP ${(convergedMs / 1000).toFixed(0)} s after the edits stopped`,
    );
  });
});
