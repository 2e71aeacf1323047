/**
 * The ingest processor as the engine runs it: CDC topics in (raw text, so a malformed record is
 * parked here with a reason rather than failing in a codec), canonical topics out, with lineage
 * headers. Its one piece of state is the last source position let through per CDC key: Debezium
 * delivers at least once (a Connect crash replays from the last flushed offset), and a replayed
 * event at or below that position is dropped instead of rewinding the canonical row.
 *
 * A drop is also what an ERP restored from a backup, or a reset binlog, looks like: its new
 * changes carry positions below those seen, and are real. So `step` returns each drop with the
 * emissions, for the role to count and log (the processor stays pure); `process` is `step`
 * without it.
 *
 * A deleted row's position is kept for `deletedKeyGraceMs` after its delete, on the records'
 * clock, then forgotten (deleted-key-expiry.ts), so the state holds the live rows and the rows
 * deleted lately, not every key the ERP ever had. docs/pipeline.md ("State that does not grow")
 * says why the default is seven days: longer than Debezium can replay.
 */
import { createHash } from 'node:crypto';
import { lineageHeaders } from '../../runtime/lineage-headers.ts';
import { deletedKeyExpiry } from '../../runtime/state/deleted-key-expiry.ts';
import type { Emission, InputRecord, ProcessContext, Processor } from '../../runtime/processor.ts';
import { canonicalTopics, type CanonicalRecord } from '../../contracts/canonical.ts';
import { topicNamesOfAll } from '../../contracts/topology-nodes.ts';
import { topicNameOf } from '../../contracts/topics.ts';
import { readCdcRecord, type ChangeEvent } from './debezium-envelope.ts';
import { ingestRead } from './ingest-event.ts';
import { ingestTopology, positionsExpiryPrefix, positionsTable } from './ingest-topology.ts';
import { routeTopic } from './route-topic.ts';
import { decideReplay, positionOf, type SourcePosition } from './source-position.ts';
import type { IngestConfig } from './source-config.ts';

export const ingestDlqTopic = topicNameOf('ingestDlq');

/**
 * How long a deleted CDC key's position is kept: longer than any replay Debezium can make of its
 * changes (docs/pipeline.md, "State that does not grow"). Seven days.
 */
export const defaultDeletedKeyGraceMs = 7 * 24 * 60 * 60 * 1000;

export interface IngestOptions {
  /** Defaults to `defaultDeletedKeyGraceMs`; the config's `processing.deletedKeyGraceMs`. */
  readonly deletedKeyGraceMs?: number;
}

/** Every CDC topic the config maps: `<topicPrefix>.<schema-or-db>.<table>`. */
export function ingestInputTopics(config: IngestConfig): string[] {
  return topicNamesOfAll(ingestTopology.reads, { sources: config.sources, channels: [] });
}

function toOutput(record: CanonicalRecord): Emission {
  return {
    kind: 'record',
    record: {
      topic: canonicalTopics[record.entity],
      key: record.key,
      value: record.value,
      headers: lineageHeaders(record.lineage),
    },
  };
}

/** A change event dropped as at or below the last position seen for its key. */
export interface ReplayDrop {
  /** The config's source id and the table as mapped (`erp.stock_level`). */
  readonly source: string;
  readonly table: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The dropped event's position, and the last one let through for its key. */
  readonly position: SourcePosition | null;
  readonly lastPosition: SourcePosition | null;
}

export interface IngestStep {
  readonly emissions: readonly Emission[];
  /** Set when the event was dropped as a replay. */
  readonly replayDropped?: ReplayDrop;
}

export interface IngestProcessor extends Processor {
  /** `process`, and what it dropped as a replay. Pure, like `process`. */
  step(record: InputRecord, context: ProcessContext): IngestStep;
}

export function ingestProcessor(config: IngestConfig, options: IngestOptions = {}): IngestProcessor {
  const signature = createHash('sha256').update(JSON.stringify(config.sources)).digest('hex').slice(0, 16);
  const deleted = deletedKeyExpiry({
    prefix: positionsExpiryPrefix,
    tables: [positionsTable],
    graceMs: options.deletedKeyGraceMs ?? defaultDeletedKeyGraceMs,
  });
  const step = (record: InputRecord, { state }: ProcessContext): IngestStep => {
    const raw = record.value as string | null;
    const read = readCdcRecord(record.key, raw);
    if (read.kind === 'change') {
      // Every change event moves the clock, replay or not: a task whose keys are all deleted
      // still forgets them as other changes arrive. Bad input leaves the state alone.
      deleted.sweep(state, record.timestampMs);
      const stateKey = `${record.topic}\u001f${record.key ?? ''}`;
      const previous = state.get<SourcePosition>(positionsTable, stateKey);
      const replay = decideReplay(previous, read.event);
      if (!replay.keep)
        return { emissions: [], replayDropped: replayDrop(config, record, read.event, previous) };
      if (replay.position !== null) {
        state.put(positionsTable, stateKey, replay.position);
        if (read.event.op === 'd') deleted.markDeleted(state, stateKey, record.timestampMs);
        else deleted.revive(state, stateKey);
      }
    }
    const outcome = ingestRead(config, record.topic, read);
    switch (outcome.kind) {
      case 'ignore':
        return { emissions: [] };
      case 'records':
        return { emissions: outcome.records.map(toOutput) };
      case 'park':
        return { emissions: [...outcome.records.map(toOutput), { kind: 'park', reason: outcome.reason }] };
    }
  };
  return {
    name: 'ingest',
    inputTopics: ingestInputTopics(config),
    // A new mapping changes what the stored positions mean only through the topics they belong
    // to; wiping on any source change is the simple, safe rule (positions rebuild on replay).
    // v2: deleted keys' positions expire, through tables a v1 store lacks for its deleted keys.
    stateSignature: `ingest-v2|${signature}`,
    dlqTopic: () => ingestDlqTopic,
    step,
    process: (record, context) => step(record, context).emissions,
  };
}

function replayDrop(
  config: IngestConfig,
  record: InputRecord,
  event: ChangeEvent,
  previous: SourcePosition | undefined,
): ReplayDrop {
  const route = routeTopic(config, record.topic);
  return {
    source: route.mapped ? route.source.id : 'unknown',
    table: route.mapped ? route.table : record.topic,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    position: positionOf(event.source),
    lastPosition: previous ?? null,
  };
}
