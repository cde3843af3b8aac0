import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
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
  'extension/dist/openWorker.js',
  'extension/models/labelwise-glove100k.onnx',
  'extension/models/labelwise-glove100k.vocab.txt',
  'extension/models/prior/prior.json',
  'extension/models/prior/prior.onnx',
  'extension/node_modules/onnxruntime-node/dist/index.js',
  'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
  'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1.br',
  'extension/node_modules/onnxruntime-common/dist/cjs/index.js',
  ...manifestAssets().map((a) => `extension/${a}`),
].map((n) => entry(n));

describe('checkVsixEntries', () => {
  test('accepts a package with the bundle, the model and the linux-x64 native library', () => {
    assert.deepEqual(checkVsixEntries(good), []);
  });

  test('reports a missing native library and a missing model', () => {
    const problems = checkVsixEntries(good.filter((e) => !e.name.endsWith('libonnxruntime.so.1.br') && !e.name.endsWith('glove100k.onnx')));
    assert.ok(problems.some((p) => p.includes('libonnxruntime.so.1.br')), problems.join('\n'));
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

  test('rejects image libraries (sharp, libvips, @img/*) and transformers.js', () => {
    for (const name of [
      'extension/node_modules/sharp/dist/index.cjs',
      'extension/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node',
      'extension/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.17.3',
      'extension/node_modules/@img/colour/color.cjs',
      'extension/lib/libvips.so.42',
    ]) {
      const problems = checkVsixEntries([...good, entry(name)]);
      assert.ok(problems.some((p) => p.includes('image libraries')), `${name}: ${problems.join('\n')}`);
    }
    const problems = checkVsixEntries([...good, entry('extension/node_modules/@huggingface/transformers/dist/transformers.node.cjs')]);
    assert.ok(problems.some((p) => p.includes('@huggingface/transformers')), problems.join('\n'));
  });

  test('rejects the native library uncompressed, and a .vsix over 25 MB', () => {
    const raw = checkVsixEntries([...good, entry('extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')]);
    assert.ok(raw.some((p) => p.includes('uncompressed')), raw.join('\n'));
    const big = checkVsixEntries([...good, entry('extension/media/huge.bin', 25_000_000)]);
    assert.ok(big.some((p) => p.includes('limit 25 MB')), big.join('\n'));
  });

  test('rejects a model folder over 25 MiB compressed', () => {
    const big = [...good, entry('extension/models/extra.onnx', 26 * 1024 * 1024)];
    assert.ok(checkVsixEntries(big).some((p) => p.includes('limit 25 MiB')));
  });
});

describe('the Node bundles', () => {
  // What .vscodeignore leaves out must not be needed: the bundles may leave only vscode and
  // onnxruntime-node (and Node's own modules) to require at run time. A src import of
  // @huggingface/transformers or sharp would make the extension fail to load from the .vsix.
  for (const entryPoint of ['src/extension/extension.ts', 'src/core/session/worker.ts', 'src/core/session/openWorker.ts', 'src/cli/main.ts']) {
    test(`${entryPoint} bundles its tokenizer and requires nothing the .vsix leaves out`, async () => {
      const r = await build({ entryPoints: [entryPoint], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, metafile: true, logLevel: 'silent', external: ['vscode', 'onnxruntime-node'], outfile: 'out.js' });
      const external = new Set<string>();
      for (const input of Object.values(r.metafile.inputs)) for (const imp of input.imports) if (imp.external) external.add(imp.path);
      const unexpected = [...external].filter((p) => !p.startsWith('node:') && !builtinModules.includes(p) && p !== 'vscode' && p !== 'onnxruntime-node' && !p.startsWith('onnxruntime-node/'));
      assert.deepEqual(unexpected, []);
      const inputs = Object.keys(r.metafile.inputs);
      assert.ok(!inputs.some((i) => /node_modules\/(@huggingface\/transformers|sharp|@img)\//.test(i)), inputs.filter((i) => i.includes('node_modules')).join('\n'));
      if (!entryPoint.startsWith('src/extension/')) assert.ok(inputs.some((i) => i.includes('node_modules/@huggingface/tokenizers/')), 'the Hugging Face tokenizer is bundled');
    });
  }
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
