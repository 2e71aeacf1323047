/**
 * End to end, as the README runs it: an ERP edit in PostgreSQL travels through Debezium, ingest,
 * offers and the webshop's sink to the Magento simulator, and the sync register (indexed in the
 * ops database) shows the delivery with its lineage back to the ERP transaction and its latency.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { applyConnectors } from '../../connectors/apply.ts';
import { connectPostgres } from '../../infra/local/erp/connect.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { opsPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import { startSampleMagento } from '../../infra/local/sample-magento.ts';
import type { MagentoSimulator } from '../../infra/simulators/magento/magento-simulator.ts';
import { magentoProduct } from '../helpers/magento-catalog.ts';
import { startRole, testConfigFile } from '../helpers/pipeline.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let erp: pg.Client;
let ops: pg.Client;
let magento: MagentoSimulator;
const roles: RoleProcess[] = [];
let sku: string;

/** The roles the test runs, with their arguments; `roles` holds them in this order. */
const starts: [Parameters<typeof startRole>[0], string[]][] = [
  ['ingest', []],
  ['offers', []],
  ['sink', ['--channel', 'webshop']],
  ['register-index', []],
];

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  erp = await connectPostgres();
  ops = new pg.Client({ connectionString: postgresUrl(opsPostgres()) });
  await ops.connect();
  const found = await erp.query<{ sku: string }>(
    `SELECT p.sku FROM erp.product p
      WHERE p.parent_sku IS NULL AND p.active
        AND NOT EXISTS (SELECT 1 FROM erp.product v WHERE v.parent_sku = p.sku)
        AND EXISTS (SELECT 1 FROM erp.price r WHERE r.sku = p.sku AND r.price_list_code = 'B2C-EUR')
      ORDER BY p.sku LIMIT 1`,
  );
  sku = found.rows[0]?.sku ?? assert.fail('the tiny sample has no standalone product with a B2C price');
  magento = await startSampleMagento();
  const config = testConfigFile({
    sinks: {
      webshop: {
        settings: { baseUrl: magento.url, auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' } },
      },
    },
  });
  // One after the other, each kept as soon as it runs, so after() stops whatever started.
  for (const [role, args] of starts) roles.push(await startRole(role, config, { args }));
});

/** The last lines each role printed, warnings and errors only. */
function rolesTail(): string {
  return roles
    .map((role, i) => {
      const lines = role
        .output()
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line))
        .slice(-15);
      const [name, args] = starts[i] ?? ['?', []];
      return `--- ${name} ${args.join(' ')}:\n${lines.join('\n')}`;
    })
    .join('\n');
}

after(async () => {
  await Promise.all(roles.map((role) => role.stop()));
  await magento?.close();
  await erp?.end();
  await ops?.end();
});

describe('end to end: ERP -> Magento', { timeout: 300_000 }, () => {
  it('delivers an ERP edit to the Magento simulator and registers it with lineage and latency', async () => {
    const name = `Trail shirt ${randomUUID().slice(0, 8)}`;
    const edited = await erp.query<{ at: Date }>(
      `UPDATE erp.product SET name = $2, updated_at = now() WHERE sku = $1 RETURNING clock_timestamp() AS at`,
      [sku, name],
    );
    const editedAt = edited.rows[0]!.at.getTime();
    // The roles first rebuild their state from what earlier tests left in the topics: allow for it.
    await waitUntil(
      `Magento to hold ${sku} named "${name}"`,
      async () => ((await magentoProduct(magento.url, sku))?.name === name ? true : undefined),
      240_000,
      250,
    ).catch((error: unknown) => {
      // The roles' own account of where the edit stopped (a CI run once timed out here).
      throw new Error(`${(error as Error).message}\n${rolesTail()}`);
    });
    const row = await waitUntil(
      `the register index to show the delivery of ${sku}`,
      async () => {
        const result = await ops.query(
          `SELECT * FROM sync_register
            WHERE channel = 'webshop' AND key = $1 AND status = 'DELIVERED' AND erp_commit_at >= $2
            ORDER BY recorded_at DESC LIMIT 1`,
          [sku, new Date(editedAt - 5000)],
        );
        return result.rows[0] as Record<string, unknown> | undefined;
      },
      60_000,
      500,
    );
    assert.equal(row.erp_source, 'postgres');
    assert.equal(row.erp_table, 'erp.product');
    assert.match(String(row.erp_position), /\d/);
    assert.ok(row.erp_tx_id, 'the ERP transaction id');
    assert.equal(row.operation, 'UPSERT');
    const latency = Number(row.latency_ms);
    const commitToCall = (row.recorded_at as Date).getTime() - (row.erp_commit_at as Date).getTime();
    assert.ok(latency >= 0 && latency < 240_000, `latency ${latency} ms`);
    assert.ok(
      Math.abs(latency - commitToCall) <= 1,
      'latency is the time from the ERP commit to the channel call',
    );
    assert.match(String(row.sentence), new RegExp(`^Offer ${sku} was delivered to channel webshop`));
  });
});
