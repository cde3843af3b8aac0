import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { restOfTaskGains, runTask, syntheticTask, type StateRecord, type Task } from '../../../scripts/trainPrior';

const state = (task: string, labels: number, gains: number[]): StateRecord => ({ source: 'synthetic', task, labels, features: [], gains });

describe('prior training', () => {
  test('the target of a state is each strategy\'s mean gain over the rest of its own task', () => {
    const states = [state('a', 20, [1, 0]), state('a', 40, [3, 2]), state('b', 20, [10, 10]), state('a', 60, [5, 4])];
    assert.deepEqual(restOfTaskGains(states), [
      [3, 2],
      [4, 3],
      [10, 10],
      [5, 4],
    ]);
  });

  test('synthetic tasks are deterministic per seed and differ between tasks', () => {
    const a = syntheticTask(3, 1);
    const b = syntheticTask(3, 1);
    assert.deepEqual(a.Xpool.data, b.Xpool.data);
    assert.deepEqual(a.yTest, b.yTest);
    assert.notDeepEqual(syntheticTask(4, 1).Xpool.data.subarray(0, 10), a.Xpool.data.subarray(0, 10));
    assert.ok(a.classes >= 2 && a.classes <= 10);
    assert.equal(a.Xpool.rows, a.yPool.length);
    assert.ok(a.yPool.every((y) => y >= 0 && y < a.classes));
  });

  test('a task whose pool is smaller than the budget ends when the pool runs out (it looped for ever)', { timeout: 60_000 }, () => {
    // 60 pool rows, budget 300: the trajectory must stop at 60 labels instead of spinning on empty batches.
    const big = syntheticTask(3, 1);
    const rows = 60;
    const d = big.Xpool.cols;
    const task: Task = {
      ...big,
      name: 'small',
      Xpool: { rows, cols: d, data: big.Xpool.data.slice(0, rows * d) },
      yPool: big.yPool.slice(0, rows),
    };
    const states = runTask(task, 1, 2);
    assert.ok(states.length > 0);
    assert.ok(states.every((s) => s.labels < rows));
  });
});
