import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVsixEntries, manifestAssets, type ZipEntry } from '../../../scripts/package.mjs';
import { runEnv, runLayout } from '../../../scripts/codeServer.mjs';

const entry = (name: string, compressed = 100): ZipEntry => ({ name, size: compressed * 2, compressed });

/** The smallest .vsix listing that passes the check. */
const good: ZipEntry[] = [
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/worker.js',
  'extension/models/labelwise-glove100k.onnx',
  'extension/models/labelwise-glove100k.vocab.txt',
  'extension/models/prior/prior.json',
  'extension/models/prior/prior.onnx',
  'extension/node_modules/onnxruntime-node/dist/index.js',
  'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
  'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
  'extension/node_modules/onnxruntime-common/dist/cjs/index.js',
  ...manifestAssets().map((a) => `extension/${a}`),
].map((n) => entry(n));

describe('checkVsixEntries', () => {
  test('accepts a package with the bundle, the model and the linux-x64 native library', () => {
    assert.deepEqual(checkVsixEntries(good), []);
  });

  test('reports a missing native library and a missing model', () => {
    const problems = checkVsixEntries(good.filter((e) => !e.name.endsWith('libonnxruntime.so.1') && !e.name.endsWith('glove100k.onnx')));
    assert.ok(problems.some((p) => p.includes('libonnxruntime.so.1')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('embedded model')), problems.join('\n'));
  });

  test('rejects sources, tests, maps and other platforms', () => {
    const problems = checkVsixEntries([
      ...good,
      entry('extension/src/extension/extension.ts'),
      entry('extension/test/unit/a.test.ts'),
      entry('extension/dist/extension.js.map'),
      entry('extension/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll'),
      entry('extension/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.dylib'),
    ]);
    for (const what of ['sources', 'tests', 'source maps', 'other platforms']) {
      assert.ok(problems.some((p) => p.includes(what)), `expected a problem about ${what}: ${problems.join('\n')}`);
    }
  });

  test('reports a missing icon or walkthrough page that package.json names', () => {
    const assets = manifestAssets();
    assert.ok(assets.includes('media/icon.png'));
    assert.ok(assets.some((a) => a.startsWith('media/walkthrough/') && a.endsWith('.md')));
    const problems = checkVsixEntries(good.filter((e) => e.name !== 'extension/media/icon.png' && e.name !== 'extension/media/walkthrough/label.md'));
    assert.ok(problems.some((p) => p.includes('extension/media/icon.png')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('extension/media/walkthrough/label.md')), problems.join('\n'));
  });

  test('rejects a model folder over 25 MiB compressed', () => {
    const big = [...good, entry('extension/models/extra.onnx', 26 * 1024 * 1024)];
    assert.ok(checkVsixEntries(big).some((p) => p.includes('limit 25 MiB')));
  });
});

describe('runEnv', () => {
  test('keeps code-server and its children inside the run folder and drops npm lifecycle variables', () => {
    const layout = runLayout('/tmp/labelwise-run-env-test');
    const env = runEnv(layout, { PATH: '/usr/bin', HOME: '/root', npm_lifecycle_event: 'test', PASSWORD: 'x', TMPDIR: '/tmp' });
    assert.equal(env.HOME, layout.home);
    assert.equal(env.TMPDIR, layout.tmp);
    assert.equal(env.XDG_RUNTIME_DIR, layout.xdgRuntime);
    assert.equal(env.XDG_CONFIG_HOME, layout.xdgConfig);
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.npm_lifecycle_event, undefined);
    assert.equal(env.PASSWORD, undefined);
  });
});
