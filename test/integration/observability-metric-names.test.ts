/**
 * Every metric the chart's alert rules and Grafana dashboard query is one the running roles and
 * Kafka Connect really export: read from their `/metrics` on the local stack, not from the code.
 * A rule on a misspelt or renamed metric is silent for ever; this test is what makes it fail.
 *
 * Roles: ingest (with its CDC watchdog, reading input topics of the test's own so it processes
 * nothing else), a sink of a channel of the test's own, the register index. The offers processor
 * exports the engine's metrics through the same module as ingest (streams/runtime/metrics.ts), so
 * ingest stands for both. Kafka Connect: with the ERP connectors applied, so Debezium's figures
 * are there; Prometheus's own `up` is the one name no target exports.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { applyConnectors } from '../../connectors/apply.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { connectMetricsUrl } from '../../infra/local/stack-config.ts';
import { startRole, writeSampleConfigVariant, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { chartQueries, exposedNames, metricsIn } from '../helpers/promql-metrics.ts';
import { testKafka } from '../helpers/read-topic.ts';
import { testChannel, type TestChannel } from '../helpers/sink-channel.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka('observability-names-test');
const prefix = `test-names-${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'syncline-names-'));
let admin: Admin;
let magento: MagentoSimulator;
let channel: TestChannel;
let ingestInputs: string[] = [];
const roles: RoleProcess[] = [];

/** The sample config, its sources read from topics of the test's own (the CDC watchdog kept). */
function ingestConfig(): string {
  const file = writeSampleConfigVariant(join(dir, 'syncline.yaml'), { stateDir: join(dir, 'state') });
  const config = parse(readFileSync(file, 'utf8')) as {
    sources: { id: string; topicPrefix: string; tables: Record<string, unknown> }[];
  };
  for (const source of config.sources) source.topicPrefix = `${prefix}.${source.id}`;
  ingestInputs = config.sources.flatMap((s) => Object.keys(s.tables).map((t) => `${s.topicPrefix}.${t}`));
  writeFileSync(file, stringify(config));
  return file;
}

async function exposition(url: string): Promise<string> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return response.text();
}

describe(
  'observability: the chart queries only metrics the roles and Connect export',
  { timeout: 240_000 },
  () => {
    before(async () => {
      admin = kafka.admin();
      await admin.connect();
      await seedErp({ target: 'all', size: 'tiny' });
      await applyConnectors();
      magento = await startMagentoSimulator();
      channel = testChannel({
        adapter: 'magento',
        settings: { baseUrl: magento.url, auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' } },
      });
      const config = ingestConfig();
      // Ingest subscribes to its input topics by name: they must exist, or it stops at its start.
      await admin.createTopics({
        topics: ingestInputs.map((topic) => ({ topic, numPartitions: 4 })),
        waitForLeaders: true,
      });
      roles.push(
        ...(await Promise.all([
          startRole('ingest', config),
          startRole('sink', channel.configFile, { args: ['--channel', channel.id] }),
          startRole('register-index', config),
        ])),
      );
    });

    after(async () => {
      await Promise.all(roles.map((r) => r.stop()));
      await magento?.close();
      await admin
        ?.deleteTopics({ topics: [...ingestInputs, channel.topic, `channel.${channel.id}.dlq.v1`] })
        .catch(() => undefined);
      await admin?.disconnect();
    });

    it("every name in the alert rules and the dashboard is in a role's or Connect's /metrics", async () => {
      // Debezium's beans appear once its connectors stream.
      const connect = await waitUntil(
        "Debezium's streaming figures on Connect's /metrics",
        async () => {
          const text = await exposition(connectMetricsUrl());
          return /^debezium_streaming_millisecondsbehindsource\{/m.test(text) ? text : undefined;
        },
        120_000,
        2000,
      );
      // Each role's lag gauges are filled once its group has joined and sampled.
      const texts = await waitUntil(
        "the roles' lag on their /metrics",
        async () => {
          const all = await Promise.all(roles.map((r) => exposition(r.metricsUrl!)));
          return all.every((t) => /^syncline_consumer_lag_records\{/m.test(t)) ? all : undefined;
        },
        60_000,
        1000,
      );
      const exposed = new Set([...texts, connect].flatMap((t) => [...exposedNames(t)]));
      exposed.add('up'); // Prometheus's own, per target.

      const missing = chartQueries().flatMap(({ where, expr }) =>
        metricsIn(expr)
          .filter((name) => !exposed.has(name))
          .map((name) => `${where}: ${name}`),
      );
      assert.deepEqual(missing, []);
      // The names the Debezium and Connect alerts need are there as such.
      for (const name of [
        'debezium_streaming_millisecondsbehindsource',
        'debezium_streaming_connected',
        'kafka_connect_connector_status',
        'kafka_connect_connector_task_status',
      ])
        assert.ok(exposed.has(name), `${name} on Connect's /metrics`);
      assert.match(
        connect,
        /^kafka_connect_connector_status\{connector="erp-postgres",status="running"\} 1/m,
      );
    });
  },
);
