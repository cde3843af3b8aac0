import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SettingError } from '../../../src/core/errors';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { checkStartable, parseCorpusSettings, parseDevice, parseGranularity, parseSettings, parseStartSettings, parseStrategy } from '../../../src/core/settingsParser';
import { STRATEGY_NAMES } from '../../../src/core/strategies/strategy';

const reader = (values: Record<string, unknown>): ((k: string) => unknown) => (k) => values[k];
const names = (setting: string) => (e: unknown): boolean => SettingError.is(e) && e.setting === setting && e.message.startsWith(`${setting}:`);

describe('settings parser: enumerations', () => {
  test('a strategy is meta or a fixed name; anything else names the setting (or CLI option) and lists them all', () => {
    for (const s of ['meta', ...STRATEGY_NAMES]) assert.equal(parseStrategy(s), s);
    assert.throws(
      () => parseStrategy('uncertainty'),
      (e: unknown) => names('labelwise.strategy')(e) && /"uncertainty"/.test((e as Error).message) && STRATEGY_NAMES.every((n) => (e as Error).message.includes(n)) && (e as Error).message.includes('meta'),
    );
    assert.throws(() => parseStrategy('bald', '--strategy'), names('--strategy'));
    // kl was dropped (it lost to random sampling): an old setting reads as vote-entropy, not an error.
    assert.equal(parseStrategy('kl'), 'vote-entropy');
    assert.throws(() => parseStrategy('constructor'), names('labelwise.strategy'));
  });

  test('a device is auto, cpu or cuda', () => {
    for (const d of ['auto', 'cpu', 'cuda']) assert.equal(parseDevice(d), d);
    assert.throws(() => parseDevice('GPU'), (e: unknown) => names('labelwise.device')(e) && /"GPU"/.test((e as Error).message) && /auto, cpu, cuda/.test((e as Error).message));
    assert.throws(() => parseDevice('', '--device'), names('--device'));
  });

  test('a granularity is sentence, paragraph or line', () => {
    assert.equal(parseGranularity('line'), 'line');
    assert.throws(() => parseGranularity('word'), (e: unknown) => names('labelwise.granularity')(e) && /"word"/.test((e as Error).message));
  });
});

describe('settings parser: corpus settings (checked once here, trusted by the corpus reader)', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ 'labelwise.granularity': 'word' }, 'labelwise.granularity'],
    [{ 'labelwise.maxFileSizeMB': -1 }, 'labelwise.maxFileSizeMB'],
    [{ 'labelwise.maxFileSizeMB': Number.NaN }, 'labelwise.maxFileSizeMB'],
    [{ 'labelwise.include': '**/*.txt' }, 'labelwise.include'],
    [{ 'labelwise.include': [3] }, 'labelwise.include'],
    [{ 'labelwise.include': ['  '] }, 'labelwise.include'],
    [{ 'labelwise.exclude': ['../secret/**'] }, 'labelwise.exclude'],
    [{ 'labelwise.include': ['/etc/**'] }, 'labelwise.include'],
    [{ 'labelwise.include': ['C:/data/**'] }, 'labelwise.include'],
  ];
  for (const [values, setting] of cases) {
    test(`${JSON.stringify(values)} is refused naming ${setting}`, () => {
      assert.throws(() => parseSettings(reader(values)), names(setting));
    });
  }
});

describe('settings parser: labelwise.lexicalFeatures', () => {
  test('a whole number of columns from 0 (off) to 1000, 100 by default', () => {
    assert.equal(parseSettings(reader({})).lexicalFeatures, 100);
    assert.equal(parseSettings(reader({ 'labelwise.lexicalFeatures': 0 })).lexicalFeatures, 0);
    assert.equal(parseSettings(reader({ 'labelwise.lexicalFeatures': 100 })).lexicalFeatures, 100);
    assert.equal(parseSettings(reader({ 'labelwise.lexicalFeatures': 1000 })).lexicalFeatures, 1000);
  });
  for (const bad of [-1, 2.5, '100', 1001, true]) {
    test(`${JSON.stringify(bad)} is refused naming labelwise.lexicalFeatures and the range`, () => {
      assert.throws(
        () => parseSettings(reader({ 'labelwise.lexicalFeatures': bad })),
        (e: unknown) => names('labelwise.lexicalFeatures')(e) && /from 0 to 1000/.test((e as Error).message) && (e as Error).message.includes(JSON.stringify(bad)),
      );
    });
  }
});

describe('settings parser: labelwise.semiSupervised', () => {
  test('off by default; off, propagation or self-training', () => {
    assert.equal(parseSettings(reader({})).semiSupervised, 'propagation');
    for (const v of ['off', 'propagation', 'self-training']) assert.equal(parseSettings(reader({ 'labelwise.semiSupervised': v })).semiSupervised, v);
  });
  for (const bad of ['labelprop', '', true, 1]) {
    test(`${JSON.stringify(bad)} is refused naming labelwise.semiSupervised and the choices`, () => {
      assert.throws(
        () => parseSettings(reader({ 'labelwise.semiSupervised': bad })),
        (e: unknown) => names('labelwise.semiSupervised')(e) && (e as Error).message.includes('off, propagation, self-training') && (e as Error).message.includes(JSON.stringify(bad)),
      );
    });
  }
});

describe('settings parser: a session needs a label set', () => {
  test('fewer than two labels is refused naming labelwise.labels; two or more give a label set', () => {
    for (const labels of [[], ['only']]) {
      assert.throws(() => checkStartable(parseSettings(reader({ 'labelwise.labels': labels }))), names('labelwise.labels'));
    }
    assert.deepEqual(checkStartable(parseSettings(reader({ 'labelwise.labels': [' a ', 'b'] }))).labels, ['a', 'b']);
  });
});

describe('settings parser at the worker boundary', () => {
  const good: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', strategy: 'margin', committeeSize: 3 };

  test('settings the host built come through unchanged', () => {
    assert.deepEqual(parseStartSettings(good), good);
  });

  test('a start message with bad settings is refused naming the setting', () => {
    assert.throws(() => parseStartSettings({ ...good, strategy: 'clever' }), names('labelwise.strategy'));
    assert.throws(() => parseStartSettings({ ...good, labels: ['one'] }), names('labelwise.labels'));
    assert.throws(() => parseStartSettings({ ...good, device: 'tpu' }), names('labelwise.device'));
    assert.throws(() => parseStartSettings(null), names('labelwise.labels'));
  });

  test('an anchors message: only its corpus settings are parsed', () => {
    const params = { root: '/r', granularity: 'line', include: ['**/*.md'], exclude: [], maxFileSizeMB: 2, decisions: [] };
    assert.deepEqual(parseCorpusSettings(params), { granularity: 'line', include: ['**/*.md'], exclude: [], maxFileSizeMB: 2 });
    assert.throws(() => parseCorpusSettings({ ...params, exclude: ['../x'] }), names('labelwise.exclude'));
    assert.throws(() => parseCorpusSettings({ ...params, granularity: 'word' }), names('labelwise.granularity'));
  });
});
