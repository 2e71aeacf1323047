/**
 * `npm run demo`: syncline on the local stack with the sample ERP, showing it work.
 *
 * Starts the stack (fetching it on the first run), loads the tiny sample into both ERP databases,
 * applies the Debezium connectors, starts the ingest and offers processors on the sample config
 * (infra/local/syncline.yaml: a web shop, a B2B portal and a marketplace), starts the channels
 * (a Magento simulator, a webhook receiver, the portal's table) and the sinks that deliver to
 * them, then edits the ERP every few seconds and prints what each channel's topic receives, with
 * how long after the ERP commit it was in Kafka, and every few seconds a summary per channel from
 * the sync register: delivered, unchanged, retrying, parked. Runs until Ctrl-C, or for
 * `--seconds N`; `--no-edits` only watches (edit the databases yourself); `--cdc` also prints the
 * raw Debezium events; `--outage` takes the Magento simulator down (503) for 10 s, 20 s in, to
 * show the sink retrying and catching up.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { applyConnectors } from '../../connectors/apply.ts';
import { ConnectorError } from '../../connectors/connector-error.ts';
import { describeCdcEvent } from './demo/describe-cdc-event.ts';
import { openErpActivity, type ErpActivity } from './erp/activity.ts';
import { ErpError } from './erp/erp-error.ts';
import { seedErp } from './erp/seed.ts';
import { up } from './stack.ts';
import {
  alertmanagerUrl,
  erpMariadb,
  erpPostgres,
  kafkaBrokers,
  prometheusUrl,
  registryUrl,
} from './stack-config.ts';
import { describeOffer } from './demo/describe-offer.ts';
import { runChannels } from './demo/run-channels.ts';
import { resetDeliveries } from './demo/reset-deliveries.ts';
import { runRoles } from './demo/run-roles.ts';
import { describeSummary, openSyncSummary } from './demo/sync-summary.ts';
import { sampleConfigFile, stackEnv } from './syncline-roles.ts';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import { offerTopicOf } from '../../streams/contracts/topics.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { channelDlqTopicOf } from '../../streams/contracts/topics.ts';
import { schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { textHeaders } from '../../streams/runtime/kafka/text-headers.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './stack-error.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'no-edits': { type: 'boolean', default: false },
    every: { type: 'string', default: '3' },
    cdc: { type: 'boolean', default: false },
    outage: { type: 'boolean', default: false },
  },
});
const seconds = args.seconds === undefined ? undefined : Number(args.seconds);
const everyMs = Number(args.every) * 1000;

function heading(text: string): void {
  console.log(`\n== ${text}`);
}

async function main(): Promise<void> {
  heading('1/6 the local stack');
  await up();

  heading('2/6 the sample ERP (tiny) in both databases');
  for (const outcome of await seedErp({ target: 'all', size: 'tiny' })) console.log(`  ${outcome.message}`);

  heading('3/6 the Debezium connectors');
  await applyConnectors({ log: (line: string) => console.log(`  ${line}`) });

  heading('4/6 the processors: ingest (CDC -> canonical topics) and offers (-> one topic per channel)');
  const roles = await runRoles(['ingest', 'offers']);

  heading('5/6 the channels and their sinks (every outcome -> sync.register.v1 -> the ops database)');
  const startedAt = new Date();
  const channels = await runChannels();
  const resetAdmin = new Kafka({
    clientId: 'syncline-demo',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
  await resetAdmin.connect();
  await resetDeliveries(resetAdmin, ['webshop', 'b2b-portal', 'marketplace']).finally(() =>
    resetAdmin.disconnect(),
  );
  console.log(`  webshop      Magento 2 simulator   ${channels.magento.url}/rest/V1/products/<sku>`);
  console.log(`  b2b-portal   portal database table portal.offer (database b2b_portal)`);
  console.log(`  marketplace  webhook receiver      ${channels.webhook.url}  (what it holds: GET /offers)`);
  const sinks = await runRoles(['sink', 'register-index']);
  console.log(
    `  monitoring   Prometheus ${prometheusUrl()}/alerts scrapes every role above; Alertmanager ${alertmanagerUrl()}`,
  );
  const summary = openSyncSummary(startedAt);
  const printSummary = async () => {
    const counts = await summary.read();
    const holds: Record<string, string> = {
      webshop: `Magento holds ${channels.magento.stats().products} products`,
      'b2b-portal': `portal lists ${await channels.portalListed()} offers`,
      marketplace: `receiver holds ${channels.webhook.offers().size} offers`,
    };
    console.log('\n  sync register since the demo started (per key, its latest outcome):');
    for (const channel of ['webshop', 'b2b-portal', 'marketplace']) {
      console.log(`  ${describeSummary(channel, counts.get(channel), holds[channel] ?? '')}`);
    }
  };
  const summaryTimer = setInterval(() => void printSummary().catch(() => undefined), 10_000);
  if (args.outage) {
    setTimeout(() => {
      console.log('\n  magento      the simulator answers 503 for the next 10 s (--outage)');
      channels.magento.inject({ kind: 'status', status: 503, forMs: 10_000 });
    }, 20_000);
  }

  heading('6/6 the channel topics, following live ERP edits (Ctrl-C to stop)');
  const kafka = new Kafka({ clientId: 'syncline-demo', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const config = loadSynclineConfig(sampleConfigFile, { ...process.env, ...stackEnv() });
  const channelTopics = new Map(config.channels.map((c) => [offerTopicOf(c.id), c.id]));
  const dlqTopics = new Map(config.channels.map((c) => [channelDlqTopicOf(c.id), c.id]));
  // Give the processors a moment to write the snapshot before counting what the channels hold.
  await sleep(3000);
  for (const [topic, channel] of channelTopics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const records = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    console.log(`  ${channel.padEnd(12)} ${topic.padEnd(32)} ${String(records).padStart(6)} records so far`);
  }
  const cdcTopics = args.cdc
    ? (await admin.listTopics()).filter((t) => /^erp\.(postgres|mariadb)\.erp\./.test(t)).sort()
    : [];
  await admin.disconnect();

  const registry = schemaRegistry(registryUrl());
  const consumer = kafka.consumer({ groupId: `syncline-demo-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [...channelTopics.keys(), ...dlqTopics.keys(), ...cdcTopics],
    fromBeginning: false,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const key = message.key?.toString() ?? '';
      const now = Date.now();
      const channel = channelTopics.get(topic);
      if (channel !== undefined) {
        const offer = message.value === null ? null : ((await registry.decode(message.value)) as Offer);
        console.log(`  offer  ${describeOffer(channel, key, offer, textHeaders(message.headers), now)}`);
      } else if (dlqTopics.has(topic)) {
        const parked = JSON.parse(message.value?.toString() ?? '{}') as ParkedRecord;
        console.log(`  parked ${parked.message}`);
      } else {
        console.log(
          `  cdc    ${describeCdcEvent(topic, key || null, message.value?.toString() ?? null, now)}`,
        );
      }
    },
  });

  const activities: ErpActivity[] = [];
  let timer: NodeJS.Timeout | undefined;
  if (!args['no-edits']) {
    // The PostgreSQL ERP changes stock, prices and products; the MariaDB 3PL only moves its stock.
    activities.push(await openErpActivity({ target: 'postgres', warehouses: ['WH-MAIN', 'WH-SOUTH'] }));
    activities.push(await openErpActivity({ target: 'mariadb', kinds: ['stock'], warehouses: ['WH-3PL'] }));
    let turn = 0;
    timer = setInterval(() => {
      const activity = activities[turn++ % activities.length]!;
      activity.next().then(
        (edit) => console.log(`\n  erp    ${turn % 2 === 1 ? 'postgres' : 'mariadb '} ${edit.description}`),
        (error: unknown) => console.error(`  erp edit failed: ${(error as Error).message}`),
      );
    }, everyMs);
  } else {
    const pg = erpPostgres();
    const maria = erpMariadb();
    console.log(
      `  edit the ERP yourself: psql postgresql://${pg.user}:${pg.password}@${pg.host}:${pg.port}/${pg.database}`,
    );
    console.log(
      `                         mariadb -h ${maria.host} -P ${maria.port} -u ${maria.user} -p${maria.password} ${maria.database}`,
    );
  }

  const finish = async () => {
    if (timer) clearInterval(timer);
    clearInterval(summaryTimer);
    await printSummary().catch(() => undefined);
    await Promise.all(activities.map((a) => a.close()));
    await consumer.disconnect();
    await sinks.stop();
    await roles.stop();
    await summary.close();
    await channels.stop();
    console.log(
      '\nThe processors, sinks and channel simulators stopped; the stack keeps running: npm run stack:status, npm run stack:down.',
    );
    process.exit(0);
  };
  process.once('SIGINT', () => void finish());
  process.once('SIGTERM', () => void finish());
  if (seconds !== undefined) setTimeout(() => void finish(), seconds * 1000);
}

main().catch((error: unknown) => {
  // The failures a person can act on are one sentence; anything else is a bug, shown in full.
  if (
    error instanceof StackError ||
    error instanceof ErpError ||
    error instanceof ConnectorError ||
    error instanceof SynclineError
  ) {
    console.error(`\ndemo: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
