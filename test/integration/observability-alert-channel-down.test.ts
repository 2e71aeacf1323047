/**
 * An alert fires for real, on the local stack's Prometheus and Alertmanager: a channel goes down
 * (the Magento simulator answers 503 to everything) while offers keep coming; the sink's circuit
 * breaker opens, its consumer lag grows, and SynclineSinkCircuitOpen, as the chart ships it,
 * reaches Alertmanager's webhook receiver (run here) once its `for` has passed; when the channel
 * answers again it resolves, and the lag comes back to 0 on every partition.
 *
 * The rules are loaded with every `for` shortened to 15 s (alert-rules-override.ts: the chart's
 * expressions, labels and annotations unchanged), so the test waits 15 s, not 5 minutes.
 * Prometheus scrapes and evaluates every 5 s and Alertmanager waits 1 s before it sends, so the
 * alert must arrive no sooner than its `for` after the breaker opened, and at most 20 s later.
 *
 * The offers are written in Kafka transactions, as the offers processor writes them, so a commit
 * marker follows each write: lag 0 at the end proves the markers are not counted as records behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import { probe } from '../../infra/local/components/http-probe.ts';
import {
  loadAlertRulesWithFor,
  loadChartAlertRules,
} from '../../infra/local/monitoring/alert-rules-override.ts';
import { scrapeIntervalSeconds } from '../../infra/local/monitoring/monitoring-files.ts';
import { alertmanagerUrl, prometheusUrl } from '../../infra/local/stack-config.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { sinkGroupOf } from '../../streams/sinks/sink-worker.ts';
import { startAlertReceiver, type AlertReceiver, type ReceivedAlert } from '../helpers/alert-receiver.ts';
import { startRole } from '../helpers/pipeline.ts';
import { queryPrometheus } from '../helpers/prometheus-query.ts';
import { testKafka } from '../helpers/read-topic.ts';
import { OfferWriter, testChannel, testOffer, type TestChannel } from '../helpers/sink-channel.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const FOR = '15s';
const FOR_MS = 15_000;
/** A scrape and an evaluation after the breaker opens, Alertmanager's group_wait, some slack. */
const DELIVERY_BUDGET_MS = 20_000;
const PARTITIONS = 4;
const ALERT = 'SynclineSinkCircuitOpen';

const kafka: Kafka = testKafka('observability-alert-test');
let admin: Admin;
let magento: MagentoSimulator;
let channel: TestChannel;
let receiver: AlertReceiver;
let writer: OfferWriter;
let sink: RoleProcess | undefined;

const keys = Array.from({ length: 40 }, (_, i) => `ALERT-${String(i).padStart(3, '0')}`);

async function writeOffers(amount: string): Promise<void> {
  await writer.write(
    keys.map((sku) => ({
      key: sku,
      offer: testOffer(channel.id, sku, { price: { amount, currency: 'EUR' } }),
    })),
  );
}

/** The channel group's lag on Prometheus, by partition. */
async function lagOnPrometheus(metric: 'records' | 'seconds'): Promise<Map<string, number>> {
  const samples = await queryPrometheus(
    `syncline_consumer_lag_${metric}{role="sink",group="${sinkGroupOf(channel.id)}"}`,
  );
  return new Map(samples.map((s) => [s.labels.partition!, s.value]));
}

const allZero = (lag: Map<string, number>) =>
  lag.size === PARTITIONS && [...lag.values()].every((v) => v === 0);

/** The breaker gauge of the channel on the sink's own /metrics. */
async function breakerOnSink(): Promise<number | undefined> {
  const text = await (await fetch(sink!.metricsUrl!)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`syncline_sink_breaker_open{channel="${channel.id}"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

const ours = (status: ReceivedAlert['status']) => (a: ReceivedAlert) =>
  a.status === status && a.labels.alertname === ALERT && a.labels.channel === channel.id;

describe(
  'observability: a channel down fires an alert that reaches Alertmanager, and resolves',
  { timeout: 240_000 },
  () => {
    before(async () => {
      for (const [what, url] of [
        ['Prometheus', `${prometheusUrl()}/-/ready`],
        ['Alertmanager', `${alertmanagerUrl()}/-/ready`],
      ] as const) {
        const answer = await probe(url);
        assert.ok(
          answer.ok,
          `${what} of the local stack must run (npm run stack:up): ${answer.ok ? '' : answer.reason}`,
        );
      }
      admin = kafka.admin();
      await admin.connect();
      magento = await startMagentoSimulator();
      channel = testChannel({
        adapter: 'magento',
        settings: { baseUrl: magento.url, auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' } },
        batchSize: 20,
        concurrency: 2,
        requestTimeoutMs: 3_000,
        retry: { initialDelayMs: 100, maxDelayMs: 1_000 },
        // Probes 10 s apart once open: the gauge reads 0.5 only during a probe, never at a scrape.
        circuitBreaker: { failureThreshold: 3, openMs: 1_000, maxOpenMs: 10_000 },
      });
      receiver = await startAlertReceiver();
      await loadAlertRulesWithFor(FOR);
      writer = await OfferWriter.open(kafka, channel.topic, `observability-alert-${channel.id}`);
      sink = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    });

    after(async () => {
      await sink?.stop();
      await loadChartAlertRules().catch(() => undefined);
      await receiver?.close();
      await writer?.close();
      await magento?.close();
      await admin
        ?.deleteTopics({ topics: [channel.topic, `channel.${channel.id}.dlq.v1`] })
        .catch(() => undefined);
      await admin?.disconnect();
    });

    it('lag grows and the alert fires within its `for`; both clear when the channel is back', async () => {
      // Traffic delivered while the channel is up: Prometheus sees the group at lag 0 everywhere.
      await writeOffers('19.90');
      await waitUntil(
        'the sink group at lag 0 on every partition, on Prometheus',
        async () => (allZero(await lagOnPrometheus('records')) ? true : undefined),
        90_000,
        1000,
      );

      // The channel goes down; offers keep coming.
      magento.inject({ kind: 'status', status: 503 });
      let round = 0;
      const traffic = setInterval(() => {
        round += 1;
        void writeOffers(`2${round}.00`).catch(() => undefined);
      }, 2_000);
      try {
        const openedAt = await waitUntil(
          "the breaker open on the sink's /metrics",
          async () => ((await breakerOnSink()) === 1 ? Date.now() : undefined),
          60_000,
          100,
        );
        const behind = await waitUntil(
          'records behind on Prometheus while the channel is down',
          async () => {
            const lag = await lagOnPrometheus('records');
            const total = [...lag.values()].reduce((a, b) => a + b, 0);
            return total > 0 ? total : undefined;
          },
          30_000,
          1000,
        );
        assert.ok(behind > 0);

        const firing = await waitUntil(
          `${ALERT} firing at Alertmanager's receiver`,
          () => receiver.alerts.find(ours('firing')),
          FOR_MS + DELIVERY_BUDGET_MS + 30_000,
          100,
        );
        const tookMs = firing.receivedAt - openedAt;
        assert.ok(
          tookMs >= FOR_MS - scrapeIntervalSeconds * 1000,
          `fired ${tookMs} ms after the breaker opened: before its for (${FOR})`,
        );
        assert.ok(
          tookMs <= FOR_MS + DELIVERY_BUDGET_MS,
          `fired ${tookMs} ms after the breaker opened, more than its for (${FOR}) + ${DELIVERY_BUDGET_MS} ms`,
        );
        assert.equal(firing.labels.severity, 'critical');
        assert.match(firing.annotations.summary ?? '', new RegExp(`Channel ${channel.id}'s circuit breaker`));
        // The oldest record waiting is dated too.
        const seconds = await lagOnPrometheus('seconds');
        assert.ok(
          [...seconds.values()].some((s) => s > 0),
          `seconds behind: ${JSON.stringify([...seconds])}`,
        );
      } finally {
        clearInterval(traffic);
      }

      // The channel answers again: the breaker closes at its next probe, the alert resolves.
      const downFor = receiver.alerts.length;
      magento.clearFaults();
      await writeOffers('30.00');
      const resolved = await waitUntil(
        `${ALERT} resolved at Alertmanager's receiver`,
        () => receiver.alerts.slice(downFor).find(ours('resolved')),
        90_000,
        200,
      );
      assert.ok(Date.parse(resolved.endsAt) > Date.parse(resolved.startsAt));
      await waitUntil(
        'the sink group back at lag 0 (records and seconds) on every partition, on Prometheus',
        async () =>
          allZero(await lagOnPrometheus('records')) && allZero(await lagOnPrometheus('seconds'))
            ? true
            : undefined,
        90_000,
        1000,
      );
    });
  },
);
