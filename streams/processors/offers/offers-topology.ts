/**
 * The offers processor in the topology: the canonical topics in, one offer topic per channel out,
 * and, when a channel groups variants, the family repartition topic written and read back
 * (offers-processor.ts says why). Its dead letters go to the channel's DLQ, or to its own for a
 * record of no channel.
 */
import type { NodeDeclaration, TopicUse, TopologyConfig } from '../../contracts/topology-nodes.ts';

export const skuTable = 'sku';
export const familyTable = 'family';
export const lastTable = 'last';
export const parkedTable = 'parked';

const anyChannelGroups = {
  text: 'when a channel groups variants',
  holds: (config: TopologyConfig) => config.channels.some((channel) => channel.variants === 'grouped'),
};
const family: TopicUse = { topic: 'offersFamily', when: anyChannelGroups };

export const offersTopology: NodeDeclaration = {
  name: 'offers',
  kind: 'processor',
  role: 'offers',
  group: 'syncline-offers',
  reads: [{ topic: 'catalogProduct' }, { topic: 'catalogStock' }, { topic: 'catalogPrice' }, family],
  writes: [{ topic: 'channelOffer' }, family],
  parks: [{ topic: 'channelDlq' }, { topic: 'offersDlq' }],
  stores: [
    { name: skuTable, key: 'SKU', value: 'the joined product, stock rows and prices of the SKU' },
    { name: familyTable, key: 'family SKU', value: "the family's parent and variants" },
    {
      name: lastTable,
      key: '<channel> U+001F <key>',
      value: 'the content hash last written (suppression)',
    },
    {
      name: parkedTable,
      key: '<channel> U+001F <key>',
      value: 'the sentence last parked (one dead letter per problem)',
    },
  ],
};
