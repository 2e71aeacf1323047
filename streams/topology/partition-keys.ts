/**
 * What the partitioner hashes of a key, per topic, from the topic's declared partitioning: the
 * part before the first U+001F for co-partitioned topics (every row of a SKU on one partition
 * number), the whole key otherwise.
 */
import { skuOfKey } from '../contracts/canonical.ts';
import {
  declarationsByName,
  type NodeDeclaration,
  type TopologyConfig,
} from '../contracts/topology-nodes.ts';
import { topics } from '../contracts/topics.ts';

export function partitionKeysOf(
  node: NodeDeclaration,
  config: TopologyConfig,
): (key: string, topic: string) => string {
  const byName = declarationsByName(node, config);
  return (key, topic) => {
    const id = byName.get(topic);
    // An undeclared topic never gets here: its record fails at its codec first.
    return id !== undefined && topics[id].partitioning === 'first-part' ? skuOfKey(key) : key;
  };
}
