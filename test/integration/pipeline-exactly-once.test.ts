/**
 * Exactly once through the whole pipeline, proven by fault injection: while more than 10,000 ERP
 * changes stream from both databases, the ingest and the two offers instances are SIGKILLed at
 * random moments and restarted. Afterwards a read_committed reader must find, for every channel
 * and SKU, that the last record equals what the ERP rows imply (computed here from the rows, not
 * by the processor's code), and that no record repeats the one before it for the same key (a
 * repeat is a change emitted twice, which suppression plus exactly-once must rule out).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { applyConnectors } from '../../connectors/apply.ts';
import { connectMariadb, connectPostgres } from '../../infra/local/erp/connect.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import type { RoleName } from '../../streams/config/syncline-config.ts';
import { offerTopicOf } from '../../streams/processors/offers/channel-config.ts';
import type { Offer } from '../../streams/processors/offers/offer.ts';
import { contentHashHeader } from '../../streams/processors/offers/offers-processor.ts';
import { repoRoot } from '../../infra/local/stack-config.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import { startRole, testConfigFile } from '../helpers/pipeline.ts';
import { tailTopics, type TailRecord, type TopicTail } from '../helpers/topic-tail.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const run = randomUUID().slice(0, 6).toUpperCase();
const products = 200;
const skus = Array.from({ length: products }, (_, i) => `FI-${run}-${String(i).padStart(4, '0')}`);
const targetChanges = 10_500;
const channels = ['webshop', 'b2b-portal', 'marketplace'] as const;

let erp: pg.Client;
let wms: mysql.Connection;
let tail: TopicTail | undefined;

interface Instance {
  readonly role: RoleName;
  readonly config: string;
  child: RoleProcess | undefined;
}
let instances: Instance[] = [];

const random = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;

/** What a channel must show for a SKU, as the ERP rows imply: null = nothing live. */
interface Expected {
  readonly name: string;
  readonly amount: string;
  readonly quantity: number;
}

async function expectedState(): Promise<Map<string, Expected | null>> {
  const { rows } = await erp.query<{
    sku: string;
    name: string;
    ean: string | null;
    active: boolean;
    b2c: string | null;
    b2b: string | null;
    mkt: string | null;
    main: number;
    south: number;
  }>(
    `SELECT p.sku, p.name, p.ean, p.active,
            (SELECT amount::text FROM erp.price WHERE sku = p.sku AND price_list_code = 'B2C-EUR') AS b2c,
            (SELECT amount::text FROM erp.price WHERE sku = p.sku AND price_list_code = 'B2B-EUR') AS b2b,
            (SELECT amount::text FROM erp.price WHERE sku = p.sku AND price_list_code = 'MKT-EUR') AS mkt,
            (SELECT greatest(0, on_hand - reserved) FROM erp.stock_level WHERE sku = p.sku AND warehouse_code = 'WH-MAIN') AS main,
            (SELECT greatest(0, on_hand - reserved) FROM erp.stock_level WHERE sku = p.sku AND warehouse_code = 'WH-SOUTH') AS south
       FROM erp.product p WHERE p.sku LIKE $1`,
    [`FI-${run}-%`],
  );
  const [wmsRows] = await wms.query<mysql.RowDataPacket[]>(
    `SELECT sku, greatest(0, on_hand - reserved) AS free FROM stock_level WHERE sku LIKE ? AND warehouse_code = 'WH-3PL'`,
    [`FI-${run}-%`],
  );
  const tpl = new Map(wmsRows.map((row) => [String(row.sku), Number(row.free)]));
  const expected = new Map<string, Expected | null>();
  for (const row of rows) {
    const main = Number(row.main ?? 0);
    const south = Number(row.south ?? 0);
    const third = tpl.get(row.sku) ?? 0;
    const offer = (amount: string | null, quantity: number, required = true): Expected | null =>
      row.active && required && amount !== null ? { name: row.name, amount, quantity } : null;
    expected.set(`webshop|${row.sku}`, offer(row.b2c, Math.max(0, main + third - 2)));
    expected.set(`b2b-portal|${row.sku}`, offer(row.b2b, main + south));
    expected.set(`marketplace|${row.sku}`, offer(row.mkt, Math.max(0, third - 5), row.ean !== null));
  }
  return expected;
}

/** The last record per channel and SKU of this run, as the tail read them. */
function actualState(records: readonly TailRecord[]): Map<string, Expected | null> {
  const actual = new Map<string, Expected | null>();
  for (const record of records) {
    const channel = channels.find((c) => offerTopicOf(c) === record.topic);
    if (channel === undefined || record.key === null || !record.key.startsWith(`FI-${run}-`)) continue;
    const offer = record.value as Offer | null;
    actual.set(
      `${channel}|${record.key}`,
      offer === null ? null : { name: offer.name, amount: offer.price.amount, quantity: offer.quantity },
    );
  }
  return actual;
}

function differences(expected: Map<string, Expected | null>, actual: Map<string, Expected | null>): string[] {
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key) ?? null;
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      problems.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
  return problems;
}

/** Every role run's output, killed ones included, kept for a failure to be read afterwards. */
const runs: { name: string; child: RoleProcess }[] = [];

async function startInstance(instance: Instance): Promise<void> {
  instance.child = await startRole(instance.role, instance.config);
  runs.push({ name: `${instance.role}-${runs.length}`, child: instance.child });
}

/** Writes each role run's output under var/test-logs/ and says where. */
function keepRoleLogs(): string {
  const dir = join(repoRoot, 'var', 'test-logs', `pipeline-exactly-once-${run}`);
  mkdirSync(dir, { recursive: true });
  for (const { name, child } of runs) writeFileSync(join(dir, `${name}.log`), child.output());
  return dir;
}

/** One transaction of random edits in PostgreSQL (stock, prices, names, EANs, active) or MariaDB (WH-3PL stock). */
async function randomEdits(): Promise<number> {
  const batch = Array.from({ length: 50 }, () => pick(skus));
  const unique = [...new Set(batch)];
  const kind = random(10);
  if (kind < 3) {
    const [result] = await wms.query<mysql.ResultSetHeader>(
      `UPDATE stock_level SET on_hand = FLOOR(RAND() * 40), reserved = FLOOR(RAND() * 4)
        WHERE warehouse_code = 'WH-3PL' AND sku IN (?)`,
      [unique],
    );
    return result.affectedRows;
  }
  const sql =
    kind < 7
      ? `UPDATE erp.stock_level SET on_hand = floor(random() * 40), reserved = floor(random() * 4)
          WHERE warehouse_code IN ('WH-MAIN', 'WH-SOUTH') AND sku = ANY($1)`
      : kind < 9
        ? `UPDATE erp.price SET amount = round((random() * 100 + 1)::numeric, 2) WHERE sku = ANY($1)`
        : `UPDATE erp.product SET name = 'Lamp ' || floor(random() * 5)::text,
                  active = random() > 0.1,
                  ean = CASE WHEN random() > 0.1 THEN '4006381333931' END
            WHERE sku = ANY($1)`;
  const result = await erp.query(sql, [unique]);
  return result.rowCount ?? 0;
}

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  erp = await connectPostgres();
  wms = await connectMariadb();
  const ingestConfig = testConfigFile();
  instances = [
    { role: 'ingest', config: ingestConfig, child: undefined },
    { role: 'offers', config: testConfigFile(), child: undefined },
    { role: 'offers', config: testConfigFile(), child: undefined },
  ];
  for (const instance of instances) await startInstance(instance);
  // After the roles: they create the channel topics on a fresh broker.
  tail = await tailTopics(channels.map(offerTopicOf));

  await erp.query('BEGIN');
  await erp.query(
    `INSERT INTO erp.product (sku, name, ean, brand, category) SELECT s, 'Lamp 0', '4006381333931', 'Lumo', 'Home' FROM unnest($1::text[]) s`,
    [skus],
  );
  await erp.query(
    `INSERT INTO erp.stock_level (sku, warehouse_code, on_hand, reserved)
       SELECT s, w, 10, 0 FROM unnest($1::text[]) s, unnest(ARRAY['WH-MAIN', 'WH-SOUTH']) w`,
    [skus],
  );
  await erp.query(
    `INSERT INTO erp.price (sku, price_list_code, amount)
       SELECT s, l, 10.00 FROM unnest($1::text[]) s, unnest(ARRAY['B2C-EUR', 'B2B-EUR', 'MKT-EUR']) l`,
    [skus],
  );
  await erp.query('COMMIT');
  await wms.query(`INSERT INTO product (sku, name) VALUES ?`, [skus.map((sku) => [sku, 'Lamp 0'])]);
  await wms.query(`INSERT INTO stock_level (sku, warehouse_code, on_hand, reserved) VALUES ?`, [
    skus.map((sku) => [sku, 'WH-3PL', 10, 0]),
  ]);
});

after(async () => {
  await Promise.all(instances.map((instance) => instance.child?.stop() ?? Promise.resolve()));
  await tail?.stop();
  await erp.query(`DELETE FROM erp.price WHERE sku LIKE $1`, [`FI-${run}-%`]);
  await erp.query(`DELETE FROM erp.stock_level WHERE sku LIKE $1`, [`FI-${run}-%`]);
  await erp.query(`DELETE FROM erp.product WHERE sku LIKE $1`, [`FI-${run}-%`]);
  await wms.query(`DELETE FROM stock_level WHERE sku LIKE ?`, [`FI-${run}-%`]);
  await wms.query(`DELETE FROM product WHERE sku LIKE ?`, [`FI-${run}-%`]);
  await erp.end();
  await wms.end();
});

describe('pipeline: exactly once while processors are SIGKILLed', { timeout: 600_000 }, () => {
  it(`keeps every channel equal to the ERP through ${targetChanges} changes and several crashes`, async () => {
    let changes = 0;
    let kills = 0;
    let editing = true;
    const killer = (async () => {
      while (editing) {
        await sleep(2500 + random(3000));
        if (!editing) break;
        const victim = pick(instances);
        await victim.child?.kill();
        kills += 1;
        await sleep(random(1500));
        await startInstance(victim);
      }
    })();
    // About 400 changes/s, and on until the processors have been killed several times mid-stream.
    while (changes < targetChanges || kills < 4) {
      changes += await randomEdits();
      await sleep(100);
    }
    editing = false;
    await killer;

    const expected = await expectedState();
    assert.equal(expected.size, products * channels.length);
    let problems: string[] = [];
    await waitUntil(
      'every channel to equal what the ERP implies',
      () => {
        problems = differences(expected, actualState(tail?.records ?? []));
        return problems.length === 0 ? true : undefined;
      },
      180_000,
      1000,
    ).catch((error: unknown) => {
      assert.fail(
        `${(error as Error).message}; ${problems.length} differences, e.g.\n${problems.slice(0, 10).join('\n')}\nthe roles' logs: ${keepRoleLogs()}`,
      );
    });

    const lastOf = new Map<string, string | null>();
    const repeats: string[] = [];
    for (const record of tail?.records ?? []) {
      if (record.key === null || !record.key.startsWith(`FI-${run}-`)) continue;
      const id = `${record.topic}|${record.key}`;
      const value = record.value === null ? null : (record.headers[contentHashHeader] ?? 'no hash');
      if (lastOf.has(id) && lastOf.get(id) === value)
        repeats.push(`${id} @${record.partition}:${record.offset}`);
      lastOf.set(id, value);
    }
    assert.deepEqual(
      repeats,
      [],
      `changes emitted twice: ${repeats.slice(0, 10).join(', ')}${repeats.length > 0 ? `\nthe roles' logs: ${keepRoleLogs()}` : ''}`,
    );
    console.log(
      `# ${changes} ERP changes, ${kills} SIGKILLs, ${tail?.records.length ?? 0} channel records, all ${expected.size} channel views equal to the ERP`,
    );
  });
});
