/**
 * The connector command against the real Kafka Connect: applying twice changes nothing the second
 * time, a config Connect refuses is reported in Connect's words, and the SQL Server and Oracle
 * templates pass Connect's validation except for the connection (no such database runs here).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConnectors, defaultConnectUrl } from '../../connectors/apply.ts';
import { ConnectClient } from '../../connectors/connect-client.ts';
import { ConnectorError } from '../../connectors/connector-error.ts';
import { connectorsDir, readConnectorFile } from '../../connectors/connector-file.ts';
import { validateDefinition } from '../../connectors/validate.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';

const client = new ConnectClient(defaultConnectUrl());
const scratch = mkdtempSync(join(tmpdir(), 'syncline-connectors-'));
const probeName = `probe-${process.pid}`;

after(async () => {
  await client.remove(probeName);
});

function writeDefinition(name: string, config: Record<string, string>): string {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, config }));
  return file;
}

test('applying the ERP connectors twice leaves them RUNNING and the second time unchanged', async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  const lines: string[] = [];
  const outcomes = await applyConnectors({ log: (line) => lines.push(line) });
  assert.deepEqual(
    outcomes.map((o) => [o.name, o.action, o.tasks]),
    [
      ['erp-mariadb', 'unchanged', 1],
      ['erp-postgres', 'unchanged', 1],
    ],
  );
  assert.match(lines.join('\n'), /erp-postgres +unchanged, RUNNING with 1 task/);
  for (const name of ['erp-postgres', 'erp-mariadb']) {
    const status = await client.status(name);
    assert.equal(status?.connector.state, 'RUNNING', name);
  }
});

test('a changed setting updates the connector in place', async () => {
  const base = readConnectorFile(join(connectorsDir, 'erp-postgres.json')).config;
  const config = {
    ...base,
    'topic.prefix': `probe${process.pid}`,
    'slot.name': `probe_${process.pid}`,
    'publication.name': `probe_${process.pid}`,
    'snapshot.mode': 'no_data',
  };
  const file = writeDefinition(probeName, config);
  assert.equal((await applyConnectors({ files: [file] }))[0]?.action, 'created');
  writeDefinition(probeName, { ...config, 'heartbeat.interval.ms': '20000' });
  assert.equal((await applyConnectors({ files: [file] }))[0]?.action, 'updated');
  assert.equal((await client.config(probeName))?.['heartbeat.interval.ms'], '20000');
  assert.equal((await applyConnectors({ files: [file] }))[0]?.action, 'unchanged');
  await client.remove(probeName);
  // The probe's replication slot would hold WAL forever: drop it with the connector.
  const { connectPostgres } = await import('../../infra/local/erp/connect.ts');
  const { erpPostgres } = await import('../../infra/local/stack-config.ts');
  const pg = erpPostgres();
  const admin = await connectPostgres({
    host: pg.host,
    port: pg.port,
    database: pg.database,
    user: pg.adminUser,
    password: pg.adminPassword,
  });
  try {
    await waitForSlotRelease(admin, `probe_${process.pid}`);
    await admin.query(`DROP PUBLICATION IF EXISTS probe_${process.pid}`);
  } finally {
    await admin.end();
  }
});

async function waitForSlotRelease(
  admin: { query: (sql: string, values: unknown[]) => Promise<{ rowCount: number | null }> },
  slot: string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      await admin.query(
        'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
        [slot],
      );
      const left = await admin.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      if (left.rowCount === 0) return;
    } catch {
      // Still active: the connector's task is stopping.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`replication slot ${slot} was still in use 30 s after its connector was deleted`);
}

test('a config Connect refuses is reported with the setting and Connect’s own error text', async () => {
  const base = readConnectorFile(join(connectorsDir, 'erp-postgres.json')).config;
  const file = writeDefinition(probeName, { ...base, 'snapshot.mode': 'sometimes' });
  await assert.rejects(applyConnectors({ files: [file] }), (error: unknown) => {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.match(error.message, /connector probe-\d+ .*snapshot\.mode = "sometimes": .*must be one of/);
    return true;
  });
  assert.equal(await client.status(probeName), null, 'nothing was created');
});

test('a connector that cannot log in fails with the database’s reason, not a timeout', async () => {
  const base = readConnectorFile(join(connectorsDir, 'erp-postgres.json')).config;
  // Validation already logs in, so Connect refuses the wrong password before anything is created.
  const file = writeDefinition(probeName, { ...base, 'database.password': 'wrong' });
  await assert.rejects(applyConnectors({ files: [file], timeoutMs: 30_000 }), (error: unknown) => {
    assert.ok(error instanceof ConnectorError);
    assert.match(error.message, /password authentication failed for user "debezium"/);
    return true;
  });
});

test('a connector file that is not a definition is refused before Connect is asked', () => {
  const file = join(scratch, 'bad.json');
  writeFileSync(file, JSON.stringify({ name: 'bad', config: { 'connector.class': 'x', 'tasks.max': 1 } }));
  assert.throws(() => readConnectorFile(file), /config\."tasks\.max" must be a string/);
  writeFileSync(file, '{ not json');
  assert.throws(() => readConnectorFile(file), /bad\.json is not readable JSON/);
});

test('Connect being down is one sentence naming its address', async () => {
  await assert.rejects(
    applyConnectors({ connectUrl: 'http://127.0.0.1:9', files: [join(connectorsDir, 'erp-postgres.json')] }),
    /Kafka Connect at http:\/\/127\.0\.0\.1:9 does not answer .*npm run stack:up/,
  );
});

for (const template of ['erp-sqlserver', 'erp-oracle']) {
  test(`the ${template} template is valid for Connect but for the connection to its database`, async () => {
    const definition = readConnectorFile(join(connectorsDir, 'templates', `${template}.json`));
    // Port 1 on loopback: nothing listens, so the connection check fails fast and nothing else may.
    const errors = await validateDefinition(client, definition, {
      'database.hostname': '127.0.0.1',
      'database.port': '1',
      'database.password': 'not-used',
      // SQL Server's driver keeps retrying a refused connection for its login timeout (30 s).
      'driver.loginTimeout': '3',
    });
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^database\.hostname( = "127\.0\.0\.1")?: Unable to connect/);
  });
}
