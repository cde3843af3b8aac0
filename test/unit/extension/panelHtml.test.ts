import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeNonce, panelHtml } from '../../../src/extension/panelHtml';

describe('panel HTML', () => {
  const html = panelHtml({ cspSource: 'vscode-resource:', scriptUri: 'https://x/dist/webview.js', styleUris: ['https://x/media/panel.css'], nonce: 'abc123' });

  test("CSP is default-src 'none' and scripts run only with the nonce", () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], /nonce="abc123"/);
    assert.match(scripts[0], /src="https:\/\/x\/dist\/webview.js"/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/panel.css"/);
  });

  test('each load gets a fresh random nonce', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.ok(Buffer.from(a, 'base64').length === 16);
  });
});
