import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotTrainedError, SettingError } from '../../../src/core/errors';
import { BootstrapCommittee } from '../../../src/core/learners/committee';
import { blobs, range } from './helpers';

describe('BootstrapCommittee', () => {
  const { X, y } = blobs(3, 20, 4, 2, 7);
  const rows = range(X.rows);

  test('the same seed gives the same members; another seed gives different ones', () => {
    const a = new BootstrapCommittee({ classes: 3, seed: 1 });
    const b = new BootstrapCommittee({ classes: 3, seed: 1 });
    const c = new BootstrapCommittee({ classes: 3, seed: 2 });
    for (const m of [a, b, c]) m.fit(X, rows, y);
    assert.deepEqual(a.memberProba(X), b.memberProba(X));
    assert.notDeepEqual(a.memberProba(X), c.memberProba(X));
  });

  test('has committeeSize members that differ from each other (bootstrap resamples)', () => {
    const com = new BootstrapCommittee({ classes: 3, seed: 3, size: 4 });
    com.fit(X, rows, y);
    const probs = com.memberProba(X);
    assert.equal(probs.length, 4);
    assert.notDeepEqual(probs[0], probs[1]);
  });

  test('predictProba is the mean of the members', () => {
    const com = new BootstrapCommittee({ classes: 3, seed: 4, size: 3 });
    com.fit(X, rows, y);
    const members = com.memberProba(X);
    const mean = com.predictProba(X);
    for (let i = 0; i < mean.length; i++) {
      assert.ok(Math.abs(mean[i] - (members[0][i] + members[1][i] + members[2][i]) / 3) < 1e-6);
    }
  });

  test('every member sees every labeled class, even with one example of a class', () => {
    const few = Int32Array.from([0, 3, 6, 9, 1, 2]);
    const yy = Int32Array.from(few, (r) => y[r]);
    const com = new BootstrapCommittee({ classes: 3, seed: 5, size: 5, C: 100 });
    com.fit(X, few, yy);
    // A member that saw each class predicts each of them with the highest probability for its own rows.
    for (const p of com.memberProba(X, few)) {
      const predicted = new Set<number>();
      for (let i = 0; i < few.length; i++) {
        let best = 0;
        for (let k = 1; k < 3; k++) if (p[i * 3 + k] > p[i * 3 + best]) best = k;
        predicted.add(best);
      }
      assert.equal(predicted.size, 3);
    }
  });

  test('untrained committee throws NotTrainedError; fewer than 2 members is a setting error', () => {
    assert.throws(() => new BootstrapCommittee({ classes: 3, seed: 1 }).memberProba(X), NotTrainedError);
    assert.throws(() => new BootstrapCommittee({ classes: 3, seed: 1, size: 1 }), (e: unknown) => SettingError.is(e) && /committeeSize/.test(e.setting));
  });
});
