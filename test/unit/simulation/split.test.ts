import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readSplit, stratifiedTestIds } from '../../../src/core/simulation/split';
import { InputError } from '../../../src/core/errors';

describe('stratifiedTestIds', () => {
  const labels = [...new Array<number>(70).fill(0), ...new Array<number>(30).fill(1), 2, 2];
  test('holds out the fraction of every class, by seed', () => {
    const t = stratifiedTestIds(labels, 0.3, 1);
    assert.equal(t.filter((i) => labels[i] === 0).length, 21);
    assert.equal(t.filter((i) => labels[i] === 1).length, 9);
    assert.deepEqual(t, stratifiedTestIds(labels, 0.3, 1));
    assert.notDeepEqual(t, stratifiedTestIds(labels, 0.3, 2));
  });
  test('never moves a whole class into the test split', () => {
    const t = stratifiedTestIds(labels, 0.9, 1);
    assert.ok(t.filter((i) => labels[i] === 2).length <= 1);
  });
});

describe('readSplit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labelwise-split-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string): string => {
    const f = join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  test('reads testIds and initIds', () => {
    const f = write('ok.json', JSON.stringify({ testIds: [0, 5], initIds: [1, 2] }));
    assert.deepEqual(readSplit(f, 10), { testIds: [0, 5], initIds: [1, 2] });
  });

  const bad: [string, string, RegExp][] = [
    ['notjson.json', '{testIds: [1]', /not valid JSON/],
    ['array.json', '[1, 2]', /must be a JSON object/],
    ['missing.json', '{"initIds": [1]}', /"testIds" must be an array/],
    ['range.json', '{"testIds": [1, 10]}', /testIds\[1\] = 10 is not a record number in 0..9/],
    ['float.json', '{"testIds": [1.5]}', /testIds\[0\] = 1.5/],
    ['dup.json', '{"testIds": [3, 3]}', /lists record 3 twice/],
    ['overlap.json', '{"testIds": [3], "initIds": [3]}', /initIds contains record 3, which is also in testIds/],
    ['empty.json', '{"testIds": []}', /"testIds" is empty/],
    ['all.json', JSON.stringify({ testIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }), /the pool would be empty/],
  ];
  for (const [name, body, re] of bad) {
    test(`rejects ${name} with an error naming the file`, () => {
      const f = write(name, body);
      assert.throws(() => readSplit(f, 10), (e: unknown) => InputError.is(e) && e.message.startsWith(f) && re.test(e.message));
    });
  }
  test('a missing file is an InputError naming it', () => {
    assert.throws(() => readSplit(join(dir, 'nope.json'), 10), (e: unknown) => InputError.is(e) && e.message.includes('nope.json'));
  });
});
