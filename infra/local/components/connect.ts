/**
 * Kafka Connect in distributed mode with the Debezium plugins, bound to loopback.
 *
 * Connector configs never hold hosts or passwords: they read them from this worker's environment
 * through the `env` config provider (and files through `file`), which is what a production worker
 * would fill from Kubernetes secrets.
 *
 * Its metrics (Connect's connector and task states, Debezium's time since the last event and
 * behind the source) are served for Prometheus by the JMX exporter agent, with the rules the chart
 * ships (files/prometheus/kafka-connect-jmx-exporter.yaml).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../component.ts';
import {
  connectMetricsUrl,
  connectUrl,
  erpMariadb,
  erpPostgres,
  host,
  kafkaBrokers,
  port,
  repoRoot,
  stateDir,
} from '../stack-config.ts';
import { java } from '../tools.ts';
import { probe } from './http-probe.ts';
import { log4jFile } from './java-logging.ts';

const home = join(stateDir, 'connect');
const configFile = join(home, 'connect-distributed.properties');
export const jmxExporterRules = join(
  repoRoot,
  'infra',
  'helm',
  'syncline',
  'files',
  'prometheus',
  'kafka-connect-jmx-exporter.yaml',
);

/** The plugins the stack promises; Connect is healthy only once it has loaded all of them. */
export const requiredPlugins = [
  'io.debezium.connector.postgresql.PostgresConnector',
  'io.debezium.connector.mariadb.MariaDbConnector',
  'io.debezium.connector.sqlserver.SqlServerConnector',
  'io.debezium.connector.oracle.OracleConnector',
] as const;

function workerProperties(pluginPath: string): string {
  return `# Written by infra/local (components/connect.ts) on every start; edit that file instead.
bootstrap.servers=${kafkaBrokers().join(',')}
group.id=syncline-connect
listeners=http://${host}:${port('connect')}
rest.advertised.host.name=${host}
rest.advertised.port=${port('connect')}
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=syncline-connect-configs
offset.storage.topic=syncline-connect-offsets
status.storage.topic=syncline-connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
# After a worker drops out of the group (the broker restarted, a long GC pause) Connect holds its
# connectors and tasks UNASSIGNED for up to this long, waiting for it to come back, while their
# status still reads RUNNING. The default, 5 minutes, is 5 minutes without CDC; one worker has no
# one to wait for. Production: see docs/faults.md.
scheduled.rebalance.max.delay.ms=10000
# Source offsets flushed every 5 s (default 60 s): fewer Debezium replays after a Connect crash.
offset.flush.interval.ms=5000
plugin.path=${pluginPath}
config.providers=env,file
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
topic.creation.enable=true
`;
}

export const connect: Component = {
  name: 'connect',
  title: 'Kafka Connect + Debezium',
  ports: ['connect', 'connectMetrics'],
  dependsOn: ['kafka'],
  startTimeoutMs: 240_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 30_000,
  endpoint: connectUrl,

  prepare(stack) {
    mkdirSync(home, { recursive: true });
    writeFileSync(configFile, workerProperties(stack.connectPlugins));
    return Promise.resolve();
  },

  launchSpec(stack) {
    const pg = erpPostgres();
    const maria = erpMariadb();
    return {
      name: 'connect',
      command: java(),
      args: [
        '-Xms256m',
        '-Xmx1g',
        '-XX:+UseG1GC',
        `-Dlog4j.configuration=file:${log4jFile('connect')}`,
        `-javaagent:${stack.jmxExporterAgent}=${host}:${port('connectMetrics')}:${jmxExporterRules}`,
        '-cp',
        `${stack.kafkaLibs}/*`,
        'org.apache.kafka.connect.cli.ConnectDistributed',
        configFile,
      ],
      env: {
        ...process.env,
        SYNCLINE_KAFKA_BOOTSTRAP: kafkaBrokers().join(','),
        SYNCLINE_ERP_PG_HOST: pg.host,
        SYNCLINE_ERP_PG_PORT: String(pg.port),
        SYNCLINE_CDC_PG_PASSWORD: pg.cdcPassword,
        SYNCLINE_ERP_MARIADB_HOST: maria.host,
        SYNCLINE_ERP_MARIADB_PORT: String(maria.port),
        SYNCLINE_CDC_MARIADB_PASSWORD: maria.cdcPassword,
      },
      marker: configFile,
    };
  },

  async unhealthyReason() {
    const plugins = await probe(`${connectUrl()}/connector-plugins`);
    if (!plugins.ok) return plugins.reason;
    const missing = requiredPlugins.filter((p) => !plugins.body.includes(p));
    if (missing.length > 0) return `Connect has not loaded ${missing.join(', ')}`;
    const connectors = await probe(`${connectUrl()}/connectors`);
    if (!connectors.ok) return connectors.reason;
    const metrics = await probe(connectMetricsUrl());
    return metrics.ok
      ? undefined
      : `${metrics.reason}; a Connect started before it ran with the metrics agent: npm run stack:down, then up`;
  },
};
