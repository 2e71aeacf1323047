/**
 * The Helm chart, offline: linted and rendered over three values sets (minimal, production-like,
 * every option on), every object validated by kubeconform -strict against the schemas kept in
 * infra/helm/schemas, and what the chart says checked against syncline itself: the rendered config
 * passes syncline's own validator, each channel with a sink gets its Deployment, the KafkaTopics
 * are the topics the roles declare, the KafkaConnectors are the connectors/ files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSynclineConfig, type SynclineConfig } from '../../streams/config/syncline-config.ts';
import { ingestTopology } from '../../streams/processors/ingest/ingest-topology.ts';
import { offersTopology } from '../../streams/processors/offers/offers-topology.ts';
import { compactedTopicConfigs, type TopicSpec } from '../../streams/runtime/kafka/topics.ts';
import { channelSinkTopology, registerIndexTopology } from '../../streams/sinks/sink-topology.ts';
import { topicSpecsOf } from '../../streams/topology/topic-specs.ts';
import { repoRoot } from '../../infra/local/stack-config.ts';
import {
  chartDir,
  renderChart,
  run,
  schemasDir,
  tool,
  valuesArgs,
  valuesSets,
  type K8sObject,
} from '../helpers/chart-tools.ts';

const sets = valuesSets();
const rendered = Object.fromEntries(
  Object.entries(sets).map(([name, files]) => [name, renderChart(files)]),
) as Record<keyof typeof sets, ReturnType<typeof renderChart>>;

/** Values for the `${env:NAME}` references of the rendered configs, each of the shape its key needs. */
const fakeEnv: NodeJS.ProcessEnv = {
  SYNCLINE_KAFKA_BROKERS: 'erp-events-kafka-bootstrap.kafka:9092',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'http://registry.kafka:8080/apis/ccompat/v7',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://syncline@ops-db:5432/ops',
  SYNCLINE_CONNECT_URL: 'http://erp-connect-connect-api.kafka:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium@erp-db:5432/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app@erp-db:5432/erp',
  SYNCLINE_MAGENTO_URL: 'https://shop.example.com',
  SYNCLINE_WEBHOOK_URL: 'https://marketplace.example.com/hooks/offers',
};

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

function renderedConfig(objects: K8sObject[]): { file: string; config: SynclineConfig } {
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config'));
  assert.ok(configMap, 'the chart renders the config ConfigMap');
  const text = (configMap.data as Record<string, string>)['syncline.yaml']!;
  const file = join(mkdtempSync(join(tmpdir(), 'syncline-rendered-')), 'syncline.yaml');
  writeFileSync(file, text);
  // The secret files it names (passwordFile, caFile, ...) are mounted in the pods only.
  return { file, config: loadSynclineConfig(file, fakeEnv, { readSecretFiles: false }) };
}

interface Container {
  args: string[];
  securityContext: Record<string, unknown>;
}
const containersOf = (workload: K8sObject): Container[] =>
  (workload.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;

describe('the chart, rendered offline over minimal, production-like and all-options values', () => {
  for (const [name, files] of Object.entries(sets)) {
    test(`${name}: helm lint passes`, () => {
      const lint = run(tool('helm'), ['lint', chartDir, '--strict', ...valuesArgs(files)]);
      assert.equal(lint.status, 0, `${lint.stdout}\n${lint.stderr}`);
    });

    test(`${name}: every object is valid for kubeconform -strict against the kept schemas`, () => {
      const { manifest, objects } = rendered[name as keyof typeof sets];
      const file = join(mkdtempSync(join(tmpdir(), 'syncline-manifest-')), 'manifest.yaml');
      writeFileSync(file, manifest);
      const check = run(tool('kubeconform'), [
        '-strict',
        '-summary',
        '-output',
        'json',
        '-schema-location',
        join(schemasDir, 'kubernetes', '{{.ResourceKind}}{{.KindSuffix}}.json'),
        '-schema-location',
        join(schemasDir, 'crds', '{{.Group}}', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'),
        file,
      ]);
      assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
      const summary = (JSON.parse(check.stdout) as { summary: Record<string, number> }).summary;
      // Every object checked, none skipped for want of a schema.
      assert.deepEqual(summary, { valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
    });

    test(`${name}: the rendered config passes syncline's own validator`, () => {
      const { config } = renderedConfig(rendered[name as keyof typeof sets].objects);
      assert.equal(config.metrics.host, '0.0.0.0', 'probes and Prometheus reach the metrics server');
      assert.equal(config.processing.stateDir, '/var/lib/syncline/state');
    });
  }

  test('a sink Deployment per channel with a sink, running only that channel, with its replicas', () => {
    const { objects } = rendered['all-options'];
    const { config } = renderedConfig(objects);
    const delivered = config.channels.filter((c) => c.sink).map((c) => c.id);
    const sinks = ofKind(objects, 'Deployment').filter((d) => containersOf(d)[0]!.args[0] === 'sink');
    assert.deepEqual(sinks.map((d) => d.metadata.labels!['syncline/channel']).sort(), [...delivered].sort());
    for (const sink of sinks) {
      const channel = sink.metadata.labels!['syncline/channel']!;
      assert.deepEqual(containersOf(sink)[0]!.args.slice(-2), ['--channel', channel]);
    }
    const replicas: Record<string, number> = Object.fromEntries(
      sinks.map((d) => [d.metadata.labels!['syncline/channel']!, (d.spec as { replicas: number }).replicas]),
    );
    // all-options: webshop 3 and marketplace 0 by channel, b2b-portal the sink default.
    assert.deepEqual(replicas, { webshop: 3, marketplace: 0, 'b2b-portal': 1 });
  });

  test('KafkaTopics are exactly the topics the roles declare for the config, with their settings', () => {
    const { objects } = rendered.production;
    const { config } = renderedConfig(objects);
    const { partitions } = config.processing;
    const delivered = config.channels.filter((c) => c.sink);
    const declared: TopicSpec[] = [
      ...topicSpecsOf([ingestTopology, offersTopology, registerIndexTopology], config, partitions),
      ...topicSpecsOf([channelSinkTopology], { ...config, channels: delivered }, partitions),
    ];
    const expected = new Map(
      declared.map((spec) => [
        spec.name,
        {
          partitions: spec.partitions,
          config: {
            ...(spec.compacted ? compactedTopicConfigs : { 'cleanup.policy': 'delete' }),
            ...spec.configs,
            'min.insync.replicas': '2', // production-values: strimzi.topics.config
          },
        },
      ]),
    );
    const topics = ofKind(objects, 'KafkaTopic').map((t) => {
      const spec = t.spec as { topicName: string; partitions: number; config: Record<string, string> };
      return [spec.topicName, { partitions: spec.partitions, config: spec.config }] as const;
    });
    assert.deepEqual(new Map(topics), expected);
  });

  test('KafkaConnectors are the connectors/ files: class and tasks.max in the spec, overrides merged', () => {
    const { objects } = rendered['all-options'];
    const connectors = ofKind(objects, 'KafkaConnector');
    const files = readdirSync(join(repoRoot, 'connectors')).filter((n) => n.endsWith('.json'));
    assert.equal(connectors.length, files.length);
    for (const name of files) {
      const source = JSON.parse(readFileSync(join(repoRoot, 'connectors', name), 'utf8')) as {
        name: string;
        config: Record<string, string>;
      };
      const connector = connectors.find((c) => c.metadata.name === source.name);
      assert.ok(connector, `a KafkaConnector for ${source.name}`);
      assert.equal(connector.apiVersion, 'kafka.strimzi.io/v1');
      assert.equal(connector.metadata.labels!['strimzi.io/cluster'], 'erp-connect');
      const { 'connector.class': connectorClass, 'tasks.max': tasksMax, ...config } = source.config;
      const overrides =
        source.name === 'erp-postgres'
          ? { 'database.hostname': 'erp-db.erp.svc', 'database.port': '5432' }
          : {};
      assert.deepEqual(connector.spec, {
        class: connectorClass,
        tasksMax: Number(tasksMax),
        state: 'paused',
        autoRestart: { enabled: true, maxRestarts: 10 },
        config: { ...config, ...overrides },
      });
    }
  });

  test('pods roll when the config or the chart-made Secret changes, and only then', () => {
    const checksums = (extra: string[]) =>
      renderChart(sets.minimal, extra)
        .objects.filter((o) => o.kind === 'StatefulSet')
        .map(
          (o) =>
            (o.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
              .annotations,
        );
    const before = checksums(['--set', 'secrets.env.SHOP_TOKEN=a']);
    assert.deepEqual(checksums(['--set', 'secrets.env.SHOP_TOKEN=a']), before);
    const otherConfig = checksums([
      '--set',
      'secrets.env.SHOP_TOKEN=a',
      '--set',
      'config.processing.partitions=8',
    ]);
    const otherSecret = checksums(['--set', 'secrets.env.SHOP_TOKEN=b']);
    for (const [i, annotations] of before.entries()) {
      assert.notEqual(otherConfig[i]!['checksum/config'], annotations['checksum/config']);
      assert.equal(otherConfig[i]!['checksum/secret-env'], annotations['checksum/secret-env']);
      assert.notEqual(otherSecret[i]!['checksum/secret-env'], annotations['checksum/secret-env']);
      assert.equal(otherSecret[i]!['checksum/config'], annotations['checksum/config']);
    }
  });

  test('no secret value appears in a ConfigMap; each reaches the pods from a Secret', () => {
    const { objects } = rendered['all-options'];
    const secretValues = [
      'magento-token-value',
      'webhook-secret-value',
      'ops-password-value',
      'not a real certificate',
    ];
    const configMaps = JSON.stringify(ofKind(objects, 'ConfigMap'));
    for (const value of secretValues) assert.ok(!configMaps.includes(value), `${value} is in a ConfigMap`);
    const secrets = ofKind(objects, 'Secret')
      .flatMap((s) => Object.values(s.data as Record<string, string>))
      .map((v) => Buffer.from(v, 'base64').toString('utf8'))
      .join('\n');
    for (const value of secretValues) assert.ok(secrets.includes(value), `${value} is in a Secret`);
    // And the values sets that name an existing Secret render none of their own.
    assert.equal(ofKind(rendered.production.objects, 'Secret').length, 0);
  });
});

describe('bad values are refused by helm template, naming the key', () => {
  // Helm reports each as `- at '/<key path>': <what is wrong>`.
  const cases: [string, string[], RegExp][] = [
    ['a negative replica count', ['--set', 'offers.replicas=-1'], /at '\/offers\/replicas': minimum: got -1/],
    ['an unknown pull policy', ['--set', 'image.pullPolicy=Sometimes'], /at '\/image\/pullPolicy'/],
    [
      'a misspelt chart key',
      ['--set', 'ingest.replica=2'],
      /at '\/ingest': additional properties 'replica' not allowed/,
    ],
    [
      'a bad syncline config value',
      ['--set', 'config.processing.partitions=0'],
      /at '\/config\/processing\/partitions': minimum: got 0, want 1/,
    ],
    [
      'a misspelt syncline config key',
      ['--set', 'config.channels[0].safetyStok=2'],
      /at '\/config\/channels\/0': additional properties 'safetyStok' not allowed/,
    ],
    [
      'a key the chart sets itself',
      ['--set', 'config.metrics.host=127.0.0.1'],
      /at '\/config': additional properties 'metrics' not allowed/,
    ],
    [
      'a Strimzi API version the chart cannot write',
      ['--set', 'strimzi.apiVersion=kafka.strimzi.io/v1alpha1'],
      /at '\/strimzi\/apiVersion'/,
    ],
  ];
  for (const [what, args, names] of cases) {
    test(what, () => {
      const result = run(tool('helm'), ['template', 'shop', chartDir, ...valuesArgs(sets.minimal), ...args]);
      assert.notEqual(result.status, 0, `helm template accepted ${args.join(' ')}`);
      assert.match(result.stderr, names);
    });
  }

  test('the chart defaults alone: every key a release must give is named at once', () => {
    const result = run(tool('helm'), ['template', 'shop', chartDir]);
    assert.notEqual(result.status, 0);
    for (const key of [
      'config/kafka/brokers',
      'config/schemaRegistry/url',
      'config/sources',
      'config/channels',
    ])
      assert.match(result.stderr, new RegExp(`at '/${key}'`));
  });

  test('a register index without an ops database', () => {
    const result = run(tool('helm'), [
      'template',
      'shop',
      chartDir,
      ...valuesArgs(sets.minimal),
      '--set',
      'registerIndex.enabled=true',
    ]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /registerIndex\.enabled needs config\.ops/);
  });
});
