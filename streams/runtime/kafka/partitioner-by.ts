/**
 * Partitions records by one part of their key only (the SKU, for syncline's co-partitioned
 * topics; the part may depend on the topic), with Kafka's
 * own murmur2 hash (kafkajs's default partitioner, the Java client's too), so every row of a SKU
 * lands on the same partition number in every topic and other Kafka clients agree on where a SKU
 * lives.
 */
import { Partitioners, type ICustomPartitioner } from 'kafkajs';

export function partitionerBy(partitionKeyOf: (key: string, topic: string) => string): ICustomPartitioner {
  return () => {
    const murmur2 = Partitioners.DefaultPartitioner();
    return ({ topic, partitionMetadata, message }) => {
      const key =
        message.key === null || message.key === undefined
          ? null
          : partitionKeyOf(message.key.toString(), topic);
      return murmur2({ topic, partitionMetadata, message: { ...message, key } });
    };
  };
}
