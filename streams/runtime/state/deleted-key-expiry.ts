/**
 * Entries kept for a deleted key, forgotten after a grace period: a processor that must remember a
 * deleted key for a while (ingest keeps a deleted row's last source position so that a Debezium
 * replay of its changes is dropped) marks it deleted, and `sweep` removes its entries once
 * `graceMs` has passed, unless the key came back meanwhile (`revive`).
 *
 * Time is the records' time, never the wall clock: a processor is a pure function of its input
 * and state (processor.ts), and a restore replaying the same records must forget the same keys at
 * the same records. The clock is the highest record time seen, so it never runs backwards when a
 * record arrives with an older timestamp.
 *
 * The state API has no range scan, so the keys due are found through a queue of time buckets kept
 * in the state itself: `queue` holds `<bucket>\u001f<n>` -> key, `count` the number of keys per
 * bucket, and one `cursor` row the clock, the next bucket to sweep and the last bucket enqueued.
 * Every operation is O(1) per key marked or forgotten, plus one read per bucket the clock passes.
 */
import type { StateView } from './task-state.ts';

export interface DeletedKeyExpiryOptions {
  /** Prefix of the tables this module keeps (e.g. `positions-expiry`), distinct per use. */
  readonly prefix: string;
  /** The tables whose entry under a forgotten key is deleted. */
  readonly tables: readonly string[];
  /** How long a deleted key's entries are kept, on the records' clock. */
  readonly graceMs: number;
  /** Width of a queue bucket: a key goes at most this long after its grace period. */
  readonly bucketMs?: number;
}

interface Cursor {
  /** The highest record time seen. */
  readonly clockMs: number;
  /** The lowest bucket that may still hold keys. */
  readonly next: number;
  /** The highest bucket a key was queued in. */
  readonly head: number;
}

export interface DeletedKeyExpiry {
  /** The key's entries go once the clock passes `deletedAtMs + graceMs`, unless revived first. */
  markDeleted(state: StateView, key: string, deletedAtMs: number): void;
  /** The key is live again: its entries stay. Cheap when the key was never marked. */
  revive(state: StateView, key: string): void;
  /** Advances the clock to `recordTimeMs` and forgets the keys now due; returns them, oldest first. */
  sweep(state: StateView, recordTimeMs: number): string[];
  /** The clock: the highest record time swept with, or undefined before the first. */
  clockMs(state: StateView): number | undefined;
}

const separator = '\u001f';
const cursorKey = 'cursor';

export function deletedKeyExpiry(options: DeletedKeyExpiryOptions): DeletedKeyExpiry {
  const { prefix, tables, graceMs } = options;
  const bucketMs = options.bucketMs ?? 60_000;
  if (!(graceMs >= 0) || !(bucketMs > 0)) throw new RangeError('graceMs must be >= 0 and bucketMs > 0');
  const marks = `${prefix}.marks`;
  const queue = `${prefix}.queue`;
  const count = `${prefix}.count`;
  const meta = `${prefix}.cursor`;
  const bucketOf = (ms: number) => Math.floor(ms / bucketMs);

  const forget = (state: StateView, key: string, clockMs: number): boolean => {
    const deletedAt = state.get<number>(marks, key);
    if (deletedAt === undefined || deletedAt + graceMs > clockMs) return false;
    for (const table of tables) state.delete(table, key);
    state.delete(marks, key);
    return true;
  };

  return {
    markDeleted(state, key, deletedAtMs) {
      const cursor = state.get<Cursor>(meta, cursorKey);
      // Marked at the clock when the record is older than it, so buckets are queued in order.
      const at = Math.max(deletedAtMs, cursor?.clockMs ?? deletedAtMs);
      const bucket = bucketOf(at);
      const n = state.get<number>(count, String(bucket)) ?? 0;
      state.put(count, String(bucket), n + 1);
      state.put(queue, `${bucket}${separator}${n}`, key);
      state.put(marks, key, at);
      state.put(meta, cursorKey, {
        clockMs: Math.max(at, cursor?.clockMs ?? at),
        next: cursor === undefined || cursor.next > cursor.head ? bucket : cursor.next,
        head: Math.max(bucket, cursor?.head ?? bucket),
      } satisfies Cursor);
    },

    revive(state, key) {
      if (state.get<number>(marks, key) !== undefined) state.delete(marks, key);
    },

    sweep(state, recordTimeMs) {
      const cursor = state.get<Cursor>(meta, cursorKey);
      if (cursor === undefined) {
        state.put(meta, cursorKey, { clockMs: recordTimeMs, next: 1, head: 0 } satisfies Cursor);
        return [];
      }
      const clockMs = Math.max(cursor.clockMs, recordTimeMs);
      // A bucket is swept whole once its last millisecond is past the grace period.
      const lastDue = bucketOf(clockMs - graceMs + 1) - 1;
      const forgotten: string[] = [];
      let next = cursor.next;
      for (; next <= Math.min(lastDue, cursor.head); next += 1) {
        const n = state.get<number>(count, String(next)) ?? 0;
        for (let i = 0; i < n; i += 1) {
          const entry = `${next}${separator}${i}`;
          const key = state.get<string>(queue, entry);
          state.delete(queue, entry);
          if (key !== undefined && forget(state, key, clockMs)) forgotten.push(key);
        }
        if (n > 0) state.delete(count, String(next));
      }
      if (clockMs !== cursor.clockMs || next !== cursor.next)
        state.put(meta, cursorKey, { clockMs, next, head: cursor.head } satisfies Cursor);
      return forgotten;
    },

    clockMs: (state) => state.get<Cursor>(meta, cursorKey)?.clockMs,
  };
}
