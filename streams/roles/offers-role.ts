/**
 * The offers role: the canonical topics (Avro) -> one compacted Avro topic per channel, its DLQ,
 * and the family repartition topic for channels that group variants (JSON: internal to syncline).
 */
import type { SynclineConfig } from '../config/syncline-config.ts';
import { offersProcessor } from '../processors/offers/offers-processor.ts';
import { offersTopology } from '../processors/offers/offers-topology.ts';
import type { Role } from './role.ts';

export function offersRole(config: SynclineConfig): Role {
  return { processor: offersProcessor(config), topology: offersTopology };
}
