/**
 * Lineage travels in Kafka headers on every canonical and channel record (invariant 6): ERP source,
 * table, log position, transaction id, commit time and operation, so an operator can follow one
 * ERP row to the record it caused and latency is measured from the ERP commit.
 */
export const lineageHeaderNames = {
  source: 'syncline.source',
  table: 'syncline.table',
  position: 'syncline.position',
  txId: 'syncline.tx-id',
  commitTimeMs: 'syncline.commit-ms',
  op: 'syncline.op',
} as const;

export interface LineageFields {
  readonly source: string;
  readonly table: string;
  readonly position: string;
  readonly txId: string | null;
  readonly commitTimeMs: number;
  readonly op: string;
}

export function lineageHeaders(lineage: LineageFields): Record<string, string> {
  const headers: Record<string, string> = {
    [lineageHeaderNames.source]: lineage.source,
    [lineageHeaderNames.table]: lineage.table,
    [lineageHeaderNames.position]: lineage.position,
    [lineageHeaderNames.commitTimeMs]: String(lineage.commitTimeMs),
    [lineageHeaderNames.op]: lineage.op,
  };
  if (lineage.txId !== null) headers[lineageHeaderNames.txId] = lineage.txId;
  return headers;
}

/** The lineage headers of a record, to carry them from an input to the outputs it caused. */
export function onlyLineage(headers: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.values(lineageHeaderNames)) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

export function commitTimeOf(headers: Readonly<Record<string, string>>): number | undefined {
  const raw = headers[lineageHeaderNames.commitTimeMs];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}
