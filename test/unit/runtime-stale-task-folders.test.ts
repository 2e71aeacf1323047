import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { removeStaleTaskFolders } from '../../streams/runtime/state/stale-task-folders.ts';

const dayMs = 86_400_000;
const now = Date.UTC(2026, 11, 3);
const dirs: string[] = [];

function taskFolder(dir: string, name: string, lastUsedMs: number): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const file of ['data.mdb', 'lock.mdb']) {
    writeFileSync(join(path, file), 'x');
    utimesSync(join(path, file), lastUsedMs / 1000, lastUsedMs / 1000);
  }
  utimesSync(path, lastUsedMs / 1000, lastUsedMs / 1000);
  return path;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('stale task folders', () => {
  it('removes the folders of tasks not in use and idle past the period, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-tasks-'));
    dirs.push(dir);
    const gone = taskFolder(dir, 'task-1', now - 8 * dayMs);
    const recent = taskFolder(dir, 'task-2', now - 1 * dayMs);
    const inUse = taskFolder(dir, 'task-3', now - 30 * dayMs);
    const other = taskFolder(dir, 'not-a-task', now - 30 * dayMs);
    const removed = removeStaleTaskFolders({ dir, inUse: new Set([3]), idleMs: 7 * dayMs, nowMs: now });
    assert.deepEqual(removed, [gone]);
    assert.equal(existsSync(gone), false);
    for (const kept of [recent, inUse, other]) assert.equal(existsSync(kept), true, kept);
  });

  it('a group folder that does not exist yet is nothing to remove', () => {
    assert.deepEqual(
      removeStaleTaskFolders({
        dir: join(tmpdir(), 'syncline-none-here'),
        inUse: new Set(),
        idleMs: 0,
        nowMs: now,
      }),
      [],
    );
  });
});
