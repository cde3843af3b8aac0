import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test, suiteSetup } from 'mocha';
import * as vscode from 'vscode';
import type { PanelState } from '../../../src/protocol';

interface Manifest {
  readonly publisher: string;
  readonly name: string;
  readonly contributes: {
    readonly commands: readonly { readonly command: string; readonly title: string }[];
    readonly configuration: { readonly properties: Record<string, { readonly description?: string; readonly markdownDescription?: string }> };
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Activation and commands of the extension, run inside VS Code on a copy of samples/corpus. */
export function defineExtensionTests(): void {
  suite('Labelwise in VS Code', () => {
    let extension: vscode.Extension<unknown>;
    let manifest: Manifest;

    suiteSetup(async () => {
      const found = vscode.extensions.all.find((e) => e.packageJSON?.name === 'labelwise');
      assert.ok(found, 'the Labelwise extension is loaded');
      extension = found;
      manifest = JSON.parse(readFileSync(join(extension.extensionPath, 'package.json'), 'utf8')) as Manifest;
      await extension.activate();
    });

    test('activates', () => {
      assert.equal(extension.isActive, true);
      assert.equal(extension.id, `${manifest.publisher}.${manifest.name}`);
    });

    test('registers every command it contributes', async () => {
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
      assert.deepEqual(missing, [], 'contributed commands without a registration');
      assert.ok(manifest.contributes.commands.length >= 10, 'the ten commands of the issue are contributed');
    });

    test('describes every setting and reads the workspace values', () => {
      const props = manifest.contributes.configuration.properties;
      const undocumented = Object.entries(props)
        .filter(([, p]) => !(p.description ?? p.markdownDescription))
        .map(([k]) => k);
      assert.deepEqual(undocumented, []);
      const cfg = vscode.workspace.getConfiguration('labelwise');
      // samples/corpus/.vscode/settings.json
      assert.deepEqual(cfg.get('labels'), ['news', 'science', 'sports', 'fiction']);
      assert.equal(cfg.get('budget'), 200);
      assert.equal(cfg.get('annotator'), 'e2e');
    });

    test('Start Labeling Session opens the labeling panel', async () => {
      await vscode.commands.executeCommand('labelwise.startSession');
      const isPanel = (t: vscode.Tab): boolean => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('labelwise');
      const until = Date.now() + 60_000;
      while (!vscode.window.tabGroups.all.some((g) => g.tabs.some(isPanel))) {
        if (Date.now() > until) assert.fail('no Labelwise webview tab opened within 60 s');
        await sleep(200);
      }
    });

    test('Next Batch queues a fresh batch and Show Learning Curve shows the curve', async () => {
      // The commands report their errors to the user and resolve to undefined then; otherwise to
      // the panel's state after them.
      const batch = await vscode.commands.executeCommand<PanelState | undefined>('labelwise.nextBatch');
      assert.ok(batch, 'Next Batch failed (see the Labelwise output channel)');
      assert.ok(batch.current, 'a span is on screen');
      assert.ok(batch.queue.length > 0, 'a fresh batch is queued behind it');
      const curve = await vscode.commands.executeCommand<PanelState | undefined>('labelwise.showLearningCurve');
      assert.ok(curve, 'Show Learning Curve failed (see the Labelwise output channel)');
      assert.equal(curve.view, 'curve');
    });
  });
}
