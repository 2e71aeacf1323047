import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TaskStore } from '../../streams/runtime/state/task-store.ts';

const baseDir = mkdtempSync(join(tmpdir(), 'syncline-store-discard-'));

describe('task store: discarding a store a write failed on', () => {
  after(() => rmSync(baseDir, { recursive: true, force: true }));

  it('removes its folder, so the next open starts empty and the task rebuilds it from Kafka', async () => {
    const store = TaskStore.open(baseDir, 3, 'counter|in|out');
    store.commit(new Map([['count', new Map<string, unknown>([['k1', 7]])]]), new Map([['in:3', '42']]));
    await store.discard();
    assert.equal(existsSync(store.path), false);

    const reopened = TaskStore.open(baseDir, 3, 'counter|in|out');
    try {
      assert.equal(reopened.checkpoint(), undefined);
      assert.equal(reopened.get('count', 'k1'), undefined);
    } finally {
      await reopened.close();
    }
  });
});
