/**
 * The largest record batch each output topic accepts, as the broker will judge it: the topic's
 * `max.message.bytes` (which the broker reports with its own `message.max.bytes` filled in when
 * the topic sets none), read once per topic through the admin client and kept. A topic the broker
 * does not know yet (auto-created on first write) gets the broker's `message.max.bytes`. An
 * override replaces both, for a cluster whose limits the client may not describe.
 */
import type { Admin, ConfigResourceTypes } from 'kafkajs';
import type { Logger } from 'pino';

// kafkajs's ConfigResourceTypes cannot be imported by name from ESM: Node's CommonJS export
// detection stops before it in kafkajs's index.js. Kafka's own resource type numbers, then.
const topicResource = 2 as ConfigResourceTypes;
const brokerResource = 4 as ConfigResourceTypes;

/** Kafka's default `message.max.bytes`, used when not even the broker's setting can be read. */
export const kafkaDefaultMaxMessageBytes = 1_048_588;

export interface MessageSizeLimits {
  /** The largest record batch `topic` accepts, in bytes. */
  limitOf(topic: string): Promise<number>;
}

export function messageSizeLimits(
  admin: Pick<Admin, 'describeConfigs' | 'describeCluster'>,
  logger: Logger,
  override?: number,
): MessageSizeLimits {
  const known = new Map<string, Promise<number>>();
  let brokerLimit: Promise<number> | undefined;

  const readBroker = async (): Promise<number> => {
    try {
      const { brokers } = await admin.describeCluster();
      const nodeId = brokers[0]?.nodeId;
      if (nodeId === undefined) return kafkaDefaultMaxMessageBytes;
      return (
        numberOf(
          await admin.describeConfigs({
            resources: [{ type: brokerResource, name: String(nodeId), configNames: ['message.max.bytes'] }],
            includeSynonyms: false,
          }),
          'message.max.bytes',
        ) ?? kafkaDefaultMaxMessageBytes
      );
    } catch (error) {
      logger.warn(
        { err: error },
        `could not read the broker's message.max.bytes; assuming Kafka's default of ${kafkaDefaultMaxMessageBytes} bytes`,
      );
      return kafkaDefaultMaxMessageBytes;
    }
  };

  const readTopic = async (topic: string): Promise<number> => {
    try {
      const limit = numberOf(
        await admin.describeConfigs({
          resources: [{ type: topicResource, name: topic, configNames: ['max.message.bytes'] }],
          includeSynonyms: false,
        }),
        'max.message.bytes',
      );
      if (limit !== undefined) return limit;
    } catch {
      // Not created yet: it will be created with the broker's defaults.
    }
    brokerLimit ??= readBroker();
    return brokerLimit;
  };

  return {
    limitOf(topic) {
      if (override !== undefined) return Promise.resolve(override);
      let limit = known.get(topic);
      if (!limit) {
        limit = readTopic(topic);
        known.set(topic, limit);
      }
      return limit;
    },
  };
}

function numberOf(answer: Awaited<ReturnType<Admin['describeConfigs']>>, name: string): number | undefined {
  for (const resource of answer.resources) {
    if (resource.errorCode !== 0) continue;
    const value = resource.configEntries.find((entry) => entry.configName === name)?.configValue;
    const parsed = value === undefined ? Number.NaN : Number(value);
    if (Number.isInteger(parsed) && parsed > 0) return parsed;
  }
  return undefined;
}
