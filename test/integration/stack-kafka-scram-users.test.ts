/**
 * A local stack whose Kafka data folder was formatted before the SASL_SSL listener existed has no
 * SCRAM users: the stack's start-up must add them through the plaintext listener, after which a
 * client logs in over SASL_SSL with every SCRAM mechanism the listener offers. Simulated on the
 * running stack by deleting the users and the marker that says they were added.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { kafka, scramMarker } from '../../infra/local/components/kafka.ts';
import { log4jFile } from '../../infra/local/components/java-logging.ts';
import { layout } from '../../infra/local/fetch.ts';
import { kafkaBrokers, kafkaSasl } from '../../infra/local/stack-config.ts';
import { java } from '../../infra/local/tools.ts';

const sasl = kafkaSasl();
const scram = sasl.mechanisms.filter((m) => m.startsWith('SCRAM-'));

function configCommand(args: string[]): void {
  execFileSync(
    java(),
    [
      '-cp',
      `${layout().kafkaLibs}/*`,
      `-Dlog4j.configuration=file:${log4jFile('kafka-format')}`,
      'kafka.admin.ConfigCommand',
      '--bootstrap-server',
      kafkaBrokers().join(','),
      '--alter',
      ...args,
      '--entity-type',
      'users',
      '--entity-name',
      sasl.username,
    ],
    { stdio: 'pipe' },
  );
}

/** Logs in over SASL_SSL with `mechanism` and lists the topics; rejects when refused. */
async function logIn(mechanism: string): Promise<void> {
  const client = new Kafka({
    clientId: 'syncline-test-scram-users',
    brokers: sasl.brokers,
    ssl: {
      ca: readFileSync(sasl.caFile, 'utf8'),
      cert: readFileSync(sasl.certFile, 'utf8'),
      key: readFileSync(sasl.keyFile, 'utf8'),
    },
    sasl: {
      mechanism: mechanism.toLowerCase(),
      username: sasl.username,
      password: sasl.password,
    } as SASLOptions,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = client.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

after(() => {
  // Leave the stack usable even when the start-up under test failed to add the users.
  for (const mechanism of scram) {
    configCommand(['--add-config', `${mechanism}=[password=${sasl.password}]`]);
  }
});

describe('local stack: SCRAM users of an older Kafka data folder', { timeout: 180_000 }, () => {
  it('are added at start-up, and then every SCRAM mechanism logs in over SASL_SSL', async () => {
    // One mechanism per request: the controller refuses two changes of one user in a request.
    for (const mechanism of scram) configCommand(['--delete-config', mechanism]);
    rmSync(scramMarker, { force: true });
    await assert.rejects(logIn(scram[0]!), /authentication failed/i, 'the users were not deleted');

    await kafka.afterStart!(layout());

    for (const mechanism of scram) await logIn(mechanism);
  });
});
