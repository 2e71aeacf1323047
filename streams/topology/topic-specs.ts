/**
 * The topics a role creates, from the declarations of the nodes it runs: every topic syncline
 * creates that a node reads, writes or parks to, with the declared cleanup policy and retention
 * and the config's partition count. Roles that share a topic (the offers role and a sink both
 * create a channel's offer topic if they start first) ask for the same spec, and creation is
 * idempotent, so whichever starts first creates it and the other checks its partition count.
 */
import { topicNamesOf, type NodeDeclaration, type TopologyConfig } from '../contracts/topology-nodes.ts';
import { topics, type TopicDeclaration } from '../contracts/topics.ts';
import type { TopicSpec } from '../runtime/kafka/topics.ts';

export function topicSpecsOf(
  nodes: readonly NodeDeclaration[],
  config: TopologyConfig,
  partitions: number,
): TopicSpec[] {
  const specs = new Map<string, TopicSpec>();
  for (const node of nodes) {
    for (const use of [...node.reads, ...node.writes, ...node.parks]) {
      const declared: TopicDeclaration = topics[use.topic];
      if (declared.createdBy !== 'syncline') continue;
      for (const name of topicNamesOf(use, config)) {
        specs.set(name, {
          name,
          partitions,
          compacted: declared.cleanup === 'compact',
          ...(declared.retentionMs === undefined
            ? {}
            : { configs: { 'retention.ms': String(declared.retentionMs) } }),
        });
      }
    }
  }
  return [...specs.values()];
}
