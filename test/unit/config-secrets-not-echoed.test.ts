/**
 * A config error names the key and the problem, never the value of a secret: not a value under a
 * secret key (password, token, a database URL with its login), and not any value that came from
 * an environment variable, which is how Kubernetes Secrets reach the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { loadSynclineConfig, parseSynclineConfig } from '../../streams/config/syncline-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';

const sampleFile = fileURLToPath(new URL('../../infra/local/syncline.yaml', import.meta.url));
const env: Record<string, string> = {
  SYNCLINE_KAFKA_BROKERS: 'kafka-1:9092',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'http://registry:8081',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://ops:ops-pw-0417@ops-db:5432/syncline_ops',
  SYNCLINE_MAGENTO_URL: 'http://magento:8480',
  SYNCLINE_WEBHOOK_URL: 'http://marketplace-bridge:8490/offers',
  SYNCLINE_CONNECT_URL: 'http://connect:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium:cdc-pw-0417@erp-db:5432/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app:erp-pw-0417@erp-db:5432/erp',
};

const dir = mkdtempSync(join(tmpdir(), 'syncline-secrets-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function refusalOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof SynclineError, String(error));
    assert.equal(error.code, 'CONFIG_INVALID', error.message);
    return error.message;
  }
  assert.fail('expected the config to be refused');
}

function sampleDocument(): Record<string, unknown> {
  const text = readFileSync(sampleFile, 'utf8').replace(
    /\$\{env:(\w+)\}/g,
    (_, name: string) => env[name] ?? '',
  );
  return parse(text) as Record<string, unknown>;
}

describe('config errors never echo a secret', () => {
  it('names a database URL that carries a login without printing it', () => {
    const document = sampleDocument();
    (document.ops as Record<string, unknown>).databaseUrl = 'mysql://ops:db-pw-0417@ops-db/ops';
    const message = refusalOf(() => parseSynclineConfig(document, 'syncline.yaml'));
    assert.match(message, /ops\.databaseUrl: /);
    assert.doesNotMatch(message, /db-pw-0417/);
  });

  it('does not print a value that came from an environment variable', () => {
    const file = join(dir, 'env-secret.yaml');
    writeFileSync(file, readFileSync(sampleFile, 'utf8'));
    const message = refusalOf(() =>
      loadSynclineConfig(file, { ...env, SYNCLINE_SCHEMA_REGISTRY_URL: 'registry-pw-0417' }),
    );
    assert.match(message, /schemaRegistry\.url: /);
    assert.doesNotMatch(message, /registry-pw-0417/);
  });

  it('does not print an object that holds a secret when the object itself is wrong', () => {
    const document = sampleDocument();
    // A list where an object belongs: the message describes what it got.
    document.ops = ['postgresql://ops:list-pw-0417@ops-db/ops'];
    const message = refusalOf(() => parseSynclineConfig(document, 'syncline.yaml'));
    assert.match(message, /ops: expected object/);
    assert.doesNotMatch(message, /list-pw-0417/);
  });

  it('still shows a value that is no secret, so a typo is easy to find', () => {
    const file = join(dir, 'plain.yaml');
    const document = sampleDocument();
    (document.kafka as Record<string, unknown>).brokers = ['nohost'];
    writeFileSync(file, stringify(document));
    const message = refusalOf(() => loadSynclineConfig(file, env));
    assert.match(message, /kafka\.brokers\[0\]: "nohost" does not match/);
  });
});
