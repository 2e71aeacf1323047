import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroCodecFor } from '../../streams/runtime/codec/avro-codec.ts';
import { registryClientArgs } from '../../streams/runtime/codec/registry-connection.ts';
import { whenRegistryAnswers } from '../../streams/runtime/codec/registry-wait.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { checkKafkaSecurity, kafkaSecurityOptions } from '../../streams/runtime/kafka/kafka-security.ts';
import { createLogger } from '../../streams/runtime/logger.ts';

const sampleFile = fileURLToPath(new URL('../../infra/local/syncline.yaml', import.meta.url));
const env: Record<string, string> = {
  SYNCLINE_KAFKA_BROKERS: 'kafka-1:9094',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'https://registry:8081',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://ops:ops-pw-0417@ops-db:5432/syncline_ops',
  SYNCLINE_MAGENTO_URL: 'http://magento:8480',
  SYNCLINE_WEBHOOK_URL: 'http://marketplace-bridge:8490/offers',
  SYNCLINE_CONNECT_URL: 'http://connect:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium:cdc-pw-0417@erp-db:5432/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app:erp-pw-0417@erp-db:5432/erp',
  SYNCLINE_KAFKA_PASSWORD: 'kafka-pw-0417',
};

const dir = mkdtempSync(join(tmpdir(), 'syncline-kafka-security-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
const caFile = join(dir, 'ca.crt');
const certFile = join(dir, 'client.crt');
const keyFile = join(dir, 'client.key');
const passwordFile = join(dir, 'kafka-password');
writeFileSync(caFile, pem('CERTIFICATE'));
writeFileSync(certFile, pem('CERTIFICATE'));
writeFileSync(keyFile, pem('PRIVATE KEY'));
writeFileSync(passwordFile, 'file-pw-0417\n');

let files = 0;
/** The sample config with `edit` applied to its parsed form, written to a file. */
function configFile(edit: (document: Record<string, Record<string, unknown>>) => void): string {
  const document = parse(readFileSync(sampleFile, 'utf8')) as Record<string, Record<string, unknown>>;
  edit(document);
  files += 1;
  const file = join(dir, `syncline-${files}.yaml`);
  writeFileSync(file, stringify(document));
  return file;
}

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

describe('Kafka TLS and SASL in the config', () => {
  it('loads SASL_SSL settings and turns them into the client options, files read', () => {
    const file = configFile((d) => {
      d.kafka!.tls = { caFile, certFile, keyFile, servername: 'kafka.internal' };
      d.kafka!.sasl = {
        mechanism: 'scram-sha-512',
        username: 'syncline',
        password: '${env:SYNCLINE_KAFKA_PASSWORD}',
      };
    });
    const config = loadSynclineConfig(file, env);
    assert.equal(config.kafka.tls?.rejectUnauthorized, true, 'verification is on unless turned off');
    const options = kafkaSecurityOptions(config.kafka);
    assert.deepEqual(options.ssl, {
      rejectUnauthorized: true,
      ca: pem('CERTIFICATE'),
      cert: pem('CERTIFICATE'),
      key: pem('PRIVATE KEY'),
      servername: 'kafka.internal',
    });
    assert.deepEqual(options.sasl, {
      mechanism: 'scram-sha-512',
      username: 'syncline',
      password: 'kafka-pw-0417',
    });
  });

  it('reads the password from a mounted file, without its trailing newline', () => {
    const options = kafkaSecurityOptions({ sasl: { mechanism: 'plain', username: 'u', passwordFile } });
    assert.deepEqual(options.sasl, { mechanism: 'plain', username: 'u', password: 'file-pw-0417' });
    assert.equal(options.ssl, undefined, 'SASL without tls is SASL_PLAINTEXT');
  });

  it('refuses an unreadable secret file at load time, naming the key and the path', () => {
    const missing = join(dir, 'no-such-password');
    const file = configFile((d) => {
      d.kafka!.sasl = { mechanism: 'scram-sha-256', username: 'syncline', passwordFile: missing };
    });
    const message = refusalOf(() => loadSynclineConfig(file, env));
    assert.match(
      message,
      new RegExp(`kafka\\.sasl\\.passwordFile: cannot read the file ${missing} \\(ENOENT\\)`),
    );
  });

  it('refuses a CA file that holds no certificate, naming the key', () => {
    const notPem = join(dir, 'not-pem');
    writeFileSync(notPem, 'secret-not-a-cert');
    const message = refusalOf(() =>
      kafkaSecurityOptions({ tls: { caFile: notPem, rejectUnauthorized: true } }),
    );
    assert.match(message, /kafka\.tls\.caFile: the file .* holds no PEM block/);
    assert.doesNotMatch(message, /secret-not-a-cert/);
  });

  it('wants exactly one of password and passwordFile, and a key with a client certificate', () => {
    assert.deepEqual(
      checkKafkaSecurity({
        tls: { certFile, rejectUnauthorized: true },
        sasl: { mechanism: 'plain', username: 'u', password: 'p', passwordFile },
      }),
      [
        'kafka.tls: certFile and keyFile go together (a client certificate needs its key)',
        'kafka.sasl: give exactly one of password (as ${env:NAME}) and passwordFile',
      ],
    );
  });

  it('names a bad mechanism and a mistyped password without showing the password', () => {
    const file = configFile((d) => {
      d.kafka!.sasl = { mechanism: 'gssapi', username: 'syncline', password: 41704170 };
    });
    const message = refusalOf(() => loadSynclineConfig(file, env));
    assert.match(
      message,
      /kafka\.sasl\.mechanism: expected one of "scram-sha-512", "scram-sha-256", "plain", got "gssapi"/,
    );
    assert.match(message, /kafka\.sasl\.password: expected string, got a secret value \(not shown\)/);
    assert.doesNotMatch(message, /41704170/);
  });

  it('never shows a value from the environment, even where a rule quotes what it got', () => {
    const file = configFile((d) => {
      // A password pasted into the wrong variable: the enum rule would print it.
      d.kafka!.sasl = { mechanism: '${env:SYNCLINE_KAFKA_PASSWORD}', username: 'syncline', passwordFile };
    });
    const message = refusalOf(() => loadSynclineConfig(file, env));
    assert.match(message, /kafka\.sasl\.mechanism: expected one of .*, got a secret value \(not shown\)/);
    assert.doesNotMatch(message, /kafka-pw-0417/);
  });
});

describe('schema registry credentials in the config', () => {
  it('gives the client basic auth from a file', () => {
    const args = registryClientArgs({
      url: 'http://r:8081',
      basicAuth: { username: 'syncline', passwordFile },
    });
    assert.deepEqual(args.auth, { username: 'syncline', password: 'file-pw-0417' });
    assert.equal(args.middlewares, undefined);
  });

  it('refuses basic auth together with a bearer token, and each without its secret', () => {
    const file = configFile((d) => {
      d.schemaRegistry = {
        url: 'http://registry:8081',
        basicAuth: { username: 'syncline' },
        bearerToken: { token: 'tok-0417' },
      };
    });
    const message = refusalOf(() => loadSynclineConfig(file, env));
    assert.match(message, /schemaRegistry: basicAuth and bearerToken exclude each other/);
    assert.match(message, /schemaRegistry\.basicAuth: give exactly one of password/);
    assert.doesNotMatch(message, /tok-0417/);
  });
});

describe('refused registry credentials', () => {
  it('stop a role at start-up with the reason instead of being waited out like an outage', async () => {
    let calls = 0;
    // Shaped as @kafkajs/confluent-schema-registry rejects a 401 (its ResponseError).
    const refusing = {
      register: () => {
        calls += 1;
        return Promise.reject(
          Object.assign(new Error('Confluent_Schema_Registry - Unauthorized'), {
            name: 'ResponseError',
            status: 401,
          }),
        );
      },
    } as unknown as SchemaRegistry;
    const logger = createLogger({ level: 'silent' });
    await assert.rejects(
      whenRegistryAnswers(
        () => avroCodecFor(refusing, 'channel.x.offer.v1', 'schemas/channel.offer.v1.avsc'),
        logger,
      ),
      (error: SynclineError) => {
        assert.equal(error.code, 'SCHEMA_REGISTRY');
        assert.equal(error.retriable, false);
        assert.match(error.message, /refused syncline's credentials \(HTTP 401\).*schemaRegistry\.basicAuth/);
        return true;
      },
    );
    assert.equal(calls, 1, 'tried once, not again and again');
  });
});

describe('role logs', () => {
  it('redact the Kafka and registry credentials a client was given', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info' }, sink);
    const security = kafkaSecurityOptions({
      tls: { caFile, keyFile, certFile, rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'syncline', passwordFile },
    });
    logger.info({ kafka: { brokers: ['k:9094'], ...security } }, 'connecting');
    logger.info(
      registryClientArgs({ url: 'http://r', basicAuth: { username: 'u', passwordFile } }),
      'registry',
    );
    logger.info({ ops: { databaseUrl: 'postgresql://ops:db-pw-0417@db/ops' } }, 'ops');
    const text = lines.join('');
    assert.doesNotMatch(text, /file-pw-0417|PRIVATE KEY|db-pw-0417/);
    assert.match(text, /"brokers":\["k:9094"\]/);
  });
});
