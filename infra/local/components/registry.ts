/**
 * The schema registry: Apicurio Registry 3.0 serving the Confluent-compatible API at
 * /apis/ccompat/v7, which @kafkajs/confluent-schema-registry talks to.
 *
 * Storage is KafkaSQL: schemas live in a Kafka topic, as with Confluent's registry, so they share
 * the broker's fate: wiping Kafka wipes them too, and schema ids in records always resolve.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../component.ts';
import { host, kafkaBrokers, port, registryUrl, stateDir } from '../stack-config.ts';
import { java } from '../tools.ts';
import { probe } from './http-probe.ts';

const home = join(stateDir, 'registry');

export const registry: Component = {
  name: 'registry',
  title: 'Schema registry (Apicurio, ccompat)',
  ports: ['registry'],
  dependsOn: ['kafka'],
  startTimeoutMs: 180_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 20_000,
  endpoint: registryUrl,

  prepare() {
    mkdirSync(home, { recursive: true });
    return Promise.resolve();
  },

  launchSpec(stack) {
    return {
      name: 'registry',
      command: java(),
      args: ['-Xms128m', '-Xmx512m', `-Dsyncline.home=${home}`, '-jar', stack.apicurioJar],
      cwd: home,
      env: {
        ...process.env,
        QUARKUS_HTTP_HOST: host,
        QUARKUS_HTTP_PORT: String(port('registry')),
        QUARKUS_MANAGEMENT_HOST: host,
        QUARKUS_PROFILE: 'prod',
        APICURIO_STORAGE_KIND: 'kafkasql',
        APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: kafkaBrokers().join(','),
        APICURIO_KAFKASQL_TOPIC: 'syncline-registry-journal',
        APICURIO_KAFKASQL_SNAPSHOTS_TOPIC: 'syncline-registry-snapshots',
      },
      marker: `-Dsyncline.home=${home}`,
    };
  },

  async unhealthyReason() {
    // The API answers before the kafkasql storage has replayed its journal, and meanwhile says 404
    // for schema ids it does hold: a reader would park good records as unknown. Healthy once the
    // readiness check (persistence included) says UP.
    const ready = await probe(`http://${host}:${port('registry')}/health/ready`);
    if (!ready.ok) return ready.reason;
    if (!/"status"\s*:\s*"UP"/.test(ready.body)) return 'the registry is not ready yet';
    const subjects = await probe(`${registryUrl()}/subjects`);
    return subjects.ok ? undefined : subjects.reason;
  },
};
