/**
 * The task's seam (task-kafka.ts) implemented with kafkajs: a producer per task, with the task's
 * fixed transactional id under exactly-once (`<group>-task-<n>`, so whichever instance starts the
 * task next fences a zombie; kafkajs sends offsets without the consumer generation of KIP-447, so
 * fencing rests on that id alone), and the admin client and consumer the processing loop shares
 * between its tasks.
 */
import type { Admin, Consumer, ICustomPartitioner, Kafka } from 'kafkajs';
import type { KafkaTransaction, TaskKafka } from './task-kafka.ts';

export interface KafkajsTaskKafkaOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly consumer: Pick<Consumer, 'seek' | 'commitOffsets'>;
  readonly groupId: string;
  readonly createPartitioner: ICustomPartitioner;
  readonly transactionTimeoutMs: number;
  /** False = at least once: an idempotent producer without a transactional id. */
  readonly exactlyOnce: boolean;
}

/** The seam for each task of one consumer group, by task id. */
export function kafkajsTaskKafka(options: KafkajsTaskKafkaOptions): (taskId: number) => TaskKafka {
  const { kafka, admin, consumer, groupId } = options;
  return (taskId) => {
    const producer = kafka.producer({
      ...(options.exactlyOnce
        ? { transactionalId: `${groupId}-task-${taskId}`, transactionTimeout: options.transactionTimeoutMs }
        : {}),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: options.createPartitioner,
    });
    return {
      async connectProducer() {
        await producer.connect();
        // kafkajs's connect() runs InitProducerId without the transactional id (for its idempotent
        // producer); only its first transaction() runs it with the id, which is what fences the
        // task's previous owner. A task that starts by replaying a backlog begins no transaction
        // for a while, and a dropped owner could still commit meanwhile, after this task read the
        // committed offsets. An empty transaction begun and aborted now fences at once; kafkajs
        // sends no EndTxn for a transaction with nothing in it.
        if (options.exactlyOnce) await (await producer.transaction()).abort();
      },
      disconnectProducer: () => producer.disconnect(),
      async beginTransaction(): Promise<KafkaTransaction> {
        const transaction = await producer.transaction();
        return {
          send: async (topicMessages) => {
            await transaction.sendBatch({ topicMessages, acks: -1 });
          },
          sendOffsets: (topics) => transaction.sendOffsets({ consumerGroupId: groupId, topics }),
          commit: () => transaction.commit(),
          abort: () => transaction.abort(),
        };
      },
      send: async (topicMessages) => {
        await producer.sendBatch({ topicMessages, acks: -1 });
      },
      commitOffsets: (topics) =>
        consumer.commitOffsets(
          topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))),
        ),
      committedOffsets: (topics) => admin.fetchOffsets({ groupId, topics }),
      lowWatermarks: async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map(({ partition, low }) => ({ partition, low })),
      seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
      configs: admin,
    };
  };
}
