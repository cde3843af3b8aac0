import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { drawIcon } from '../../../scripts/makeIcon.mjs';
import { CONTEXT_KEYS } from '../../../src/extension/contextKeys';
import { LABELS_VIEW_ID } from '../../../src/extension/labelsView';

/** package.json as far as these checks read it. */
interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string; altText?: string };
  completionEvents?: string[];
}
interface Manifest {
  name: string;
  publisher: string;
  icon?: string;
  repository?: { type: string; url: string };
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; icon?: string }[];
    menus: Record<string, MenuItem[]>;
    keybindings: { command: string; key: string; when?: string }[];
    configuration: { properties: Record<string, { scope?: string }> };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    walkthroughs: { id: string; title: string; description: string; steps: Step[] }[];
  };
}

const repoRoot = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const commandIds = new Set(pkg.contributes.commands.map((c) => c.command));
const SESSION_COMMANDS = ['labelwise.nextBatch', 'labelwise.retrain', 'labelwise.showLearningCurve', 'labelwise.reviewContested'];
const PANEL_WHEN = "activeWebviewPanelId == 'labelwise.panel'";

/** `labelwise.*` context keys named in a when clause (not in quoted values; settings read as `config.labelwise.*`). */
function contextKeysIn(when: string): string[] {
  return [...when.replace(/'[^']*'/g, "''").matchAll(/(?<![\w.])labelwise\.[A-Za-z]+/g)].map((m) => m[0]);
}

/** Command ids linked from Markdown (`command:id` or `command:id?args`). */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
}

const BUILTIN_COMMANDS = new Set(['workbench.action.files.openFolder', 'workbench.action.openWalkthrough']);

describe('package.json: menus, context key, keybinding', () => {
  test('every command in a menu is a contributed command', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) assert.ok(commandIds.has(item.command), `${menu}: ${item.command} is not in contributes.commands`);
    }
  });

  test('session commands are hidden from the palette unless a session runs', () => {
    const palette = pkg.contributes.menus.commandPalette;
    for (const id of SESSION_COMMANDS) {
      const item = palette.find((i) => i.command === id);
      assert.ok(item, `${id} has a commandPalette entry`);
      assert.equal(item.when, CONTEXT_KEYS.sessionActive);
    }
    // Start, settings, import and export work without a session: they stay in the palette.
    for (const id of ['labelwise.startSession', 'labelwise.exportLabels', 'labelwise.importLabels', 'labelwise.editLabels']) {
      assert.ok(!palette.some((i) => i.command === id && i.when !== undefined), `${id} is not hidden`);
    }
  });

  test('editor/title shows icons only on the Labelwise panel, session commands only while a session runs', () => {
    const items = pkg.contributes.menus['editor/title'];
    assert.ok(items.length > 0);
    for (const item of items) {
      assert.ok(item.when?.includes(PANEL_WHEN), `${item.command}: ${item.when}`);
      if (SESSION_COMMANDS.includes(item.command)) assert.ok(item.when?.includes(CONTEXT_KEYS.sessionActive), `${item.command}: ${item.when}`);
      if (item.group?.startsWith('navigation')) {
        const cmd = pkg.contributes.commands.find((c) => c.command === item.command);
        assert.match(cmd?.icon ?? '', /^\$\([\w-]+\)$/, `${item.command} is shown as an icon in the title bar, so it needs one`);
      }
    }
    for (const id of SESSION_COMMANDS) assert.ok(items.some((i) => i.command === id && i.group?.startsWith('navigation')), `${id} has a title-bar icon`);
  });

  test('every labelwise.* key in a when clause or completion event is a context key Labelwise sets', () => {
    const known = new Set<string>(Object.values(CONTEXT_KEYS));
    const whens = [
      ...Object.values(pkg.contributes.menus).flatMap((items) => items.map((i) => i.when ?? '')),
      ...pkg.contributes.keybindings.map((k) => k.when ?? ''),
      ...pkg.contributes.viewsWelcome.map((w) => w.when ?? ''),
      ...pkg.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((s) => (s.completionEvents ?? []).filter((e) => e.startsWith('onContext:')).map((e) => e.slice('onContext:'.length)))),
    ];
    const used = whens.flatMap(contextKeysIn);
    assert.ok(used.includes(CONTEXT_KEYS.sessionActive));
    for (const k of used) assert.ok(known.has(k), `${k} is not one of ${[...known].join(', ')}`);
  });

  test('the global keybinding is gated by a when clause', () => {
    for (const k of pkg.contributes.keybindings) {
      assert.ok(commandIds.has(k.command), k.command);
      assert.ok(k.when && k.when.trim() !== '', `${k.key} → ${k.command} has a when clause`);
      assert.match(k.when, /workspaceFolderCount/, 'Labelwise needs a folder: the key does nothing useful without one');
    }
  });
});

describe('package.json: settings, activation, identity', () => {
  test('model and device are machine-overridable; the corpus settings are resource-scoped', () => {
    const props = pkg.contributes.configuration.properties;
    for (const k of ['labelwise.model', 'labelwise.device']) assert.equal(props[k]?.scope, 'machine-overridable', k);
    for (const k of ['labelwise.include', 'labelwise.exclude', 'labelwise.granularity', 'labelwise.maxFileSizeMB']) assert.equal(props[k]?.scope, 'resource', k);
    // The label set and the budget belong to the workspace as a whole (one store per workspace).
    for (const k of ['labelwise.labels', 'labelwise.budget']) assert.ok(props[k].scope === undefined || props[k].scope === 'window', k);
  });

  test('only the activation events VS Code ^1.90 still needs: panel restore and a workspace with a store', () => {
    assert.match(pkg.engines.vscode, /^\^1\.(9\d|\d{3})\./, 'implicit command/view activation needs VS Code 1.74 or later');
    assert.deepEqual([...pkg.activationEvents].sort(), ['onWebviewPanel:labelwise.panel', 'workspaceContains:.labelwise/labels.jsonl']);
    assert.ok(!pkg.activationEvents.some((e) => e.startsWith('onCommand:') || e.startsWith('onView:')), 'contributed commands and views activate implicitly since 1.74');
  });

  test('repository and icon: a PNG of at least 128×128 in media/, the one scripts/makeIcon.mjs draws', () => {
    assert.match(pkg.repository?.url ?? '', /^https:\/\//);
    assert.equal(pkg.icon, 'media/icon.png');
    const png = readFileSync(join(repoRoot, pkg.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 128 && height >= 128, `${width}×${height}`);
    // Decode (8-bit RGBA, filter 0 on every row, as makeIcon writes it) and compare with a fresh drawing.
    assert.equal(png[24], 8);
    assert.equal(png[25], 6);
    const idat: Buffer[] = [];
    for (let o = 8; o < png.length; ) {
      const len = png.readUInt32BE(o);
      if (png.subarray(o + 4, o + 8).toString('ascii') === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
      o += 12 + len;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const rgba = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) {
      assert.equal(raw[y * (width * 4 + 1)], 0, `row ${y} filter`);
      raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
    }
    assert.ok(rgba.equals(drawIcon(width)), 'media/icon.png is what `node scripts/makeIcon.mjs` draws');
  });
});

describe('package.json: walkthrough, Labels view, welcome', () => {
  const walkthrough = pkg.contributes.walkthroughs[0];

  test('the walkthrough goes set labels → start → label → retrain → export, each step with committed Markdown and a completion event', () => {
    assert.equal(pkg.contributes.walkthroughs.length, 1);
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['setLabels', 'start', 'label', 'retrain', 'export']);
    for (const s of walkthrough.steps) {
      assert.ok(s.media.markdown, `${s.id} has Markdown media`);
      const file = join(repoRoot, s.media.markdown);
      assert.ok(s.media.markdown.startsWith('media/'), `${s.media.markdown}: under media/, which the .vsix ships`);
      assert.ok(existsSync(file) && statSync(file).size > 0, `${s.media.markdown} exists`);
      assert.ok(readFileSync(file, 'utf8').startsWith('# '), `${s.media.markdown} starts with a heading`);
      assert.ok((s.completionEvents ?? []).length > 0, `${s.id} has a completion event`);
      for (const e of s.completionEvents ?? []) {
        assert.match(e, /^(onCommand|onSettingChanged|onContext|onView|onLink|extensionInstalled):/, e);
        if (e.startsWith('onCommand:')) assert.ok(commandIds.has(e.slice('onCommand:'.length)), e);
        if (e.startsWith('onSettingChanged:')) assert.ok(pkg.contributes.configuration.properties[e.slice('onSettingChanged:'.length)], e);
      }
      for (const id of commandLinks(s.description)) assert.ok(commandIds.has(id), `${s.id} links ${id}`);
    }
    assert.deepEqual(
      walkthrough.steps.map((s) => s.completionEvents),
      [['onSettingChanged:labelwise.labels'], [`onContext:${CONTEXT_KEYS.sessionActive}`], [`onContext:${CONTEXT_KEYS.hasLabels}`], ['onCommand:labelwise.retrain'], ['onCommand:labelwise.exportLabels']],
    );
  });

  test('the Labels view is in the Explorer, with welcome content whose links work', () => {
    assert.ok(pkg.contributes.views.explorer.some((v) => v.id === LABELS_VIEW_ID));
    const welcome = pkg.contributes.viewsWelcome.filter((w) => w.view === LABELS_VIEW_ID);
    assert.ok(welcome.length > 0);
    for (const w of pkg.contributes.viewsWelcome) assert.ok(Object.values(pkg.contributes.views).flat().some((v) => v.id === w.view), `${w.view} is a contributed view`);
    const links = welcome.flatMap((w) => commandLinks(w.contents));
    assert.ok(links.includes('labelwise.startSession'));
    for (const id of links) assert.ok(commandIds.has(id) || BUILTIN_COMMANDS.has(id), id);
    // The walkthrough link names this extension's walkthrough: `publisher.name#id`.
    const open = welcome.map((w) => /command:workbench\.action\.openWalkthrough\?([^)]+)\)/.exec(w.contents)).find((m) => m);
    assert.ok(open, 'the welcome content opens the walkthrough');
    const args = JSON.parse(decodeURIComponent(open[1])) as unknown[];
    assert.equal(args[0], `${pkg.publisher}.${pkg.name}#${walkthrough.id}`);
  });
});
