import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LABEL_COLOR_COUNT, labelColorIds, labelColorSlot } from '../../../src/protocol';
import { colorClassOf, labelColorClass } from '../../../src/webview/labelColors';

const root = join(__dirname, '..', '..', '..');
interface ColorContribution {
  readonly id: string;
  readonly description: string;
  readonly defaults: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { colors?: ColorContribution[] } };
const colors = manifest.contributes.colors ?? [];
const css = readFileSync(join(root, 'media', 'panel.css'), 'utf8');
const THEMES = ['dark', 'light', 'highContrast', 'highContrastLight'];

describe('label colours: one theme colour per label position, in the manifest, the panel and the editor', () => {
  test('the manifest contributes a colour and a fill for every slot, with a default for each theme kind', () => {
    const slots = Array.from({ length: LABEL_COLOR_COUNT }, (_, i) => labelColorIds(i + 1));
    assert.deepEqual(
      colors.map((c) => c.id).sort(),
      slots.flatMap((s) => [s.color, s.background]).sort(),
    );
    for (const c of colors) {
      assert.ok(c.description.length > 20, `${c.id}: a description for the colour customizations`);
      assert.deepEqual(Object.keys(c.defaults).sort(), [...THEMES].sort(), `${c.id}: defaults for every theme kind`);
      for (const t of THEMES) assert.match(c.defaults[t], /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, `${c.id}.${t}`);
    }
  });

  test('label colours differ from each other in each theme, and fills are translucent', () => {
    for (const t of THEMES) {
      const fg = colors.filter((c) => !c.id.endsWith('Background')).map((c) => c.defaults[t].toLowerCase());
      assert.equal(new Set(fg).size, LABEL_COLOR_COUNT, `${t}: ${LABEL_COLOR_COUNT} distinct colours`);
    }
    for (const c of colors.filter((x) => x.id.endsWith('Background'))) {
      for (const t of THEMES) assert.equal(c.defaults[t].length, 9, `${c.id}.${t} has an alpha channel`);
    }
  });

  test('the panel reads every contributed colour as the CSS variable VS Code gives webviews', () => {
    for (let slot = 1; slot <= LABEL_COLOR_COUNT; slot++) {
      const ids = labelColorIds(slot);
      const rule = new RegExp(`\\.lw-label-${slot} \\{[^}]*var\\(--vscode-${ids.color.replace('.', '-')},[^}]*var\\(--vscode-${ids.background.replace('.', '-')},`);
      assert.match(css, rule, `panel.css maps .lw-label-${slot} to ${ids.color} and ${ids.background}`);
    }
  });

  test('a label keeps its colour by position in labelwise.labels, wrapping past the palette', () => {
    assert.equal(labelColorSlot(0), 1);
    assert.equal(labelColorSlot(8), 9);
    assert.equal(labelColorSlot(9), 1);
    assert.equal(labelColorSlot(13), 5);
    assert.equal(labelColorClass(10), 'lw-label-2');
    const labels = ['news', 'sports', 'science'].map((name, i) => ({ name, key: String(i + 1) }));
    assert.equal(colorClassOf(labels, 'science'), 'lw-label-3');
    assert.equal(colorClassOf(labels, 'gone'), 'lw-label-none');
  });
});
