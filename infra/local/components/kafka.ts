/**
 * Apache Kafka, one node in KRaft mode (broker and controller in one JVM), bound to loopback.
 *
 * Single-node settings that matter: replication factor 1 for the internal topics (else group
 * coordination and transactions never start), a low minimum session timeout because kafkajs has
 * no static membership (a restarted member waits out the old session), no initial rebalance
 * delay, and no topic auto-creation: every topic syncline uses is created on purpose.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import type { Component } from '../component.ts';
import { host, kafkaBrokers, port, stateDir } from '../stack-config.ts';
import { java } from '../tools.ts';
import { log4jFile } from './java-logging.ts';

const home = join(stateDir, 'kafka');
const dataDir = join(home, 'data');
const configFile = join(home, 'server.properties');

function serverProperties(): string {
  return `# Written by infra/local (components/kafka.ts) on every start; edit that file instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${host}:${port('kafkaController')}
listeners=PLAINTEXT://${host}:${port('kafka')},CONTROLLER://${host}:${port('kafkaController')}
advertised.listeners=PLAINTEXT://${host}:${port('kafka')}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
min.insync.replicas=1
default.replication.factor=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
log.cleaner.enable=true
log.retention.hours=168
# A local stack lives long and every test run writes the same compacted topics again; a segment is
# only compacted once closed, so close them hourly (as syncline does for the topics it creates).
# Roles started with an empty state store then replay about one record per key, not every record
# since the stack was made.
log.roll.hours=1
`;
}

/**
 * A Kafka cluster id is a UUID in URL-safe base64 without padding (Uuid.toString). Like Kafka's
 * own Uuid.randomUuid, never one that starts with '-', which command-line tools take for an option.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const kafka: Component = {
  name: 'kafka',
  title: 'Kafka broker (KRaft)',
  ports: ['kafka', 'kafkaController'],
  dependsOn: [],
  startTimeoutMs: 120_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 30_000,
  endpoint: () => kafkaBrokers().join(','),

  prepare(stack) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(configFile, serverProperties());
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      const idFile = join(home, 'cluster-id');
      if (!existsSync(idFile)) writeFileSync(idFile, newClusterId());
      const clusterId = readFileSync(idFile, 'utf8').trim();
      execFileSync(
        java(),
        [
          '-cp',
          `${stack.kafkaLibs}/*`,
          `-Dlog4j.configuration=file:${log4jFile('kafka-format')}`,
          'kafka.tools.StorageTool',
          'format',
          // The `=` form: an id that starts with '-' would otherwise be read as an option.
          `--cluster-id=${clusterId}`,
          '-c',
          configFile,
          '--ignore-formatted',
        ],
        { stdio: 'pipe' },
      );
    }
    return Promise.resolve();
  },

  launchSpec(stack) {
    return {
      name: 'kafka',
      command: java(),
      args: [
        '-Xms256m',
        '-Xmx1g',
        '-XX:+UseG1GC',
        `-Dlog4j.configuration=file:${log4jFile('kafka')}`,
        `-Dkafka.logs.dir=${home}`,
        '-cp',
        `${stack.kafkaLibs}/*`,
        'kafka.Kafka',
        configFile,
      ],
      marker: configFile,
    };
  },

  async unhealthyReason() {
    const admin = new Kafka({
      clientId: 'syncline-stack-health',
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 ? undefined : 'no broker registered yet';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};
