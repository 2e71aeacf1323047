/**
 * What a processor role (ingest, offers) is to the runner: its processor and the processor's
 * declaration in the topology. The runner (run-role.ts) creates the declared topics, registers the
 * declared schemas, partitions as declared, and does the Kafka, registry and HTTP wiring the same
 * way for every role.
 */
import type { NodeDeclaration } from '../contracts/topology-nodes.ts';
import type { Processor } from '../runtime/processor.ts';

export interface Role {
  readonly processor: Processor;
  readonly topology: NodeDeclaration;
}
