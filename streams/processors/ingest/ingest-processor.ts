/**
 * The ingest processor as the engine runs it: CDC topics in (raw text, so a malformed record is
 * parked here with a reason rather than failing in a codec), canonical topics out, with lineage
 * headers. Its one piece of state is the last source position let through per CDC key: Debezium
 * delivers at least once (a Connect crash replays from the last flushed offset), and a replayed
 * event at or below that position is dropped instead of rewinding the canonical row.
 */
import { createHash } from 'node:crypto';
import { lineageHeaders } from '../../runtime/lineage-headers.ts';
import type { Emission, InputRecord, Processor } from '../../runtime/processor.ts';
import { canonicalTopics, type CanonicalRecord } from '../canonical.ts';
import { readCdcRecord } from './debezium-envelope.ts';
import { ingestRead } from './ingest-event.ts';
import { decideReplay, type SourcePosition } from './source-position.ts';
import type { IngestConfig } from './source-config.ts';

export const ingestDlqTopic = 'syncline.ingest.dlq.v1';

/** State table: `<cdc topic>\u001f<cdc key>` -> the last SourcePosition let through. */
const positionsTable = 'positions';

/** Every CDC topic the config maps: `<topicPrefix>.<schema-or-db>.<table>`. */
export function ingestInputTopics(config: IngestConfig): string[] {
  return config.sources.flatMap((source) =>
    Object.keys(source.tables).map((table) => `${source.topicPrefix}.${table}`),
  );
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

export function ingestProcessor(config: IngestConfig): Processor {
  const signature = createHash('sha256').update(JSON.stringify(config.sources)).digest('hex').slice(0, 16);
  return {
    name: 'ingest',
    inputTopics: ingestInputTopics(config),
    // A new mapping changes what the stored positions mean only through the topics they belong
    // to; wiping on any source change is the simple, safe rule (positions rebuild on replay).
    stateSignature: `ingest-v1|${signature}`,
    dlqTopic: () => ingestDlqTopic,
    process(record: InputRecord, { state }): readonly Emission[] {
      const raw = record.value as string | null;
      const read = readCdcRecord(record.key, raw);
      if (read.kind === 'change') {
        const stateKey = `${record.topic}\u001f${record.key ?? ''}`;
        const replay = decideReplay(state.get<SourcePosition>(positionsTable, stateKey), read.event);
        if (!replay.keep) return [];
        if (replay.position !== null) state.put(positionsTable, stateKey, replay.position);
      }
      const outcome = ingestRead(config, record.topic, read);
      switch (outcome.kind) {
        case 'ignore':
          return [];
        case 'records':
          return outcome.records.map(toOutput);
        case 'park':
          return [...outcome.records.map(toOutput), { kind: 'park', reason: outcome.reason }];
      }
    },
  };
}
