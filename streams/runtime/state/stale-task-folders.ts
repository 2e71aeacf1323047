/**
 * Folders of tasks that moved away: when the group gives a task to another instance, its LMDB
 * folder (`<stateDir>/<group>/task-<n>`, task-store.ts) stays here, and would stay for good. A
 * folder no task of this instance has used for `idleMs` is removed. Safe because a task that comes
 * back to this instance rebuilds its store from Kafka (a missing store is a new, empty one), and
 * never a folder in use: the caller names the tasks it has open, and must call this where tasks are
 * opened (the same lock or rebalance callback), so none is opened between the check and the removal.
 *
 * Last use is the newest modification time of the folder's files: LMDB writes `data.mdb` on every
 * commit and `lock.mdb` on every open.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface StaleTaskFolderOptions {
  /** The group's folder: `<stateDir>/<group id>`. */
  readonly dir: string;
  /** The tasks this instance has open now. */
  readonly inUse: ReadonlySet<number>;
  /** How long a folder must have gone unused before it is removed. */
  readonly idleMs: number;
  readonly nowMs: number;
}

const taskFolder = /^task-(\d+)$/;

function lastUsedMs(path: string): number {
  let newest = statSync(path).mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, statSync(join(path, name)).mtimeMs);
  return newest;
}

/** Removes the folders of tasks not in use and idle for `idleMs`; returns their paths. */
export function removeStaleTaskFolders(options: StaleTaskFolderOptions): string[] {
  let entries: string[];
  try {
    entries = readdirSync(options.dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries.sort()) {
    const match = taskFolder.exec(name);
    if (match?.[1] === undefined || options.inUse.has(Number(match[1]))) continue;
    const path = join(options.dir, name);
    if (options.nowMs - lastUsedMs(path) <= options.idleMs) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
