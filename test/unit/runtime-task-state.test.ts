import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TaskState } from '../../streams/runtime/state/task-state.ts';
import { TaskStore } from '../../streams/runtime/state/task-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncline-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('TaskStore and TaskState', () => {
  it('shows uncommitted changes to the processor but persists only what is committed', async () => {
    const store = TaskStore.open(dir, 0, 'offers|v1');
    const state = new TaskState(store);
    state.put('product', 'SKU-1', { name: 'A' });
    assert.deepEqual(state.get('product', 'SKU-1'), { name: 'A' });
    assert.equal(store.get('product', 'SKU-1'), undefined);
    store.commit(state.takeChanges(), new Map([['catalog.product.v1:0', '5']]));
    state.put('product', 'SKU-2', { name: 'B' });
    state.discard();
    assert.equal(state.get('product', 'SKU-2'), undefined);
    state.delete('product', 'SKU-1');
    assert.equal(state.get('product', 'SKU-1'), undefined);
    state.discard();
    await store.close();

    const reopened = TaskStore.open(dir, 0, 'offers|v1');
    assert.deepEqual(reopened.get('product', 'SKU-1'), { name: 'A' });
    assert.deepEqual(Object.fromEntries(reopened.checkpoint()!), { 'catalog.product.v1:0': '5' });
    await reopened.close();
  });

  it('wipes a store written for another processor or config', async () => {
    const store = TaskStore.open(dir, 1, 'offers|v1');
    store.commit(new Map([['product', new Map([['SKU-1', { name: 'A' }]])]]), new Map([['t:1', '3']]));
    await store.close();
    const other = TaskStore.open(dir, 1, 'offers|v2');
    assert.equal(other.get('product', 'SKU-1'), undefined);
    assert.equal(other.checkpoint(), undefined);
    await other.close();
  });
});
