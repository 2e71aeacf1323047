/**
 * A task's local state: its tables (key -> value, per table name) and the input offsets they
 * reflect, in one LMDB environment per task, so a restart resumes from there instead of re-reading
 * every compacted topic.
 *
 * Written only after the Kafka transaction that produced the matching outputs has committed, and
 * always tables + checkpoint in one LMDB transaction (ARCHITECTURE "Local state after SIGKILL"):
 * the checkpoint is never ahead of Kafka and never out of step with the tables it describes.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { SynclineError } from '../errors.ts';

/** Next offset to read, per `topic:partition` ("caught up" means position >= high watermark). */
export type Checkpoint = ReadonlyMap<string, string>;

/** Changes of one transaction: table -> key -> new value (undefined = deleted). */
export type TableChanges = Map<string, Map<string, unknown>>;

const checkpointKey = '\u0000checkpoint';
const signatureKey = '\u0000signature';
const formatVersion = 1;

export const topicPartition = (topic: string, partition: number): string => `${topic}:${partition}`;

export class TaskStore {
  private constructor(
    private readonly db: RootDatabase,
    readonly path: string,
  ) {}

  /**
   * Opens (or creates) the store of a task. `signature` names what the state is derived from (the
   * processor and its inputs); a store written for anything else is wiped, as it cannot be trusted.
   */
  static open(baseDir: string, task: number, signature: string): TaskStore {
    const path = join(baseDir, `task-${task}`);
    mkdirSync(path, { recursive: true });
    let db: RootDatabase;
    try {
      db = open({ path, compression: false });
    } catch (error) {
      // A store that will not open (truncated by a crash, another version) is rebuilt from Kafka.
      rmSync(path, { recursive: true, force: true });
      mkdirSync(path, { recursive: true });
      try {
        db = open({ path, compression: false });
      } catch (again) {
        throw new SynclineError(
          'STATE_STORE',
          `cannot open the local state store at ${path}: ${(again as Error).message}`,
          false,
          {
            cause: error,
          },
        );
      }
    }
    const store = new TaskStore(db, path);
    const expected = `${formatVersion}|${signature}`;
    if (db.get(signatureKey) !== expected) {
      try {
        db.clearSync();
        db.putSync(signatureKey, expected);
      } catch (error) {
        // A full disk: closed, or the environment would stay open in this process. The store is
        // left without its signature, so the next open clears it again.
        void db.close().catch(() => undefined);
        throw new SynclineError(
          'STATE_STORE',
          `cannot write the local state store at ${path}: ${(error as Error).message}`,
          true,
          { cause: error },
        );
      }
    }
    return store;
  }

  /** The offsets the tables reflect, or undefined for a new or wiped store. */
  checkpoint(): Checkpoint | undefined {
    const raw = this.db.get(checkpointKey) as Record<string, string> | undefined;
    return raw === undefined ? undefined : new Map(Object.entries(raw));
  }

  get(table: string, key: string): unknown {
    return this.db.get(`${table}\u0000${key}`);
  }

  /** Applies one committed transaction's changes and the new checkpoint atomically. */
  commit(changes: TableChanges, checkpoint: Checkpoint): void {
    this.db.transactionSync(() => {
      for (const [table, rows] of changes) {
        for (const [key, value] of rows) {
          if (value === undefined) void this.db.remove(`${table}\u0000${key}`);
          else void this.db.put(`${table}\u0000${key}`, value);
        }
      }
      void this.db.put(checkpointKey, Object.fromEntries(checkpoint));
    });
  }

  /**
   * Number of rows (for the state-size metric), from LMDB's own statistics: O(1), where
   * `getKeysCount()` walks every key (11 ms for 200k rows, on every commit of every task).
   */
  size(): number {
    const { entryCount } = this.db.getStats() as { entryCount?: number };
    return Math.max(0, (entryCount ?? 0) - 2);
  }

  wipe(): void {
    const signature = this.db.get(signatureKey) as string;
    this.db.clearSync();
    this.db.putSync(signatureKey, signature);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /**
   * Closes the store and removes its folder, for a store a write failed on (a full disk, EIO): it
   * no longer reflects what Kafka committed, and the task's next start, finding no store, rebuilds
   * it from Kafka. Removing it also frees the space that rebuild needs. Call it right after the
   * failed write: lmdb 3.5 lets a later write succeed and then never finishes closing.
   */
  async discard(): Promise<void> {
    await this.db.close();
    rmSync(this.path, { recursive: true, force: true });
  }
}
