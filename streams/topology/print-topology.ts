/**
 * The graph `syncline topology` prints: where records come from, what each processor and sink
 * reads, writes, parks and keeps, and every declared topic with its key, partitioning, codec and
 * cleanup, who writes it and who reads it. Made from the declarations only, so it cannot drift from
 * what the roles do. With a config, each node's topics are the concrete names of that config.
 */
import {
  topicNamesOf,
  type NodeDeclaration,
  type TopicUse,
  type TopologyConfig,
} from '../contracts/topology-nodes.ts';
import { topics, type TopicDeclaration, type TopicId, type ValueCodec } from '../contracts/topics.ts';

function codecText(codec: ValueCodec): string {
  switch (codec.kind) {
    case 'avro':
      return `Avro, schemas/${codec.schema}, subject <topic>-value`;
    case 'json':
      return 'JSON';
    case 'debezium-json':
      return "Debezium's JSON (schemas off)";
  }
}

const partitioningText: Record<TopicDeclaration['partitioning'], string> = {
  'first-part': 'by the key up to its first U+001F (the SKU)',
  'whole-key': 'by the whole key',
  debezium: 'as Debezium writes it',
};

const dayMs = 24 * 3600 * 1000;

function cleanupText(declared: TopicDeclaration): string {
  if (declared.cleanup === 'compact') return 'compacted';
  return declared.retentionMs === undefined
    ? "deleted after the broker's retention"
    : `deleted after ${declared.retentionMs / dayMs} days`;
}

function useLines(use: TopicUse, config: TopologyConfig | undefined): string[] {
  const when = use.when === undefined ? '' : `  (${use.when.text})`;
  if (config === undefined) return [`${topics[use.topic].name}${when}`];
  return topicNamesOf(use, config);
}

function nodeLines(node: NodeDeclaration, config: TopologyConfig | undefined): string[] {
  const lines = [`  ${node.name}: ${node.kind} in role ${node.role}, consumer group ${node.group}`];
  const section = (label: string, entries: readonly string[]) =>
    entries.forEach((entry, index) => lines.push(`    ${(index === 0 ? label : '').padEnd(8)}${entry}`));
  section(
    'reads',
    node.reads.flatMap((use) => useLines(use, config)),
  );
  section(
    'writes',
    node.writes.flatMap((use) => useLines(use, config)),
  );
  section(
    'parks',
    node.parks.flatMap((use) => useLines(use, config)),
  );
  if (node.delivers !== undefined) section('to', [node.delivers]);
  section(
    'stores',
    node.stores.map((store) => `${store.name}: ${store.key} -> ${store.value}`),
  );
  return lines;
}

function topicLines(id: TopicId, nodes: readonly NodeDeclaration[]): string[] {
  const declared: TopicDeclaration = topics[id];
  const uses = (pick: (node: NodeDeclaration) => readonly TopicUse[]) =>
    nodes.filter((node) => pick(node).some((use) => use.topic === id)).map((node) => node.name);
  const writers = declared.createdBy === 'debezium' ? ['Debezium'] : uses((n) => [...n.writes, ...n.parks]);
  const readers = [
    ...uses((n) => n.reads),
    ...(declared.readOutside === undefined ? [] : [declared.readOutside]),
  ];
  const lines = [
    `  ${declared.name}`,
    `    key     ${declared.key}; partitioned ${partitioningText[declared.partitioning]}`,
    `    value   ${declared.value}; ${codecText(declared.codec)}`,
    `    kept    ${cleanupText(declared)}; created by ${declared.createdBy === 'syncline' ? 'the roles that use it' : 'Debezium'}`,
  ];
  if (writers.length === 0 && readers.length === 0) {
    lines.push('    declared, no processor yet');
  } else {
    lines.push(`    from    ${writers.join(', ') || 'nothing yet'}`);
    lines.push(`    to      ${readers.join(', ') || 'nothing yet'}`);
  }
  return lines;
}

export function printTopology(nodes: readonly NodeDeclaration[], config?: TopologyConfig): string {
  const lines = [
    'syncline topology: sources -> processors -> topics -> sinks',
    '',
    'sources',
    '  Debezium on Kafka Connect, one connector per ERP database',
    `    writes  ${topics.cdcTable.name}`,
    `            ${topics.debeziumHeartbeat.name}`,
    '',
    'processors',
    ...nodes.filter((n) => n.kind !== 'sink').flatMap((node) => nodeLines(node, config)),
    '',
    'sinks',
    ...nodes.filter((n) => n.kind === 'sink').flatMap((node) => nodeLines(node, config)),
    '',
    'topics (streams/contracts/topics.ts)',
    ...(Object.keys(topics) as TopicId[]).flatMap((id) => topicLines(id, nodes)),
  ];
  return `${lines.join('\n')}\n`;
}
