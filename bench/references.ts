/**
 * BENCHMARKS.md references 1 and 2, measured on the bench's own broker in the same run as the
 * figures they are compared with:
 *   1. the broker's ceiling: Kafka's own ProducerPerformance (from the Kafka jars the stack runs),
 *      plain and transactional, at the workload's record size;
 *   2. the client's ceiling: a bare kafkajs consume-then-produce loop with no logic, at least once
 *      and with one transaction per fetched batch, reading the CDC topics the bench wrote.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Admin, Kafka } from 'kafkajs';
import { layout } from '../infra/local/fetch.ts';
import { java } from '../infra/local/tools.ts';
import { topicRecords } from './topic-records.ts';

const run = promisify(execFile);

export interface ReferenceFigures {
  readonly recordBytes: number;
  readonly producerPlain: number;
  readonly producerTransactional: number;
  readonly clientPassThrough: number;
  readonly clientPassThroughTransactional: number;
}

/** Records/s of Kafka's ProducerPerformance: `N records sent, X records/sec (...)`. */
async function producerPerformance(
  brokers: string,
  topic: string,
  records: number,
  recordBytes: number,
  transactional: boolean,
): Promise<number> {
  const { stdout } = await run(
    java(),
    [
      '-cp',
      `${layout().kafkaLibs}/*`,
      '-Dlog4j.configuration=file:/dev/null',
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'linger.ms=5',
      ...(transactional
        ? ['--transactional-id', `bench-ceiling-${Date.now()}`, '--transaction-duration-ms', '100']
        : []),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const match = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    stdout.split('\n').filter(Boolean).at(-1) ?? '',
  );
  if (!match?.[2]) throw new Error(`ProducerPerformance printed no summary:\n${stdout.slice(-2000)}`);
  return Number(match[2]);
}

/**
 * Records/s of a kafkajs consumer that writes every record it reads to another topic, committing
 * the input offsets per fetched batch (in the batch's transaction when `transactional`).
 */
async function passThrough(
  kafka: Kafka,
  admin: Admin,
  inputs: readonly string[],
  records: number,
  transactional: boolean,
) {
  const suffix = Date.now();
  const output = `bench.pass-through.${suffix}`;
  const groupId = `bench-pass-through-${suffix}`;
  // Never more than the inputs hold, or the loop would wait for records that do not come.
  const wanted = Math.min(records, await topicRecords(admin, inputs));
  await admin.createTopics({ topics: [{ topic: output, numPartitions: 4 }], waitForLeaders: true });
  const producer = kafka.producer(
    transactional
      ? { transactionalId: `bench-pass-through-${suffix}`, idempotent: true, maxInFlightRequests: 1 }
      : { idempotent: true },
  );
  await producer.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...inputs], fromBeginning: true });
  let seen = 0;
  let started = 0;
  const done = new Promise<number>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (started === 0) started = Date.now();
          const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
          const offsets = [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) }],
            },
          ];
          if (transactional) {
            const transaction = await producer.transaction();
            await transaction.send({ topic: output, messages });
            await transaction.sendOffsets({ consumerGroupId: groupId, topics: offsets });
            await transaction.commit();
          } else {
            await producer.send({ topic: output, messages, acks: -1 });
            await consumer.commitOffsets(
              offsets.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))),
            );
          }
          payload.resolveOffset(batch.lastOffset());
          seen += batch.messages.length;
          if (seen >= wanted) resolve((seen * 1000) / (Date.now() - started));
        },
      })
      .catch(reject);
  });
  try {
    return await done;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [output] }).catch(() => undefined);
  }
}

export async function measureReferences(options: {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: string;
  readonly inputs: readonly string[];
  readonly recordBytes: number;
  readonly records: number;
}): Promise<ReferenceFigures> {
  const { kafka, admin, brokers, inputs, recordBytes, records } = options;
  const topic = `bench.producer-ceiling.${Date.now()}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  try {
    return {
      recordBytes,
      producerPlain: await producerPerformance(brokers, topic, records, recordBytes, false),
      producerTransactional: await producerPerformance(brokers, topic, records, recordBytes, true),
      clientPassThrough: await passThrough(kafka, admin, inputs, records, false),
      clientPassThroughTransactional: await passThrough(kafka, admin, inputs, records, true),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}
