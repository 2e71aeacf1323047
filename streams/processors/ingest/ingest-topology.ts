/**
 * The ingest processor in the topology: every mapped CDC table in, the canonical topics out, its
 * dead letters, and the positions it keeps to drop Debezium's replays (ingest-processor.ts).
 */
import type { NodeDeclaration } from '../../contracts/topology-nodes.ts';

/** State table: `<cdc topic>\u001f<cdc key>` -> the last source position let through. */
export const positionsTable = 'positions';
/** Prefix of the tables that forget a deleted key's position after the grace period. */
export const positionsExpiryPrefix = 'positions-expiry';

export const ingestTopology: NodeDeclaration = {
  name: 'ingest',
  kind: 'processor',
  role: 'ingest',
  group: 'syncline-ingest',
  reads: [{ topic: 'cdcTable' }],
  writes: [{ topic: 'catalogProduct' }, { topic: 'catalogStock' }, { topic: 'catalogPrice' }],
  parks: [{ topic: 'ingestDlq' }],
  stores: [
    {
      name: positionsTable,
      key: '<cdc topic> U+001F <cdc key>',
      value: 'the last source position let through (LSN, GTID or binlog position)',
    },
    {
      name: `${positionsExpiryPrefix}.*`,
      key: 'deleted keys by time bucket',
      value: 'when each deleted key is forgotten (processing.deletedKeyGraceMs)',
    },
  ],
};
