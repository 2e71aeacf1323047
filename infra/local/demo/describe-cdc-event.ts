/**
 * One readable line for a Debezium change event, for the demo's live view: table, operation, key,
 * what changed, where in the ERP's log it came from, and how long after the ERP commit Kafka had it.
 */
type Row = Record<string, unknown>;

interface Envelope {
  readonly op?: string;
  readonly before?: Row | null;
  readonly after?: Row | null;
  readonly ts_ms?: number;
  readonly source?: {
    ts_ms?: number;
    lsn?: number;
    txId?: number;
    file?: string;
    pos?: number;
    gtid?: string | null;
    snapshot?: string;
  };
}

const opNames: Record<string, string> = { r: 'snapshot', c: 'insert', u: 'update', d: 'delete' };

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function changes(before: Row | null | undefined, after: Row | null | undefined): string {
  if (!before || !after) return '';
  const changed = Object.keys(after).filter(
    (column) => JSON.stringify(before[column]) !== JSON.stringify(after[column]),
  );
  return changed
    .filter((column) => column !== 'updated_at')
    .map((column) => `${column} ${show(before[column])} -> ${show(after[column])}`)
    .join(', ');
}

function position(source: Envelope['source']): string {
  if (!source) return '';
  if (source.lsn !== undefined)
    return `lsn ${source.lsn}${source.txId !== undefined ? ` tx ${source.txId}` : ''}`;
  if (source.gtid) return `gtid ${source.gtid}`;
  if (source.file !== undefined) return `binlog ${source.file}:${source.pos ?? '?'}`;
  return '';
}

export function describeCdcEvent(
  topic: string,
  key: string | null,
  value: string | null,
  receivedAtMs: number,
): string {
  const table = topic.split('.').slice(1).join('.');
  if (value === null) return `${table.padEnd(30)} tombstone  ${key ?? ''}`;
  let envelope: Envelope;
  try {
    envelope = JSON.parse(value) as Envelope;
  } catch {
    return `${table.padEnd(30)} (not JSON) ${value.slice(0, 60)}`;
  }
  const op = opNames[envelope.op ?? ''] ?? envelope.op ?? '?';
  const detail = envelope.op === 'u' ? changes(envelope.before, envelope.after) : '';
  const lag =
    envelope.source?.ts_ms !== undefined ? `+${Math.max(0, receivedAtMs - envelope.source.ts_ms)} ms` : '';
  return [table.padEnd(30), op.padEnd(8), (key ?? '').padEnd(44), detail, position(envelope.source), lag]
    .filter((s) => s !== '')
    .join('  ');
}
