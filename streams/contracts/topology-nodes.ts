/**
 * What a node of the topology (a processor, a sink, an intake) declares: the topics it reads,
 * writes and parks to, by their declarations in topics.ts, and the state it keeps. Each node's
 * declaration sits next to its code; roles create topics and pick codecs from them, and
 * `syncline topology` prints the graph they make. Pure data plus the resolution of a declaration
 * into the concrete topic names of one config.
 */
import { topicNameOf, topics, type TopicId } from './topics.ts';

/** The parts of the config that decide topic names: channels, mapped tables, watched connectors. */
export interface TopologyConfig {
  readonly sources: readonly {
    readonly topicPrefix: string;
    readonly tables: Readonly<Record<string, unknown>>;
  }[];
  readonly channels: readonly { readonly id: string; readonly variants?: string }[];
  readonly cdc?: {
    readonly connectors: readonly { readonly topicPrefix: string; readonly heartbeatTopic?: string }[];
  };
}

/** A node's use of one declared topic, possibly only under a condition of the config. */
export interface TopicUse {
  readonly topic: TopicId;
  readonly when?: {
    /** Says when, in the printed graph. */
    readonly text: string;
    holds(config: TopologyConfig): boolean;
  };
}

/** A table of a node's local state (LMDB per task) or of a database it keeps. */
export interface StoreDeclaration {
  readonly name: string;
  readonly key: string;
  readonly value: string;
}

export interface NodeDeclaration {
  readonly name: string;
  readonly kind: 'processor' | 'sink' | 'watchdog';
  /** The `syncline <role>` that runs it. */
  readonly role: string;
  /** Its consumer group (a pattern for one group per channel). */
  readonly group: string;
  readonly reads: readonly TopicUse[];
  readonly writes: readonly TopicUse[];
  /** Where its dead letters go. */
  readonly parks: readonly TopicUse[];
  readonly stores: readonly StoreDeclaration[];
  /** What a sink delivers to, outside Kafka. */
  readonly delivers?: string;
}

/** The concrete topic names of one use under `config` (none when its condition does not hold). */
export function topicNamesOf(use: TopicUse, config: TopologyConfig): string[] {
  if (use.when !== undefined && !use.when.holds(config)) return [];
  const declared = topics[use.topic];
  switch (declared.scope) {
    case 'fixed':
      return [declared.name];
    case 'channel':
      return config.channels.map((channel) => topicNameOf(use.topic, { channel: channel.id }));
    case 'cdc-table':
      return config.sources.flatMap((source) =>
        Object.keys(source.tables).map((table) =>
          topicNameOf(use.topic, { topicPrefix: source.topicPrefix, table }),
        ),
      );
    case 'cdc-connector':
      return (config.cdc?.connectors ?? []).map(
        (connector) =>
          connector.heartbeatTopic ?? topicNameOf(use.topic, { topicPrefix: connector.topicPrefix }),
      );
  }
}

/** Every concrete name of several uses, each once, in declaration order. */
export function topicNamesOfAll(uses: readonly TopicUse[], config: TopologyConfig): string[] {
  return [...new Set(uses.flatMap((use) => topicNamesOf(use, config)))];
}

/** Which declaration each concrete topic of a node comes from, under `config`. */
export function declarationsByName(node: NodeDeclaration, config: TopologyConfig): Map<string, TopicId> {
  const byName = new Map<string, TopicId>();
  for (const use of [...node.reads, ...node.writes, ...node.parks])
    for (const name of topicNamesOf(use, config)) byName.set(name, use.topic);
  return byName;
}
