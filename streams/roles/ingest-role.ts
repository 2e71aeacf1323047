/**
 * The ingest role: Debezium's CDC topics (JSON text, parsed by the processor so a malformed record
 * is parked with its reason) -> the canonical topics (Avro, registered BACKWARD-compatible).
 */
import type { SynclineConfig } from '../config/syncline-config.ts';
import { ingestProcessor } from '../processors/ingest/ingest-processor.ts';
import { ingestTopology } from '../processors/ingest/ingest-topology.ts';
import type { Role } from './role.ts';

export function ingestRole(config: SynclineConfig): Role {
  return {
    processor: ingestProcessor(config, { deletedKeyGraceMs: config.processing.deletedKeyGraceMs }),
    topology: ingestTopology,
  };
}
