/**
 * What a role (ingest, offers) is to the runner: its processor, the topics it writes with their
 * settings, and how each topic's values are encoded. Built from the config by the role's file;
 * the runner (run-role.ts) does the Kafka, registry and HTTP wiring the same way for every role.
 */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Codecs } from '../runtime/codec/topic-codec.ts';
import type { TopicSpec } from '../runtime/kafka/topics.ts';
import type { Processor } from '../runtime/processor.ts';

export interface Role {
  readonly processor: Processor;
  /** Topics the role writes; created when missing, their partition counts checked when present. */
  readonly topics: readonly TopicSpec[];
  /** Registers the role's output schemas and returns its codecs. */
  codecs(registry: SchemaRegistry): Promise<Codecs>;
}

/** Dead-letter topics keep what they hold for a month: long enough for an operator to act. */
export const dlqTopicConfigs = { 'retention.ms': String(30 * 24 * 3600 * 1000) } as const;
