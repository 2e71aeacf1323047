/**
 * The sample ERP on the real local stack: seeding tiny into PostgreSQL and MariaDB, counting the
 * rows back, a second seed leaving everything as it is, --reset reloading, and the live activity
 * editing rows. Each run uses throwaway databases of its own on the stack's servers (created by
 * the stack's admin, then used as the ERP app), so the demo's `erp` databases are never touched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { openErpActivity } from '../../infra/local/erp/activity.ts';
import type { DatabaseSettings, ErpTarget } from '../../infra/local/erp/connect.ts';
import { ErpError } from '../../infra/local/erp/erp-error.ts';
import { erpSizes, expectedRowCounts } from '../../infra/local/erp/generate.ts';
import { Rng } from '../../infra/local/erp/prng.ts';
import { erpTables } from '../../infra/local/erp/rows.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { erpMariadb, erpPostgres } from '../../infra/local/stack-config.ts';

const targets = ['postgres', 'mariadb'] as const;
const database = `erp_test_${randomBytes(4).toString('hex')}`;
const pgStack = erpPostgres();
const myStack = erpMariadb();
const databases: Record<ErpTarget, DatabaseSettings> = {
  postgres: {
    host: pgStack.host,
    port: pgStack.port,
    database,
    user: pgStack.user,
    password: pgStack.password,
  },
  mariadb: {
    host: myStack.host,
    port: myStack.port,
    database,
    user: myStack.user,
    password: myStack.password,
  },
};

const pgAdmin = (db: string): pg.Client =>
  new pg.Client({
    host: pgStack.host,
    port: pgStack.port,
    user: pgStack.adminUser,
    password: pgStack.adminPassword,
    database: db,
  });
const myAdmin = (): Promise<mysql.Connection> =>
  mysql.createConnection({
    host: myStack.host,
    port: myStack.port,
    user: myStack.adminUser,
    password: myStack.adminPassword,
  });

/** One query as the server's admin in the test database: `?` placeholders, tables unqualified. */
async function query<T>(target: ErpTarget, sql: string, params: unknown[] = []): Promise<T[]> {
  if (target === 'postgres') {
    const client = pgAdmin(database);
    await client.connect();
    try {
      await client.query('SET search_path = erp');
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as T[];
    } finally {
      await client.end();
    }
  }
  const connection = await myAdmin();
  try {
    await connection.query(`USE ${database}`);
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

async function countRows(target: ErpTarget): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of erpTables) {
    const [row] = await query<{ n: number | string }>(target, `SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(row?.n);
  }
  return counts;
}

const nameOf = async (target: ErpTarget, sku: string): Promise<string | undefined> =>
  (await query<{ name: string }>(target, 'SELECT name FROM product WHERE sku = ?', [sku]))[0]?.name;

before(async () => {
  const admin = pgAdmin('postgres');
  await admin.connect();
  try {
    // Owned by erp_owner, like the stack's erp database, so erp_app may create the erp schema.
    await admin.query(`CREATE DATABASE ${database} OWNER erp_owner`);
  } finally {
    await admin.end();
  }
  const connection = await myAdmin();
  try {
    await connection.query(`CREATE DATABASE ${database}`);
    await connection.query(`GRANT ALL PRIVILEGES ON ${database}.* TO '${myStack.user}'@'%'`);
  } finally {
    await connection.end();
  }
});

after(async () => {
  const admin = pgAdmin('postgres');
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.end());
  const connection = await myAdmin();
  await connection.query(`DROP DATABASE IF EXISTS ${database}`).finally(() => connection.end());
});

test('seeding tiny loads the whole sample into both databases', async () => {
  const outcomes = await seedErp({ target: 'all', size: 'tiny', databases });
  assert.deepEqual(
    outcomes.map((o) => [o.target, o.action]),
    [
      ['postgres', 'loaded'],
      ['mariadb', 'loaded'],
    ],
  );
  const expected = expectedRowCounts({ products: erpSizes.tiny, seed: 1 });
  for (const target of targets) assert.deepEqual(await countRows(target), expected, target);
});

test('PostgreSQL tables belong to erp_owner; product, stock and price keep full row images', async () => {
  const rows = await query<{ relname: string; owner: string; identity: string }>(
    'postgres',
    `SELECT relname, pg_get_userbyid(relowner) AS owner, relreplident AS identity
       FROM pg_class WHERE relnamespace = 'erp'::regnamespace AND relkind = 'r'`,
  );
  assert.equal(rows.length, erpTables.length);
  for (const row of rows) {
    assert.equal(row.owner, 'erp_owner', row.relname);
    const full = ['product', 'stock_level', 'price'].includes(row.relname);
    assert.equal(row.identity, full ? 'f' : 'd', row.relname);
  }
});

test('both databases hold the same catalogue and prices', async () => {
  const products = async (target: ErpTarget) =>
    (
      await query<{ sku: string; parent_sku: string | null; ean: string | null; active: unknown }>(
        target,
        'SELECT sku, parent_sku, ean, active FROM product',
      )
    )
      .map((r) => `${r.sku}|${r.parent_sku}|${r.ean}|${Boolean(r.active)}`)
      .sort();
  assert.deepEqual(await products('postgres'), await products('mariadb'));
  const prices = async (target: ErpTarget) =>
    (
      await query<{ sku: string; price_list_code: string; amount: string }>(
        target,
        'SELECT sku, price_list_code, amount FROM price',
      )
    )
      .map((r) => Object.values(r).join('|'))
      .sort();
  assert.deepEqual(await prices('postgres'), await prices('mariadb'));
});

test('seeding the same sample again changes nothing', async () => {
  // An edit made after the first seed survives the second: nothing was reloaded.
  for (const target of targets) {
    await query(target, "UPDATE product SET name = 'edited by the test' WHERE sku = 'SKU-000001'");
  }
  const outcomes = await seedErp({ target: 'all', size: 'tiny', databases });
  for (const outcome of outcomes) {
    assert.equal(outcome.action, 'kept');
    assert.match(
      outcome.message,
      /already holds the tiny sample \(seed 1\): nothing loaded \(run with --reset/,
    );
    assert.equal(await nameOf(outcome.target, 'SKU-000001'), 'edited by the test');
  }
});

test('another size or seed is refused with the fix in the sentence', async () => {
  for (const target of targets) {
    await assert.rejects(seedErp({ target, size: '100k', databases }), (error: unknown) => {
      assert.ok(error instanceof ErpError);
      assert.equal(error.code, 'SEEDED_DIFFERENTLY');
      assert.match(error.message, /already holds the tiny sample \(seed 1\), not the 100k sample.*--reset/);
      return true;
    });
    await assert.rejects(seedErp({ target, size: 'tiny', seed: 2, databases }), {
      code: 'SEEDED_DIFFERENTLY',
    });
  }
});

test('a caller happy with any sample keeps the one there', async () => {
  const outcomes = await seedErp({ target: 'all', size: '100k', otherSample: 'keep', databases });
  for (const outcome of outcomes) {
    assert.equal(outcome.action, 'kept');
    assert.equal(outcome.mark.size, 'tiny');
    assert.equal(outcome.rows.product, erpSizes.tiny);
  }
});

test('--reset drops and reloads the sample', async () => {
  const outcomes = await seedErp({ target: 'all', size: 'tiny', reset: true, databases });
  const expected = expectedRowCounts({ products: erpSizes.tiny, seed: 1 });
  for (const outcome of outcomes) {
    assert.equal(outcome.action, 'replaced');
    assert.equal(await nameOf(outcome.target, 'SKU-000001'), 'Kestrel Heritage Desk Organiser');
    assert.deepEqual(await countRows(outcome.target), expected);
  }
});

test('the live activity edits rows in both databases and says what it changed', async () => {
  for (const target of targets) {
    const random = new Rng(42);
    const stockOnly = await openErpActivity({
      target,
      database: databases[target],
      kinds: ['stock'],
      warehouses: ['WH-3PL'],
      random: () => random.next(),
    });
    try {
      const edit = await stockOnly.next();
      assert.equal(edit.kind, 'stock');
      const said = /^stock of (\S+) in WH-3PL: on hand (\d+) -> (\d+) \(/.exec(edit.description);
      assert.ok(said, edit.description);
      assert.equal(said[1], edit.sku);
      const [row] = await query<{ on_hand: number }>(
        target,
        "SELECT on_hand FROM stock_level WHERE sku = ? AND warehouse_code = 'WH-3PL'",
        [edit.sku],
      );
      assert.equal(row?.on_hand, Number(said[3]));
    } finally {
      await stockOnly.close();
    }

    const anything = await openErpActivity({
      target,
      database: databases[target],
      random: () => random.next(),
    });
    try {
      const kinds = new Set<string>();
      for (let i = 0; i < 30; i++) kinds.add((await anything.next()).kind);
      assert.deepEqual([...kinds].sort(), ['active', 'price', 'rename', 'stock']);
    } finally {
      await anything.close();
    }
    // Edits change rows, never how many there are.
    assert.deepEqual(await countRows(target), expectedRowCounts({ products: erpSizes.tiny, seed: 1 }));
  }
});
