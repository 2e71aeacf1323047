import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignTasks } from '../../streams/runtime/kafka/task-assignment.ts';

const sizes = (m: Map<string, number[]>) => [...m.values()].map((t) => t.length).sort();

describe('assignTasks', () => {
  it('spreads tasks evenly and gives every task to exactly one member', () => {
    const result = assignTasks(
      [
        { id: 'b', previous: [] },
        { id: 'a', previous: [] },
      ],
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(sizes(result), [2, 3]);
    assert.deepEqual([...result.values()].flat().sort(), [0, 1, 2, 3, 4]);
  });

  it('keeps a task with the member that already has it', () => {
    const result = assignTasks(
      [
        { id: 'a', previous: [4, 5] },
        { id: 'b', previous: [0] },
      ],
      [0, 1, 2, 3, 4, 5],
    );
    assert.ok(result.get('a')!.includes(4) && result.get('a')!.includes(5));
    assert.ok(result.get('b')!.includes(0));
    assert.deepEqual(sizes(result), [3, 3]);
  });

  it('does not let a sticky member take more than its fair share', () => {
    const result = assignTasks(
      [
        { id: 'a', previous: [0, 1, 2, 3] },
        { id: 'b', previous: [] },
      ],
      [0, 1, 2, 3],
    );
    assert.deepEqual(sizes(result), [2, 2]);
  });

  it('never gives the same task to two members claiming it', () => {
    const result = assignTasks(
      [
        { id: 'a', previous: [1] },
        { id: 'b', previous: [1] },
      ],
      [0, 1],
    );
    assert.deepEqual([...result.values()].flat().sort(), [0, 1]);
  });

  it('leaves members empty when there are more members than tasks', () => {
    const result = assignTasks(
      [
        { id: 'a', previous: [] },
        { id: 'b', previous: [] },
        { id: 'c', previous: [] },
      ],
      [0],
    );
    assert.deepEqual(sizes(result), [0, 0, 1]);
  });
});
