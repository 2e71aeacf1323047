/**
 * `npm run demo`: syncline on the local stack with the sample ERP, showing it work.
 *
 * Starts the stack (fetching it on the first run), loads the tiny sample into both ERP databases,
 * applies the Debezium connectors, then edits the ERP every few seconds and prints each change
 * event as Kafka receives it, with how long after the ERP commit it arrived. Runs until Ctrl-C, or
 * for `--seconds N`; `--no-edits` only watches (edit the databases yourself).
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
import { erpMariadb, erpPostgres, kafkaBrokers } from './stack-config.ts';
import { StackError } from './stack-error.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'no-edits': { type: 'boolean', default: false },
    every: { type: 'string', default: '3' },
  },
});
const seconds = args.seconds === undefined ? undefined : Number(args.seconds);
const everyMs = Number(args.every) * 1000;

function heading(text: string): void {
  console.log(`\n== ${text}`);
}

async function main(): Promise<void> {
  heading('1/4 the local stack');
  await up();

  heading('2/4 the sample ERP (tiny) in both databases');
  for (const outcome of await seedErp({ target: 'all', size: 'tiny' })) console.log(`  ${outcome.message}`);

  heading('3/4 the Debezium connectors');
  await applyConnectors({ log: (line: string) => console.log(`  ${line}`) });

  heading('4/4 live change events (Ctrl-C to stop)');
  const kafka = new Kafka({ clientId: 'syncline-demo', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => /^erp\.(postgres|mariadb)\.erp\./.test(t)).sort();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const events = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    console.log(`  ${topic.padEnd(36)} ${String(events).padStart(5)} events so far (snapshot and changes)`);
  }
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: `syncline-demo-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: topics, fromBeginning: false });
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      console.log(
        `  kafka  ${describeCdcEvent(topic, message.key?.toString() ?? null, message.value?.toString() ?? null, Date.now())}`,
      );
      return Promise.resolve();
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
    await Promise.all(activities.map((a) => a.close()));
    await consumer.disconnect();
    console.log('\nThe stack keeps running: npm run stack:status, npm run stack:down.');
    process.exit(0);
  };
  process.once('SIGINT', () => void finish());
  process.once('SIGTERM', () => void finish());
  if (seconds !== undefined) setTimeout(() => void finish(), seconds * 1000);
}

main().catch((error: unknown) => {
  // The failures a person can act on are one sentence; anything else is a bug, shown in full.
  if (error instanceof StackError || error instanceof ErpError || error instanceof ConnectorError) {
    console.error(`\ndemo: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
