/**
 * The CDC watchdog's loop with its Kafka, Connect and database access replaced by scripted ones
 * (the real ones are proven by the broker-restart fault test): what it reports, when it acts, and
 * that only the acting instance acts.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { CdcConfig } from '../../streams/cdc/cdc-config.ts';
import { cdcMetrics } from '../../streams/cdc/cdc-metrics.ts';
import { startCdcWatchdog } from '../../streams/cdc/cdc-watchdog.ts';
import type { SlotHolder } from '../../streams/cdc/recovery-plan.ts';
import { createLogger } from '../../streams/runtime/logger.ts';

const config: CdcConfig = {
  connectUrl: 'http://connect.invalid',
  checkIntervalMs: 3_600_000, // the test calls check() itself
  stallAfterMs: 45_000,
  restartGraceMs: 150_000,
  connectors: [
    {
      name: 'erp-postgres',
      topicPrefix: 'erp.postgres',
      replicationSlot: { name: 'syncline_erp', databaseUrl: 'postgresql://debezium@db.invalid/erp' },
    },
  ],
};

function harness(options: { acts?: boolean } = {}) {
  let clock = 1_000_000;
  let endOffset: bigint | undefined = 100n;
  let kafkaAway = false;
  let holder: SlotHolder | undefined;
  const chosenTopics: string[] = [];
  const restarts: string[] = [];
  const ended: number[] = [];
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const registry = new Registry();
  const watchdog = startCdcWatchdog({
    config,
    endOffsetOfTopics: (chosen) => {
      if (kafkaAway) return Promise.reject(new Error('Connection error: ECONNREFUSED'));
      chosenTopics.splice(
        0,
        chosenTopics.length,
        ...[
          '__debezium-heartbeat.erp.postgres',
          'erp.postgres.erp.product',
          'erp.mariadb.erp.product',
          'other',
        ].filter(chosen),
      );
      return Promise.resolve(endOffset);
    },
    connect: {
      status: () => Promise.resolve({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] }),
      restart: (name) => Promise.resolve(void restarts.push(name)),
    },
    slotDatabase: () => ({
      reachable: () => Promise.resolve(true),
      holder: () => Promise.resolve(holder),
      endHolder: (pid) => Promise.resolve(ended.push(pid) > 0),
    }),
    metrics: cdcMetrics(registry),
    logger: createLogger({ level: 'info' }, sink),
    acts: () => options.acts ?? true,
    now: () => clock,
  });
  return {
    watchdog,
    restarts,
    ended,
    chosenTopics,
    messages: () => lines.map((line) => String(line.msg)),
    advance: (ms: number) => (clock += ms),
    write: () => (endOffset = (endOffset ?? 0n) + 1n),
    setKafkaAway: (away: boolean) => (kafkaAway = away),
    setHolder: (h: SlotHolder | undefined) => (holder = h),
    now: () => clock,
    metric: async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value,
  };
}

describe('CDC watchdog', () => {
  it("watches the connector's heartbeat topic and its change topics, no others", async () => {
    const h = harness();
    await h.watchdog.check();
    assert.deepEqual(h.chosenTopics, ['__debezium-heartbeat.erp.postgres', 'erp.postgres.erp.product']);
    await h.watchdog.stop();
  });

  it('reports a stall after stallAfterMs of quiet, restarts the connector once, and reports the resume', async () => {
    const h = harness();
    await h.watchdog.check();
    h.advance(44_000);
    await h.watchdog.check();
    assert.deepEqual(h.restarts, []);
    assert.equal(await h.metric('syncline_cdc_stalled'), 0);
    h.advance(1_000);
    await h.watchdog.check();
    assert.deepEqual(h.restarts, ['erp-postgres']);
    assert.equal(await h.metric('syncline_cdc_stalled'), 1);
    assert.equal(await h.metric('syncline_cdc_heartbeat_age_seconds'), 45);
    assert.ok(h.messages().includes('CDC stalled: no Debezium heartbeat and no change'));
    h.advance(5_000);
    await h.watchdog.check();
    assert.deepEqual(h.restarts, ['erp-postgres'], 'no second restart within the grace period');
    h.write();
    h.advance(5_000);
    await h.watchdog.check();
    assert.equal(await h.metric('syncline_cdc_stalled'), 0);
    assert.ok(h.messages().includes('CDC resumed'));
    await h.watchdog.stop();
  });

  it('ends the stale holder of the replication slot before restarting', async () => {
    const h = harness();
    h.setHolder({ pid: 777, backendStart: h.now() - 600_000 });
    await h.watchdog.check();
    h.advance(50_000);
    await h.watchdog.check();
    assert.deepEqual(h.ended, [777]);
    assert.deepEqual(h.restarts, ['erp-postgres']);
    assert.ok(h.messages().includes('ended the stale replication connection'));
    await h.watchdog.stop();
  });

  it('observes and reports on every instance but acts only on the one that acts', async () => {
    const h = harness({ acts: false });
    await h.watchdog.check();
    h.advance(60_000);
    await h.watchdog.check();
    assert.equal(await h.metric('syncline_cdc_stalled'), 1);
    assert.deepEqual(h.restarts, []);
    await h.watchdog.stop();
  });

  it('judges nothing while Kafka is away, and acts at once if the source is still quiet when it is back', async () => {
    const h = harness();
    await h.watchdog.check();
    h.setKafkaAway(true);
    h.advance(60_000);
    await h.watchdog.check();
    assert.deepEqual(h.restarts, []);
    h.setKafkaAway(false);
    await h.watchdog.check();
    assert.deepEqual(h.restarts, ['erp-postgres']);
    await h.watchdog.stop();
  });
});
