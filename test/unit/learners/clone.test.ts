import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelWithCommittee } from '../../../src/core/learners/modelWithCommittee';
import { blobs, range } from './helpers';

describe('ModelWithCommittee.clone (the engine retrains into a copy)', () => {
  const { X, y } = blobs(3, 30, 5, 1.5, 11);
  const first = range(30);
  const more = range(60);

  test('fitting a copy gives what fitting the original would, warm start and committee resampling included', () => {
    const a = new ModelWithCommittee(X, { classes: 3, committeeSize: 3, seed: 2 });
    const b = new ModelWithCommittee(X, { classes: 3, committeeSize: 3, seed: 2 });
    for (const m of [a, b]) {
      m.fit(first, y.subarray(0, 30));
      m.memberProba();
    }
    a.fit(more, y.subarray(0, 60));
    const copy = b.clone();
    copy.fit(more, y.subarray(0, 60));
    assert.deepEqual(copy.main.weights(), a.main.weights());
    assert.deepEqual(copy.memberProba(), a.memberProba());
  });

  test('fitting the copy leaves the original (main model and committee) as it was', () => {
    const m = new ModelWithCommittee(X, { classes: 3, committeeSize: 3, seed: 4 });
    m.fit(first, y.subarray(0, 30));
    const main = m.main.weights();
    const members = m.memberProba();
    const copy = m.clone();
    copy.fit(more, y.subarray(0, 60));
    copy.memberProba();
    assert.notDeepEqual(copy.main.weights(), main);
    assert.deepEqual(m.main.weights(), main);
    assert.deepEqual(m.memberProba(), members);
  });
});
