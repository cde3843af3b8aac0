import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SettingError } from '../../../src/core/errors';
import { defaultSettings, settingKeys } from '../../../src/core/settings';
import { checkSessionStartable, checkStartable, defaultAnnotator, readSettings, restrictToTrust } from '../../../src/extension/config';

function reader(values: Record<string, unknown>): (k: string) => unknown {
  return (k) => values[k];
}

function settingErrorFor(values: Record<string, unknown>): SettingError {
  try {
    readSettings(reader(values));
  } catch (e) {
    assert.ok(SettingError.is(e), `expected a SettingError, got ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(values)}`);
}

describe('settings', () => {
  test('unset settings get the defaults; an empty annotator becomes the OS user name', () => {
    const s = readSettings(reader({}));
    assert.deepEqual({ ...s, annotator: '' }, { ...defaultSettings, annotator: '' });
    assert.equal(s.annotator, defaultAnnotator());
    assert.notEqual(s.annotator, '');
  });

  test('set values are read by their full keys', () => {
    const s = readSettings(reader({ 'labelwise.labels': ['a', ' b '], 'labelwise.budget': 50, 'labelwise.annotator': 'kim', 'labelwise.strategy': 'margin', 'labelwise.device': 'cpu' }));
    assert.deepEqual(s.labels, ['a', 'b']);
    assert.equal(s.budget, 50);
    assert.equal(s.annotator, 'kim');
    assert.equal(s.strategy, 'margin');
    assert.equal(s.device, 'cpu');
  });

  test('labelwise.multiLabel is off by default and read as a boolean', () => {
    assert.equal(readSettings(reader({})).multiLabel, false);
    assert.equal(readSettings(reader({ 'labelwise.multiLabel': true })).multiLabel, true);
  });

  test('labelwise.vectors is empty (encode) by default, read trimmed, and set aside in Restricted Mode with a notice', () => {
    assert.equal(readSettings(reader({})).vectors, '');
    const s = readSettings(reader({ 'labelwise.vectors': ' shards/ ' }));
    assert.equal(s.vectors, 'shards/');
    assert.deepEqual(restrictToTrust(s, true), { settings: s });
    const r = restrictToTrust(s, false);
    assert.equal(r.settings.vectors, '');
    assert.match(r.notice ?? '', /Restricted Mode, so labelwise\.vectors \("shards\/"\) is not loaded/);
    const both = restrictToTrust({ ...s, model: 'models/mini' }, false);
    assert.deepEqual([both.settings.model, both.settings.vectors], ['default', '']);
    assert.match(both.notice ?? '', /labelwise\.model \("models\/mini"\) and labelwise\.vectors \("shards\/"\) are not loaded/);
  });

  const bad: [string, unknown, RegExp][] = [
    ['labelwise.labels', 'news', /list of strings/],
    ['labelwise.labels', ['a', 'a'], /listed twice/],
    ['labelwise.labels', ['a', ''], /must not be empty/],
    ['labelwise.budget', 0, /at least 1/],
    ['labelwise.budget', 2.5, /whole number/],
    ['labelwise.granularity', 'word', /sentence, paragraph, line/],
    ['labelwise.include', [], /at least one glob/],
    ['labelwise.exclude', [3], /list of strings/],
    ['labelwise.maxFileSizeMB', -1, /positive number/],
    ['labelwise.batchSize', 0, /from 1 to 1000/],
    ['labelwise.strategy', 'best', /meta or one of .*margin/],
    ['labelwise.diversity', 'yes', /true or false/],
    ['labelwise.committeeSize', 1, /from 2 to 50/],
    ['labelwise.model', '  ', /default/],
    ['labelwise.device', 'gpu', /auto, cpu, cuda/],
    ['labelwise.annotator', 7, /string/],
    ['labelwise.autoRetrainEvery', -3, /at least 0/],
    ['labelwise.seed', 'x', /whole number/],
    ['labelwise.multiLabel', 'yes', /true or false/],
    ['labelwise.vectors', 3, /string/],
    ['labelwise.task', 'ner', /must be one of classify, spans, got "ner"/],
    ['labelwise.task', 1, /must be one of classify, spans/],
    ['labelwise.spanLabels', 'PERSON', /list of strings/],
    ['labelwise.spanLabels', ['PERSON', 'PERSON'], /"PERSON" is listed twice/],
    ['labelwise.spanLabels', ['PERSON', ' '], /must not be empty/],
    ['labelwise.allowOverlap', 'yes', /true or false/],
  ];
  for (const [key, value, why] of bad) {
    test(`a bad ${key} (${JSON.stringify(value)}) is reported naming the setting`, () => {
      const e = settingErrorFor({ [key]: value });
      assert.equal(e.setting, key);
      assert.ok(e.message.startsWith(`${key}:`), e.message);
      assert.match(e.message, why);
    });
  }

  test('the spans task: off by default; a spans session needs one entity label and sentences or lines, not the classification labels', () => {
    const d = readSettings(reader({}));
    assert.deepEqual([d.task, d.spanLabels, d.allowOverlap], ['classify', [], false]);
    const spans = (extra: Record<string, unknown>): unknown => checkSessionStartable(readSettings(reader({ 'labelwise.task': 'spans', ...extra })));
    assert.throws(() => spans({}), (e: unknown) => SettingError.is(e) && e.setting === 'labelwise.spanLabels' && /at least one entity label/.test(e.message));
    assert.throws(() => spans({ 'labelwise.spanLabels': ['PERSON'], 'labelwise.granularity': 'paragraph' }), (e: unknown) => SettingError.is(e) && e.setting === 'labelwise.granularity');
    const ok = spans({ 'labelwise.spanLabels': [' PERSON ', 'ORG'], 'labelwise.granularity': 'line', 'labelwise.allowOverlap': true });
    assert.deepEqual(ok, { ...readSettings(reader({ 'labelwise.task': 'spans', 'labelwise.spanLabels': ['PERSON', 'ORG'], 'labelwise.granularity': 'line', 'labelwise.allowOverlap': true })), task: 'spans' });
    // A classify session still needs its two labels.
    assert.throws(() => checkSessionStartable(readSettings(reader({}))), (e: unknown) => SettingError.is(e) && e.setting === 'labelwise.labels');
  });

  test('a session needs at least two labels', () => {
    assert.throws(() => checkStartable(readSettings(reader({ 'labelwise.labels': ['only'] }))), (e: unknown) => SettingError.is(e) && e.setting === 'labelwise.labels');
    assert.doesNotThrow(() => checkStartable(readSettings(reader({ 'labelwise.labels': ['a', 'b'] }))));
  });

  test('package.json declares every setting with a description and the same default', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: unknown; description?: string; markdownDescription?: string; enum?: unknown[] }> } };
    };
    const props = pkg.contributes.configuration.properties;
    for (const [name, key] of Object.entries(settingKeys)) {
      const p = props[key];
      assert.ok(p, `${key} is missing from contributes.configuration`);
      assert.ok((p.description ?? p.markdownDescription ?? '').length > 20, `${key} needs a description`);
      assert.deepEqual(p.default, defaultSettings[name as keyof typeof defaultSettings], `${key} default`);
    }
    assert.deepEqual(Object.keys(props).sort(), Object.values(settingKeys).sort(), 'no undeclared settings');
    assert.deepEqual(props['labelwise.device'].enum, ['auto', 'cpu', 'cuda']);
    assert.ok(props['labelwise.strategy'].enum?.includes('meta'));
  });
});
