/**
 * Apache Kafka, one node in KRaft mode (broker and controller in one JVM), bound to loopback.
 *
 * Single-node settings that matter: replication factor 1 for the internal topics (else group
 * coordination and transactions never start), a low minimum session timeout because kafkajs has
 * no static membership (a restarted member waits out the old session), no initial rebalance
 * delay, and no topic auto-creation: every topic syncline uses is created on purpose.
 *
 * Two client listeners: PLAINTEXT for Kafka Connect, the registry, the stack's own tools and most
 * tests, and SASL_SSL (always on: it costs nothing until used) for proving that syncline's clients
 * work against a secured cluster: TLS with the stack's own CA and a required client certificate
 * (kafka-tls.ts), then SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN. The SCRAM users are written at
 * storage format time (`--add-scram`), as a KRaft cluster cannot reach its controller for them
 * earlier; a data folder formatted before the listener existed gets them once through the
 * plaintext listener (`ConfigCommand`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import type { Component } from '../component.ts';
import type { StackLayout } from '../fetch.ts';
import { portInUse } from '../ports.ts';
import { host, kafkaBrokers, kafkaSasl, port, portSettings, stateDir } from '../stack-config.ts';
import { StackError } from '../stack-error.ts';
import { java } from '../tools.ts';
import { log4jFile } from './java-logging.ts';
import { ensureKafkaCertificates, kafkaTlsFiles, keystorePassword } from './kafka-tls.ts';

const home = join(stateDir, 'kafka');
const dataDir = join(home, 'data');
const configFile = join(home, 'server.properties');
/** Written once the SCRAM users exist (at format time, or added later to an older data folder). */
export const scramMarker = join(home, 'scram-users');

function serverProperties(): string {
  const sasl = kafkaSasl();
  const tls = kafkaTlsFiles();
  const saslListener = `SASL_SSL://${host}:${port('kafkaSasl')}`;
  return `# Written by infra/local (components/kafka.ts) on every start; edit that file instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${host}:${port('kafkaController')}
listeners=PLAINTEXT://${host}:${port('kafka')},CONTROLLER://${host}:${port('kafkaController')},${saslListener}
advertised.listeners=PLAINTEXT://${host}:${port('kafka')},${saslListener}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
listener.name.sasl_ssl.sasl.enabled.mechanisms=${sasl.mechanisms.join(',')}
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${sasl.username}="${sasl.password}";
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=${tls.brokerKeystore}
listener.name.sasl_ssl.ssl.keystore.password=${keystorePassword}
listener.name.sasl_ssl.ssl.truststore.type=PEM
listener.name.sasl_ssl.ssl.truststore.location=${tls.caFile}
listener.name.sasl_ssl.ssl.client.auth=required
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

/** `SCRAM-SHA-512=[name=...,password=...]` for each SCRAM mechanism of the SASL_SSL listener. */
function scramUsers(withName = true): string[] {
  const { username, password, mechanisms } = kafkaSasl();
  return mechanisms
    .filter((m) => m.startsWith('SCRAM-'))
    .map((m) => `${m}=[${withName ? `name=${username},` : ''}password=${password}]`);
}

/**
 * A data folder formatted before the SASL_SSL listener existed has no SCRAM users: add them once
 * through the plaintext listener, as `kafka-configs --alter --entity-type users` does. One
 * mechanism per request: the KRaft controller refuses a request that changes one user twice.
 */
function addScramUsers(stack: StackLayout): void {
  for (const credential of scramUsers(false)) {
    try {
      execFileSync(
        java(),
        [
          '-cp',
          `${stack.kafkaLibs}/*`,
          `-Dlog4j.configuration=file:${log4jFile('kafka-format')}`,
          'kafka.admin.ConfigCommand',
          '--bootstrap-server',
          kafkaBrokers().join(','),
          '--alter',
          '--add-config',
          credential,
          '--entity-type',
          'users',
          '--entity-name',
          kafkaSasl().username,
        ],
        { stdio: 'pipe' },
      );
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
      const reason = stderr.split('\n').find((line) => line.includes('Exception:')) ?? stderr;
      throw new StackError(
        'START_FAILED',
        `Adding the SCRAM user ${kafkaSasl().username} (${credential.split('=')[0]}) to the Kafka broker failed: ${reason || (error as Error).message}`,
        { cause: error },
      );
    }
  }
  writeFileSync(scramMarker, `${kafkaSasl().username}\n`);
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
  ports: ['kafka', 'kafkaController', 'kafkaSasl'],
  dependsOn: [],
  startTimeoutMs: 120_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 30_000,
  endpoint: () => `${kafkaBrokers().join(',')} (SASL_SSL ${kafkaSasl().brokers.join(',')})`,

  prepare(stack) {
    mkdirSync(dataDir, { recursive: true });
    ensureKafkaCertificates();
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
          ...scramUsers().flatMap((user) => ['--add-scram', user]),
        ],
        { stdio: 'pipe' },
      );
      writeFileSync(scramMarker, `${kafkaSasl().username}\n`);
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

  async afterStart(stack) {
    // A broker started before the listener was added keeps running without it: say how to fix.
    if (!(await portInUse(port('kafkaSasl')))) {
      throw new StackError(
        'START_FAILED',
        `The running Kafka broker has no SASL_SSL listener on port ${port('kafkaSasl')} (${portSettings.kafkaSasl.env}): it was started before that listener existed or with another port. Restart it: npm run stack:down && npm run stack:up`,
      );
    }
    if (!existsSync(scramMarker)) addScramUsers(stack);
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
