/**
 * The ingest processor's public surface: pure functions from Debezium change events to canonical
 * records (ARCHITECTURE: CDC topics -> ingest -> canonical topics). The engine wires them:
 *
 *   const read = readCdcRecord(record.key, rawValue);
 *   if (read.kind === 'change') {
 *     const stateKey = `${record.topic}\u001f${record.key}`;          // per CDC topic + CDC key
 *     const replay = decideReplay(state.get(POSITIONS, stateKey), read.event);
 *     if (!replay.keep) return [];                                     // a Debezium replay
 *     if (replay.position !== null) state.put(POSITIONS, stateKey, replay.position);
 *   }
 *   const outcome = ingestRead(config, record.topic, read);
 *   // records: write each to canonicalTopics[r.entity], key r.key, value r.value (null = tombstone),
 *   //          headers lineageHeaders(r.lineage);
 *   // park:    write outcome.records as above AND park the input with outcome.reason;
 *   // ignore:  nothing (count it).
 *
 * At start-up, `sourcesJsonSchema` validates the config's `sources:` and `checkSources` adds the
 * cross-field rules.
 */
export { ingestEvent, ingestRead, type IngestOutcome } from './ingest-event.ts';
export {
  readCdcRecord,
  type CdcPayload,
  type CdcRead,
  type ChangeEvent,
  type SourceInfo,
} from './debezium-envelope.ts';
export {
  comparePositions,
  decideReplay,
  positionOf,
  type ReplayDecision,
  type SourcePosition,
} from './source-position.ts';
export {
  sourcesJsonSchema,
  type IngestConfig,
  type PriceTableMapping,
  type ProductTableMapping,
  type SourceConfig,
  type SourceOwnership,
  type StockTableMapping,
  type TableMapping,
} from './source-config.ts';
export { checkSources } from './check-sources.ts';
export type { IngestParkCode } from './park-reasons.ts';
