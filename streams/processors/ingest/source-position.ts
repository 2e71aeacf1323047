/**
 * Dropping Debezium's replays (ARCHITECTURE, "Replays from Debezium"): after a Connect crash the
 * connector re-emits the changes since its last offset flush. The engine keeps, per CDC topic and
 * CDC key (the table's primary key), the position of the last change it let through, and asks
 * `decideReplay` about each new event: an event at or below that position was seen already.
 *
 * Why per row and why these positions order a row's changes:
 *  - PostgreSQL: `source.lsn` is the WAL position of the change itself. Across transactions LSNs
 *    interleave (logical decoding emits in commit order), but two transactions cannot change the
 *    same row concurrently: the second waits for the first's row lock, so its change is written
 *    after the first's commit. Per row, the LSN grows in emission order.
 *  - MariaDB/MySQL: the binlog is written in commit order. Within a GTID domain the sequence
 *    number grows and survives a failover; within one transaction (same GTID) and without GTIDs,
 *    the binlog file, the event's position and the row's index in a multi-row event order it.
 * Snapshot reads (`op: r`) are never dropped and do not move the position: a snapshot row is the
 * table's state when it was read (a resumed or repeated snapshot reads again), so applying it once
 * more is harmless, and its position (the snapshot's start) is not the row's change position.
 */
import type { ChangeEvent, SourceInfo } from './debezium-envelope.ts';

/** JSON-serialisable, for the engine's state store. */
export type SourcePosition =
  | { readonly kind: 'pg'; readonly lsn: string }
  | {
      readonly kind: 'binlog';
      readonly gtid: string | null;
      readonly file: string;
      readonly pos: number;
      readonly row: number;
    };

export interface ReplayDecision {
  readonly keep: boolean;
  /** What the engine stores for the key after this event (unchanged when dropped). */
  readonly position: SourcePosition | null;
  readonly why: string;
}

/** The event's position in its source's log, or null when the connector's positions are not ordered here. */
export function positionOf(source: SourceInfo): SourcePosition | null {
  if (source.connector === 'postgresql' && 'lsn' in source) return { kind: 'pg', lsn: source.lsn };
  if ((source.connector === 'mariadb' || source.connector === 'mysql') && 'file' in source) {
    return { kind: 'binlog', gtid: source.gtid, file: source.file, pos: source.pos, row: source.row };
  }
  return null;
}

/** The position as lineage shows it: the LSN; `binlog-file:pos` (the GTID goes in the txId). */
export function lineagePosition(source: SourceInfo): string {
  if ('lsn' in source && source.connector === 'postgresql') return source.lsn;
  if ('file' in source) return `${source.file}:${source.pos}`;
  return 'position' in source && source.position !== null ? source.position : '';
}

interface Gtid {
  readonly domain: string;
  readonly seq: bigint;
}

/** MariaDB `domain-server-seq`, or MySQL `server-uuid:seq` (the uuid plays the domain). */
function parseGtid(gtid: string | null): Gtid | null {
  if (gtid === null) return null;
  const mariadb = /^(\d+)-\d+-(\d+)$/.exec(gtid);
  if (mariadb?.[1] !== undefined && mariadb[2] !== undefined)
    return { domain: mariadb[1], seq: BigInt(mariadb[2]) };
  const mysql = /^([0-9a-fA-F-]{36}):(\d+)$/.exec(gtid);
  if (mysql?.[1] !== undefined && mysql[2] !== undefined)
    return { domain: mysql[1].toLowerCase(), seq: BigInt(mysql[2]) };
  return null;
}

/** `mysql-bin.000012` -> base `mysql-bin`, index 12. */
function parseFile(file: string): { base: string; index: number } | null {
  const match = /^(.*)\.(\d+)$/.exec(file);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { base: match[1], index: Number(match[2]) }
    : null;
}

const sign = (a: number | bigint, b: number | bigint): number => (a < b ? -1 : a > b ? 1 : 0);

type BinlogPosition = Extract<SourcePosition, { kind: 'binlog' }>;

function compareCoordinates(a: BinlogPosition, b: BinlogPosition): number | null {
  const fileA = parseFile(a.file);
  const fileB = parseFile(b.file);
  if (fileA === null || fileB === null || fileA.base !== fileB.base) return a.file === b.file ? 0 : null;
  return sign(fileA.index, fileB.index) || sign(a.pos, b.pos) || sign(a.row, b.row);
}

function compareBinlog(a: BinlogPosition, b: BinlogPosition): number | null {
  const gtidA = parseGtid(a.gtid);
  const gtidB = parseGtid(b.gtid);
  if (gtidA !== null && gtidB !== null && gtidA.domain === gtidB.domain) {
    const bySeq = sign(gtidA.seq, gtidB.seq);
    // The same transaction: its events follow each other in one binlog file.
    return bySeq !== 0 ? bySeq : (compareCoordinates(a, b) ?? 0);
  }
  return compareCoordinates(a, b);
}

/** Negative, zero or positive as `a` is before, at or after `b`; null when they cannot be ordered. */
export function comparePositions(a: SourcePosition, b: SourcePosition): number | null {
  if (a.kind === 'pg' && b.kind === 'pg') return sign(BigInt(a.lsn), BigInt(b.lsn));
  if (a.kind === 'binlog' && b.kind === 'binlog') return compareBinlog(a, b);
  return null;
}

/**
 * Keep or drop one change event of a key, given the position last let through for that key
 * (null or undefined when none). Updating the stored position with `position` is the engine's
 * job, in the same transaction as the outputs, so a replay of a parked event is dropped too.
 */
export function decideReplay(
  previous: SourcePosition | null | undefined,
  event: ChangeEvent,
): ReplayDecision {
  const before = previous ?? null;
  if (event.op === 'r') return { keep: true, position: before, why: 'a snapshot read is current state' };
  const position = positionOf(event.source);
  if (position === null) {
    return { keep: true, position: before, why: `${event.source.connector} positions are not ordered here` };
  }
  if (before === null) return { keep: true, position, why: 'the first change seen for this key' };
  const order = comparePositions(position, before);
  if (order === null)
    return { keep: true, position, why: 'not comparable with the last position (source moved)' };
  if (order <= 0)
    return { keep: false, position: before, why: 'at or below the last position seen for this key' };
  return { keep: true, position, why: 'after the last position seen for this key' };
}
