/**
 * Kafka and registry security in the chart: passwords and tokens reach the pods only as files of
 * mounted Secrets (a Secret the chart makes from values, or an existing one such as a Strimzi
 * KafkaUser's), the rendered config names those files, and syncline reading the files exactly as
 * the kubelet would project them gets the secrets the values gave. No secret is in a ConfigMap.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import { registryClientArgs } from '../../streams/runtime/codec/registry-connection.ts';
import { kafkaSecurityOptions } from '../../streams/runtime/kafka/kafka-security.ts';
import {
  chartDir,
  renderChart,
  run,
  tool,
  valuesArgs,
  valuesSets,
  type K8sObject,
} from '../helpers/chart-tools.ts';

const sets = valuesSets();
const env: NodeJS.ProcessEnv = {
  SYNCLINE_KAFKA_BROKERS: 'erp-events-kafka-bootstrap.kafka:9093',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'https://registry.kafka:8443/apis/ccompat/v7',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://syncline@ops-db:5432/ops',
  SYNCLINE_CONNECT_URL: 'http://erp-connect-connect-api.kafka:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium@erp-db:5432/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app@erp-db:5432/erp',
  SYNCLINE_MAGENTO_URL: 'https://shop.example.com',
  SYNCLINE_WEBHOOK_URL: 'https://marketplace.example.com/hooks/offers',
};

interface SecretVolume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}
interface Mount {
  name: string;
  mountPath: string;
}
interface PodSpec {
  volumes: SecretVolume[];
  containers: { volumeMounts: Mount[] }[];
}

const workloadsOf = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const podSpecOf = (workload: K8sObject) => (workload.spec as { template: { spec: PodSpec } }).template.spec;
const configTextOf = (objects: K8sObject[]) =>
  (
    objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config'))!.data as Record<
      string,
      string
    >
  )['syncline.yaml']!;

/** Each file a workload sees from a Secret volume: its path in the container -> (Secret, key). */
function projectedFiles(workload: K8sObject): Map<string, { secret: string; key: string }> {
  const spec = podSpecOf(workload);
  const files = new Map<string, { secret: string; key: string }>();
  for (const mount of spec.containers[0]!.volumeMounts) {
    const volume = spec.volumes.find((v) => v.name === mount.name);
    for (const item of volume?.secret?.items ?? []) {
      files.set(join(mount.mountPath, item.path), { secret: volume!.secret!.secretName, key: item.key });
    }
  }
  return files;
}

/** What `name`'s Secret holds under `key`: the rendered data of a chart-made Secret, else a stand-in. */
function secretValue(objects: K8sObject[], name: string, key: string): string {
  const made = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
  const data = made?.data as Record<string, string> | undefined;
  if (data?.[key] !== undefined) return Buffer.from(data[key], 'base64').toString('utf8');
  return key.endsWith('.crt') || key.endsWith('.key')
    ? `-----BEGIN ${name} ${key}-----\nAAAA\n-----END ${name} ${key}-----\n`
    : `${name}/${key}`;
}

describe('Kafka and registry security in the chart', () => {
  const { objects } = renderChart(sets['all-options']);

  test('every secret file the rendered config names is mounted, from the Secret and key the values name', () => {
    const configText = configTextOf(objects);
    const named = [...configText.matchAll(/(?:File|caFile): (\S+)/g)].map((m) => m[1]!);
    assert.deepEqual(named.sort(), [
      '/etc/syncline/kafka-sasl/password',
      '/etc/syncline/kafka-tls/ca/ca.crt',
      '/etc/syncline/kafka-tls/client/tls.crt',
      '/etc/syncline/kafka-tls/client/tls.key',
      '/etc/syncline/registry-auth/password',
      '/etc/syncline/registry-ca/ca.crt',
    ]);
    const expected: Record<string, { secret: string; key: string }> = {
      '/etc/syncline/kafka-sasl/password': { secret: 'shop-syncline-security', key: 'kafka-sasl-password' },
      '/etc/syncline/kafka-tls/ca/ca.crt': { secret: 'erp-events-cluster-ca-cert', key: 'ca.crt' },
      '/etc/syncline/kafka-tls/client/tls.crt': { secret: 'syncline-user', key: 'user.crt' },
      '/etc/syncline/kafka-tls/client/tls.key': { secret: 'syncline-user', key: 'user.key' },
      '/etc/syncline/registry-auth/password': { secret: 'shop-syncline-security', key: 'registry-password' },
      '/etc/syncline/registry-ca/ca.crt': { secret: 'registry-ca', key: 'ca.crt' },
    };
    const workloads = workloadsOf(objects);
    assert.ok(workloads.length >= 4);
    for (const workload of workloads) {
      const files = projectedFiles(workload);
      for (const path of named)
        assert.deepEqual(files.get(path), expected[path], `${workload.metadata.name}: ${path}`);
    }
  });

  test('syncline, reading the files as the kubelet projects them, gets the secrets of the values', () => {
    const root = mkdtempSync(join(tmpdir(), 'syncline-chart-pod-'));
    for (const [path, { secret, key }] of projectedFiles(workloadsOf(objects)[0]!)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), secretValue(objects, secret, key));
    }
    const file = join(root, 'syncline.yaml');
    writeFileSync(file, configTextOf(objects).replaceAll('/etc/syncline/', `${root}/etc/syncline/`));
    const config = loadSynclineConfig(file, env);
    const kafka = kafkaSecurityOptions(config.kafka);
    assert.deepEqual(kafka.sasl, {
      mechanism: 'scram-sha-256',
      username: 'syncline',
      password: 'kafka-sasl-password-value',
    });
    assert.equal(kafka.ssl?.servername, 'erp-events-kafka-bootstrap.kafka.svc');
    assert.match(kafka.ssl?.key as string, /BEGIN syncline-user user\.key/);
    assert.match(kafka.ssl?.ca as string, /BEGIN erp-events-cluster-ca-cert ca\.crt/);
    assert.deepEqual(registryClientArgs(config.schemaRegistry).auth, {
      username: 'syncline',
      password: 'registry-password-value',
    });
  });

  test('no password or token of the values is in a ConfigMap; each is in the chart-made Secret', () => {
    const values = ['kafka-sasl-password-value', 'registry-password-value'];
    const configMaps = JSON.stringify(objects.filter((o) => o.kind === 'ConfigMap'));
    for (const value of values) assert.ok(!configMaps.includes(value), `${value} is in a ConfigMap`);
    const security = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'shop-syncline-security');
    assert.ok(security, 'the chart makes the security Secret');
    const held = Object.values(security.data as Record<string, string>).map((v) =>
      Buffer.from(v, 'base64').toString('utf8'),
    );
    assert.deepEqual(held.sort(), [...values].sort());
  });

  test('existing Secrets (a Strimzi KafkaUser, a token Secret) are mounted by key, and the chart makes none', () => {
    const { objects: existing } = renderChart(sets.production, [
      '--set',
      'kafkaTls.enabled=true',
      '--set',
      'kafkaSasl.enabled=true',
      '--set',
      'kafkaSasl.username=syncline',
      '--set',
      'kafkaSasl.existingSecret=syncline',
      '--set',
      'registryAuth.type=bearer',
      '--set',
      'registryAuth.existingSecret=registry-token',
      '--set',
      'registryAuth.tokenKey=api-token',
    ]);
    assert.equal(existing.filter((o) => o.kind === 'Secret').length, 0);
    const files = projectedFiles(workloadsOf(existing)[0]!);
    assert.deepEqual(files.get('/etc/syncline/kafka-sasl/password'), { secret: 'syncline', key: 'password' });
    assert.deepEqual(files.get('/etc/syncline/registry-auth/token'), {
      secret: 'registry-token',
      key: 'api-token',
    });
    const configText = configTextOf(existing);
    assert.match(configText, /tokenFile: \/etc\/syncline\/registry-auth\/token/);
    // TLS with the system CAs: an empty tls section, no CA file.
    assert.match(configText, /tls: \{\}/);
  });
});

describe('security values that cannot work are refused by helm template, naming the key', () => {
  const cases: [string, string[], RegExp][] = [
    ['SASL without a user name', ['--set', 'kafkaSasl.enabled=true'], /kafkaSasl\.username: required/],
    [
      'SASL without a password or Secret',
      ['--set', 'kafkaSasl.enabled=true', '--set', 'kafkaSasl.username=u'],
      /kafkaSasl: give kafkaSasl\.existingSecret/,
    ],
    ['an unknown SASL mechanism', ['--set', 'kafkaSasl.mechanism=gssapi'], /at '\/kafkaSasl\/mechanism'/],
    ['an unknown registry auth type', ['--set', 'registryAuth.type=oauth'], /at '\/registryAuth\/type'/],
    [
      'basic auth without a user name',
      ['--set', 'registryAuth.type=basic', '--set', 'registryAuth.password=p'],
      /registryAuth\.username: required/,
    ],
    [
      'a client certificate without TLS',
      ['--set', 'kafkaTls.clientSecret=syncline-user'],
      /kafkaTls\.clientSecret: a client certificate needs kafkaTls\.enabled/,
    ],
  ];
  for (const [what, args, names] of cases) {
    test(what, () => {
      const result = run(tool('helm'), ['template', 'shop', chartDir, ...valuesArgs(sets.minimal), ...args]);
      assert.notEqual(result.status, 0, `helm template accepted ${args.join(' ')}`);
      assert.match(result.stderr, names);
    });
  }
});
