/**
 * Every node of the topology, in the order data flows: the processors, the CDC watchdog, the
 * sinks. A new processor, intake or sink adds its declaration here, and roles, the
 * `syncline topology` graph and the tests pick it up.
 */
import { cdcWatchdogTopology } from '../cdc/cdc-topology.ts';
import type { NodeDeclaration } from '../contracts/topology-nodes.ts';
import { ingestTopology } from '../processors/ingest/ingest-topology.ts';
import { offersTopology } from '../processors/offers/offers-topology.ts';
import { ordersTopology } from '../processors/orders/orders-topology.ts';
import { erpOrderSinkTopology } from '../sinks/erp-orders/erp-orders-topology.ts';
import {
  channelSinkTopology,
  deadLetterIndexTopology,
  registerIndexTopology,
} from '../sinks/sink-topology.ts';

export const topologyNodes: readonly NodeDeclaration[] = [
  ingestTopology,
  offersTopology,
  ordersTopology,
  cdcWatchdogTopology,
  channelSinkTopology,
  erpOrderSinkTopology,
  registerIndexTopology,
  deadLetterIndexTopology,
];
