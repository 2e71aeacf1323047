/**
 * The sink role and the register index in the topology: a channel's sink reads its offer topic,
 * delivers to the channel's API through its adapter, and writes every outcome to the register and
 * what the channel refuses to the channel's dead letters; the register index copies the register
 * into the ops database.
 */
import type { NodeDeclaration } from '../contracts/topology-nodes.ts';

export const channelSinkTopology: NodeDeclaration = {
  name: 'channel sink',
  kind: 'sink',
  role: 'sink',
  group: 'syncline-sink-<id>',
  reads: [{ topic: 'channelOffer' }],
  writes: [{ topic: 'syncRegister' }],
  parks: [{ topic: 'channelDlq' }],
  stores: [
    { name: 'ops channel_holding', key: 'channel, key', value: 'the content hash the channel holds' },
    { name: 'ops sink_budget', key: 'channel', value: "the API budget shared by the channel's replicas" },
  ],
  delivers: "the channel's API, through its adapter (magento, webhook, db-table)",
};

export const registerIndexTopology: NodeDeclaration = {
  name: 'register index',
  kind: 'sink',
  role: 'register-index',
  group: 'syncline-register-index',
  reads: [{ topic: 'syncRegister' }],
  writes: [],
  parks: [],
  stores: [{ name: 'ops sync_register', key: 'register partition, offset', value: 'the register entry' }],
  delivers: 'the ops database',
};

/**
 * The dead-letter index, in the register-index role beside the register index: every stage's dead
 * letters into the ops database, so the open problems of ingest, offers and the sinks are searchable.
 */
export const deadLetterIndexTopology: NodeDeclaration = {
  name: 'dead-letter index',
  kind: 'sink',
  role: 'register-index',
  group: 'syncline-dead-letter-index',
  reads: [{ topic: 'ingestDlq' }, { topic: 'offersDlq' }, { topic: 'channelDlq' }],
  writes: [],
  parks: [],
  stores: [
    {
      name: 'ops dead_letter',
      key: 'DLQ topic, partition, offset',
      value: 'the dead letter and its ERP lineage',
    },
  ],
  delivers: 'the ops database',
};
