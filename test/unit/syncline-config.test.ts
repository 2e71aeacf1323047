import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import {
  loadSynclineConfig,
  parseSynclineConfig,
  type SynclineConfig,
} from '../../streams/config/syncline-config.ts';
import { SynclineError, type SynclineErrorCode } from '../../streams/runtime/errors.ts';

const sampleFile = fileURLToPath(new URL('../../infra/local/syncline.yaml', import.meta.url));
const env: Record<string, string> = {
  SYNCLINE_KAFKA_BROKERS: 'kafka-1:9092',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'http://registry:8081',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://ops:secret@ops-db:5432/syncline_ops',
  SYNCLINE_MAGENTO_URL: 'http://magento:8480',
  SYNCLINE_WEBHOOK_URL: 'http://marketplace-bridge:8490/offers',
  SYNCLINE_CONNECT_URL: 'http://connect:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium:secret@erp-db:5432/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app@erp-db:5432/erp',
};

const dir = mkdtempSync(join(tmpdir(), 'syncline-config-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function tempFile(text: string): string {
  files += 1;
  const file = join(dir, `syncline-${files}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** The sample document as parsed YAML with the env filled in, to edit and validate. */
function sampleDocument(): Record<string, unknown> {
  const text = readFileSync(sampleFile, 'utf8').replace(
    /\$\{env:(\w+)\}/g,
    (_, name: string) => env[name] ?? '',
  );
  return parse(text) as Record<string, unknown>;
}

/** The error a call throws, checked to be a SynclineError with `code`. */
function refusal(code: SynclineErrorCode, call: () => unknown): string {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof SynclineError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.retriable, false);
    return error.message;
  }
  assert.fail('expected the config to be refused');
}

/** The problem lines of a CONFIG_INVALID message. */
const problems = (message: string): string[] =>
  message
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/^ {2}- /, ''));

describe('loadSynclineConfig', () => {
  it('loads the sample config with the environment filled in', () => {
    const config = loadSynclineConfig(sampleFile, env);
    assert.deepEqual(config.kafka, { brokers: ['kafka-1:9092'], clientId: 'syncline-local' });
    assert.deepEqual(config.schemaRegistry, { url: 'http://registry:8081' });
    assert.deepEqual(config.processing, {
      partitions: 4,
      replicationFactor: 1,
      exactlyOnce: true,
      commitIntervalMs: 100,
      maxWaitTimeMs: 50,
      stateDir: 'var/state',
      deletedKeyGraceMs: 604_800_000,
      staleTaskFolderMs: 600_000,
    });
    assert.deepEqual(config.metrics, {
      host: '127.0.0.1',
      ports: {
        ingest: 9464,
        offers: 9465,
        sink: 9466,
        'register-index': 9467,
        orders: 9470,
        'erp-orders': 9471,
        admin: 9468,
      },
    });
    assert.deepEqual(config.ops, {
      databaseUrl: 'postgresql://ops:secret@ops-db:5432/syncline_ops',
      registerRetentionDays: 30,
      delistedHoldingRetentionDays: 7,
    });
    assert.deepEqual(
      config.channels.map((c) => [c.id, c.sink?.adapter, c.sink?.rateLimit]),
      [
        ['webshop', 'magento', { requestsPerSecond: 25 }],
        ['b2b-portal', 'db-table', {}],
        ['marketplace', 'webhook', { requestsPerSecond: 20 }],
      ],
    );
    assert.deepEqual(
      config.sources.map((s) => [s.id, s.topicPrefix, Object.keys(s.tables)]),
      [
        ['postgres', 'erp.postgres', ['erp.product', 'erp.stock_level', 'erp.price']],
        ['mariadb', 'erp.mariadb', ['erp.stock_level']],
      ],
    );
    assert.deepEqual(
      config.channels.map((c) => [c.id, c.variants]),
      [
        ['webshop', 'grouped'],
        ['b2b-portal', 'flat'],
        ['marketplace', 'flat'],
      ],
    );
    // Defaults filled in where the file is silent.
    assert.deepEqual(config.channels[1], {
      id: 'b2b-portal',
      kind: 'generic',
      priceList: 'B2B-EUR',
      currency: 'EUR',
      warehouses: ['WH-MAIN', 'WH-SOUTH'],
      safetyStock: 0,
      requiredFields: [],
      filters: { activeOnly: true, excludeSkus: [] },
      fieldMapping: { gtin: 'ean', manufacturer: 'brand' },
      variants: 'flat',
      sink: {
        adapter: 'db-table',
        settings: { urlEnv: 'SYNCLINE_PORTAL_DATABASE_URL', table: 'portal.offer' },
        batchSize: 500,
        rateLimit: {},
        requestTimeoutMs: 15_000,
        concurrency: 2,
        maxWaitTimeMs: 100,
        retry: { initialDelayMs: 250, maxDelayMs: 30_000, multiplier: 2, parkAfterAttempts: 20 },
        circuitBreaker: { failureThreshold: 5, openMs: 2_000, maxOpenMs: 60_000 },
      },
    });
    assert.deepEqual(config.channels[2]?.requiredFields, ['ean', 'brand']);
    assert.ok(Object.isFrozen(config.channels[0]?.warehouses));
  });

  it('fills every default of a minimal config', () => {
    const file = tempFile(
      stringify({
        kafka: { brokers: ['localhost:9092'] },
        schemaRegistry: { url: 'https://registry.example:8081' },
        sources: (sampleDocument() as { sources: unknown[] }).sources.slice(0, 1),
        channels: [{ id: 'web', kind: 'generic', priceList: 'B2C-EUR', warehouses: ['WH-MAIN'] }],
      }),
    );
    const config: SynclineConfig = loadSynclineConfig(file, {});
    assert.equal(config.kafka.clientId, 'syncline');
    assert.deepEqual(config.processing, {
      partitions: 4,
      replicationFactor: -1,
      exactlyOnce: true,
      commitIntervalMs: 100,
      maxWaitTimeMs: 50,
      stateDir: 'var/state',
      deletedKeyGraceMs: 604_800_000,
      staleTaskFolderMs: 600_000,
    });
    assert.deepEqual(config.metrics, {
      host: '127.0.0.1',
      ports: {
        ingest: 9464,
        offers: 9465,
        sink: 9466,
        'register-index': 9467,
        orders: 9470,
        'erp-orders': 9471,
        admin: 9468,
      },
    });
    assert.equal(config.ops, undefined, 'no ops database is needed while no channel has a sink');
    assert.deepEqual(config.channels, [
      {
        id: 'web',
        kind: 'generic',
        priceList: 'B2C-EUR',
        warehouses: ['WH-MAIN'],
        safetyStock: 0,
        requiredFields: [],
        filters: { activeOnly: true, excludeSkus: [] },
        fieldMapping: {},
        variants: 'flat',
      },
    ]);
  });

  it('refuses an unset environment variable, naming the key and the variable', () => {
    const message = refusal('CONFIG_INVALID', () =>
      loadSynclineConfig(sampleFile, { ...env, SYNCLINE_KAFKA_BROKERS: undefined }),
    );
    assert.equal(
      message,
      `${sampleFile} refers to unset environment variables:\n  - kafka.brokers[0]: environment variable SYNCLINE_KAFKA_BROKERS is not set`,
    );
    assert.deepEqual(problems(refusal('CONFIG_INVALID', () => loadSynclineConfig(sampleFile, {}))), [
      'kafka.brokers[0]: environment variable SYNCLINE_KAFKA_BROKERS is not set',
      'schemaRegistry.url: environment variable SYNCLINE_SCHEMA_REGISTRY_URL is not set',
      'ops.databaseUrl: environment variable SYNCLINE_OPS_DATABASE_URL is not set',
      'cdc.connectUrl: environment variable SYNCLINE_CONNECT_URL is not set',
      'cdc.connectors[0].replicationSlot.databaseUrl: environment variable SYNCLINE_CDC_PG_URL is not set',
      'orders.erp.url: environment variable SYNCLINE_ERP_ORDERS_URL is not set',
      'channels[0].sink.settings.baseUrl: environment variable SYNCLINE_MAGENTO_URL is not set',
      'channels[2].sink.settings.url: environment variable SYNCLINE_WEBHOOK_URL is not set',
    ]);
  });

  it('refuses a missing file, naming it', () => {
    const file = join(dir, 'no-such-file.yaml');
    assert.equal(
      refusal('CONFIG_UNREADABLE', () => loadSynclineConfig(file, env)),
      `cannot read the config file ${file}: ENOENT`,
    );
  });

  it('refuses invalid YAML', () => {
    const file = tempFile('kafka:\n  brokers: [localhost:9092\nchannels: {');
    const message = refusal('CONFIG_INVALID', () => loadSynclineConfig(file, env));
    assert.ok(message.startsWith(`${file} is not valid YAML:\n  - `), message);
  });
});

describe('parseSynclineConfig', () => {
  it('names the key of every schema problem at once', () => {
    const document = sampleDocument();
    const kafka = document.kafka as Record<string, unknown>;
    const processing = document.processing as Record<string, unknown>;
    kafka.brokers = ['nohost'];
    processing.partitions = 0;
    processing.comitIntervalMs = 100;
    const message = refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'syncline.yaml'));
    assert.ok(message.startsWith('syncline.yaml is not a valid syncline config:\n'), message);
    assert.deepEqual(problems(message).sort(), [
      'kafka.brokers[0]: "nohost" does not match the pattern ^[^\\s:]+:\\d{1,5}$',
      'processing.comitIntervalMs: unknown key (check its spelling)',
      'processing.partitions: expected a number >= 1, got 0',
    ]);
  });

  it('names an unknown top-level key and a missing required one', () => {
    const document = sampleDocument();
    delete document.schemaRegistry;
    document.kafkaa = {};
    assert.deepEqual(
      problems(refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'f.yaml'))).sort(),
      ['kafkaa: unknown key (check its spelling)', 'schemaRegistry: required but missing'],
    );
  });

  it('refuses a channel warehouse that no source owns, naming the channel and the warehouse', () => {
    const document = sampleDocument();
    const channels = document.channels as Record<string, unknown>[];
    const b2b = channels[1];
    assert.ok(b2b !== undefined);
    b2b.warehouses = ['WH-MAIN', 'WH-NORTH'];
    const message = refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'syncline.yaml'));
    assert.equal(
      message,
      "syncline.yaml is not a valid syncline config:\n  - channels[1].warehouses[1]: no source owns the stock of WH-NORTH, so it would always count 0; add it to a source's owns.warehouses or remove it",
    );
  });

  it("names a bad sink setting by its key, checked against the adapter's own schema", () => {
    const document = sampleDocument();
    const channels = document.channels as { sink: Record<string, unknown> }[];
    channels[0]!.sink.settings = { auth: { type: 'integration', tokenEnv: 'T' }, maxBatch: 0 };
    const message = refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'syncline.yaml'));
    assert.deepEqual(problems(message).sort(), [
      'channels[0].sink.settings.baseUrl: required but missing',
      'channels[0].sink.settings.maxBatch: expected a number >= 1, got 0',
    ]);
  });

  it('names an unknown adapter and the ones there are', () => {
    const document = sampleDocument();
    (document.channels as { sink: Record<string, unknown> }[])[2]!.sink.adapter = 'carrier-pigeon';
    assert.deepEqual(problems(refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'f.yaml'))), [
      'channels[2].sink.adapter: expected one of "magento", "webhook", "db-table", got "carrier-pigeon"',
    ]);
  });

  it('requires the ops database once a channel has a sink', () => {
    const document = sampleDocument();
    delete document.ops;
    assert.deepEqual(problems(refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'f.yaml'))), [
      'ops.databaseUrl: required when a channel has a sink (the register index and shared budgets live there)',
    ]);
  });

  it('does not change the document it validates', () => {
    const document = sampleDocument();
    const before = structuredClone(document);
    parseSynclineConfig(document, 'syncline.yaml');
    assert.deepEqual(document, before);
  });
});

describe('the cdc section', () => {
  it('fills in the watchdog defaults', () => {
    const config = loadSynclineConfig(sampleFile, env);
    assert.equal(config.cdc?.checkIntervalMs, 5000);
    assert.equal(config.cdc?.restartGraceMs, 150_000);
    assert.deepEqual(config.cdc?.connectors[1], { name: 'erp-mariadb', topicPrefix: 'erp.mariadb' });
  });

  it('refuses a stall threshold no longer than the check interval, and a connector watched twice', () => {
    const document = sampleDocument();
    const cdc = document.cdc as { stallAfterMs: number; checkIntervalMs: number; connectors: unknown[] };
    cdc.stallAfterMs = 5000;
    cdc.checkIntervalMs = 5000;
    cdc.connectors.push({ name: 'erp-postgres', topicPrefix: 'erp.other' });
    assert.deepEqual(problems(refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'cdc.yaml'))), [
      'cdc.stallAfterMs (5000) must be longer than cdc.checkIntervalMs (5000), or every check would see a stall',
      'cdc.connectors[2].name: "erp-postgres" is watched twice',
    ]);
  });

  it('refuses a replication slot without a PostgreSQL URL, naming the key', () => {
    const document = sampleDocument();
    const cdc = document.cdc as { connectors: { replicationSlot?: Record<string, string> }[] };
    cdc.connectors[0]!.replicationSlot = { name: 'syncline_erp', databaseUrl: 'mysql://debezium@erp/erp' };
    assert.match(
      refusal('CONFIG_INVALID', () => parseSynclineConfig(document, 'cdc.yaml')),
      /cdc\.connectors\[0\]\.replicationSlot\.databaseUrl/,
    );
  });
});
