/**
 * The pipeline against a secured cluster, as in production: ingest, offers and the B2B portal's
 * sink connect only to the broker's SASL_SSL listener (TLS from the stack's CA with a client
 * certificate, then SCRAM-SHA-512, the password from the environment), and reach the schema
 * registry through HTTPS with basic auth (the password from a mounted file). An ERP stock edit must
 * reach the channel topic (read back with read_committed) and the portal's table. A wrong password
 * stops a role at once with the reason, never hangs it, and no role ever prints a secret.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { applyConnectors } from '../../connectors/apply.ts';
import { connectPostgres } from '../../infra/local/erp/connect.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { ensurePortalSchema } from '../../infra/local/portal/portal-schema.ts';
import { kafkaSasl, portalPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { offerTopicOf } from '../../streams/contracts/topics.ts';
import { startRole, testConfigFile } from '../helpers/pipeline.ts';
import { startRegistryAuthProxy, type RegistryAuthProxy } from '../helpers/registry-auth-proxy.ts';
import { tailTopics, type TopicTail } from '../helpers/topic-tail.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const channel = 'b2b-portal';
const table = `portal.offer_sasl_${randomBytes(4).toString('hex')}`;
const sasl = kafkaSasl();
const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;

let erp: pg.Client;
let portal: pg.Client;
let proxy: RegistryAuthProxy | undefined;
let tail: TopicTail | undefined;
const roles: RoleProcess[] = [];
let configFile: string;
let sku: string;

/** The test config with its `kafka` and `schemaRegistry` sections pointed at the secured endpoints. */
function securedConfig(registry: RegistryAuthProxy, kafkaPasswordEnv: string): string {
  const file = testConfigFile({
    sinks: { [channel]: { settings: { urlEnv: 'SYNCLINE_PORTAL_DATABASE_URL', table } } },
  });
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const passwordFile = join(mkdtempSync(join(tmpdir(), 'syncline-secret-')), 'registry-password');
  writeFileSync(passwordFile, `${registry.password}\n`);
  config.kafka = {
    ...(config.kafka as Record<string, unknown>),
    brokers: sasl.brokers,
    tls: { caFile: sasl.caFile, certFile: sasl.certFile, keyFile: sasl.keyFile },
    sasl: { mechanism: 'scram-sha-512', username: sasl.username, password: `\${env:${kafkaPasswordEnv}}` },
  };
  config.schemaRegistry = {
    url: registry.basicUrl,
    basicAuth: { username: registry.username, passwordFile },
    tls: { caFile: registry.caFile },
  };
  writeFileSync(file, stringify(config));
  return file;
}

const secretEnv = () => ({
  SYNCLINE_TEST_KAFKA_PASSWORD: sasl.password,
  SYNCLINE_TEST_WRONG_PASSWORD: wrongPassword,
});

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  await ensurePortalSchema();
  erp = await connectPostgres();
  portal = new pg.Client({ connectionString: postgresUrl(portalPostgres()) });
  await portal.connect();
  await portal.query(`CREATE TABLE ${table} (LIKE portal.offer INCLUDING ALL)`);
  const found = await erp.query<{ sku: string }>(
    `SELECT p.sku FROM erp.product p
      WHERE p.parent_sku IS NULL AND p.active
        AND NOT EXISTS (SELECT 1 FROM erp.product v WHERE v.parent_sku = p.sku)
        AND EXISTS (SELECT 1 FROM erp.stock_level s WHERE s.sku = p.sku AND s.warehouse_code = 'WH-MAIN')
      ORDER BY p.sku LIMIT 1`,
  );
  sku = found.rows[0]?.sku ?? assert.fail('the tiny sample has no standalone product stocked in WH-MAIN');
  proxy = await startRegistryAuthProxy();
  configFile = securedConfig(proxy, 'SYNCLINE_TEST_KAFKA_PASSWORD');
  const env = secretEnv();
  roles.push(await startRole('ingest', configFile, { env }));
  roles.push(await startRole('offers', configFile, { env }));
  roles.push(await startRole('sink', configFile, { env, args: ['--channel', channel] }));
  tail = await tailTopics([offerTopicOf(channel)]);
});

after(async () => {
  await Promise.all(roles.map((role) => role.stop()));
  await tail?.stop();
  await proxy?.stop();
  await portal?.query(`DROP TABLE IF EXISTS ${table}`);
  await portal?.end();
  await erp?.end();
});

describe('pipeline over SASL_SSL with SCRAM credentials', { timeout: 240_000 }, () => {
  it('takes an ERP stock edit to the channel topic and the portal table', async () => {
    const onHand = 500 + Math.floor(Math.random() * 400);
    await erp.query(
      `UPDATE erp.stock_level SET on_hand = $2, reserved = 0 WHERE sku = $1 AND warehouse_code = 'WH-MAIN'`,
      [sku, onHand],
    );
    const south = await erp.query<{ on_hand: number; reserved: number }>(
      `SELECT on_hand, reserved FROM erp.stock_level WHERE sku = $1 AND warehouse_code = 'WH-SOUTH'`,
      [sku],
    );
    const southFree =
      south.rows[0] === undefined ? 0 : Math.max(0, south.rows[0].on_hand - south.rows[0].reserved);
    const quantity = onHand + southFree;
    // The roles start with empty state folders and first rebuild it from what earlier tests wrote.
    const record = await tail!.waitFor(
      `the offer of ${sku} on ${channel} with quantity ${quantity}`,
      (r) => r.key === sku && r.value !== null && (r.value as Offer).quantity === quantity,
      180_000,
    );
    assert.equal((record.value as Offer).channel, channel);
    const row = await waitUntil(
      `${sku} in ${table} with quantity ${quantity}`,
      async () => {
        const result = await portal.query<{ quantity: number }>(
          `SELECT quantity FROM ${table} WHERE sku = $1`,
          [sku],
        );
        return result.rows[0]?.quantity === quantity ? result.rows[0] : undefined;
      },
      60_000,
    );
    assert.equal(row.quantity, quantity);
  });

  it('refuses a wrong password at once, naming the problem, without printing any password', async () => {
    const badConfig = securedConfig(proxy!, 'SYNCLINE_TEST_WRONG_PASSWORD');
    const started = Date.now();
    await assert.rejects(
      startRole('ingest', badConfig, { env: secretEnv(), timeoutMs: 60_000 }),
      (error: Error) => {
        assert.match(error.message, /did not start/);
        assert.match(error.message, /SASL SCRAM SHA512 authentication failed/i);
        assert.doesNotMatch(error.message, new RegExp(wrongPassword));
        return true;
      },
    );
    assert.ok(Date.now() - started < 30_000, `refused after ${Date.now() - started} ms, not at once`);
  });

  it('refuses a broker certificate that the configured CA did not sign, naming the problem', async () => {
    // A CA of its own that never signed the broker's certificate: verification is on by default.
    const dir = mkdtempSync(join(tmpdir(), 'syncline-other-ca-'));
    const otherCa = join(dir, 'ca.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'ca.key'),
        '-out',
        otherCa,
        '-days',
        '1',
        '-subj',
        '/CN=not the stack CA',
      ],
      { stdio: 'pipe' },
    );
    const file = securedConfig(proxy!, 'SYNCLINE_TEST_KAFKA_PASSWORD');
    writeFileSync(file, readFileSync(file, 'utf8').replace(sasl.caFile, otherCa));
    await assert.rejects(
      startRole('ingest', file, { env: secretEnv(), timeoutMs: 90_000 }),
      (error: Error) => {
        assert.match(error.message, /did not start/);
        assert.match(error.message, /certificate/i);
        return true;
      },
    );
  });

  it('never prints a secret in the roles’ logs', () => {
    for (const role of roles) {
      const output = role.output();
      assert.ok(output.includes('"msg":"running"'));
      for (const secret of [sasl.password, proxy!.password, 'PRIVATE KEY']) {
        assert.ok(!output.includes(secret), `a role printed a secret (${secret.slice(0, 3)}...)`);
      }
    }
  });
});
