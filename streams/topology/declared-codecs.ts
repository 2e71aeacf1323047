/**
 * A node's codecs, from its topics' declarations: Avro topics it writes are registered under
 * `<topic>-value` with their declared schema, Avro topics it reads are decoded by the writer's
 * schema id, JSON is JSON, and Debezium's JSON is read as text for ingest to parse. A topic the
 * node did not declare has no codec: asking for one is an error naming the topic, so a record
 * never goes out in a format nobody chose.
 */
import {
  declarationsByName,
  type NodeDeclaration,
  type TopologyConfig,
} from '../contracts/topology-nodes.ts';
import { topics, type TopicDeclaration } from '../contracts/topics.ts';
import { jsonCodec, textCodec, type Codecs, type TopicCodec } from '../runtime/codec/topic-codec.ts';
import { SynclineError } from '../runtime/errors.ts';

/** How Avro codecs are had: in a role, through the schema registry (registry-codecs.ts). */
export interface AvroCodecs {
  /** Registers `schemaFile` for `<topic>-value` and returns a codec writing with it. */
  writer(topic: string, schemaFile: string): Promise<TopicCodec>;
  /** Decodes any registered value. */
  reader(): TopicCodec;
}

function undeclared(node: NodeDeclaration, topic: string, use: 'read' | 'write'): SynclineError {
  return new SynclineError(
    'TOPIC_UNDECLARED',
    `${node.name} would ${use} the topic ${topic}, which its declaration does not name: declare the topic in streams/contracts/topics.ts and add it to the ${use === 'read' ? 'reads' : 'writes or parks'} of ${node.name}`,
  );
}

export async function declaredCodecs(
  node: NodeDeclaration,
  config: TopologyConfig,
  avro: AvroCodecs,
): Promise<Codecs> {
  const byName = declarationsByName(node, config);
  const outputNames = new Set(
    [...node.writes, ...node.parks].flatMap((use) =>
      [...byName].filter(([, id]) => id === use.topic).map(([name]) => name),
    ),
  );
  const inputNames = new Set(
    node.reads.flatMap((use) => [...byName].filter(([, id]) => id === use.topic).map(([name]) => name)),
  );
  const outputs = new Map<string, TopicCodec>();
  for (const name of outputNames) {
    const declared: TopicDeclaration = topics[byName.get(name)!];
    switch (declared.codec.kind) {
      case 'avro':
        outputs.set(name, await avro.writer(name, declared.codec.schema));
        break;
      case 'json':
        outputs.set(name, jsonCodec);
        break;
      case 'debezium-json':
        throw new SynclineError(
          'TOPIC_UNDECLARED',
          `${node.name} declares that it writes ${name}, which only Debezium writes`,
        );
    }
  }
  const reader = avro.reader();
  const inputs = new Map<string, TopicCodec>();
  for (const name of inputNames) {
    const codec = topics[byName.get(name)!].codec;
    inputs.set(name, codec.kind === 'avro' ? reader : codec.kind === 'json' ? jsonCodec : textCodec);
  }
  return {
    input(topic) {
      const codec = inputs.get(topic);
      if (codec === undefined) throw undeclared(node, topic, 'read');
      return codec;
    },
    output(topic) {
      const codec = outputs.get(topic);
      if (codec === undefined) throw undeclared(node, topic, 'write');
      return codec;
    },
  };
}
