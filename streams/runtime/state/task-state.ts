/**
 * The state a processor sees while it handles a batch: the task's committed tables with this
 * transaction's uncommitted changes on top. Commit hands the changes to the store; abort forgets
 * them, so state never runs ahead of what Kafka has committed.
 */
import type { TableChanges, TaskStore } from './task-store.ts';

export interface StateView {
  get<T>(table: string, key: string): T | undefined;
  put(table: string, key: string, value: unknown): void;
  delete(table: string, key: string): void;
}

export class TaskState implements StateView {
  private pending: TableChanges = new Map();

  constructor(private readonly store: Pick<TaskStore, 'get'>) {}

  get<T>(table: string, key: string): T | undefined {
    const rows = this.pending.get(table);
    if (rows?.has(key)) return rows.get(key) as T | undefined;
    return this.store.get(table, key) as T | undefined;
  }

  put(table: string, key: string, value: unknown): void {
    this.rows(table).set(key, value);
  }

  delete(table: string, key: string): void {
    this.rows(table).set(key, undefined);
  }

  /** The changes since the last commit or abort, and a fresh overlay for the next transaction. */
  takeChanges(): TableChanges {
    const changes = this.pending;
    this.pending = new Map();
    return changes;
  }

  discard(): void {
    this.pending = new Map();
  }

  private rows(table: string): Map<string, unknown> {
    let rows = this.pending.get(table);
    if (!rows) {
      rows = new Map();
      this.pending.set(table, rows);
    }
    return rows;
  }
}
