/**
 * The CDC watchdog in the topology: run by the ingest role, it reads no record, only the end
 * offsets of each watched connector's heartbeat and change topics (cdc-watchdog.ts).
 */
import type { NodeDeclaration } from '../contracts/topology-nodes.ts';

export const cdcWatchdogTopology: NodeDeclaration = {
  name: 'cdc watchdog',
  kind: 'watchdog',
  role: 'ingest',
  group: 'none (end offsets only)',
  reads: [{ topic: 'debeziumHeartbeat' }, { topic: 'cdcTable' }],
  writes: [],
  parks: [],
  stores: [],
};
