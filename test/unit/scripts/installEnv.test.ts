import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installEnv, localNodeHeaders } from '../../../scripts/installCodeServer.mjs';

/** A fake Node install: <prefix>/bin/node and, optionally, <prefix>/include/node/node.h. */
function fakeNode(withHeaders: boolean): { prefix: string; execPath: string } {
  const prefix = mkdtempSync(join(tmpdir(), 'lw-node-'));
  mkdirSync(join(prefix, 'bin'));
  writeFileSync(join(prefix, 'bin', 'node'), '');
  if (withHeaders) {
    mkdirSync(join(prefix, 'include', 'node'), { recursive: true });
    writeFileSync(join(prefix, 'include', 'node', 'node.h'), '');
  }
  return { prefix, execPath: join(prefix, 'bin', 'node') };
}

describe('installing code-server on a machine whose npm config has no nodedir', () => {
  test('node-gyp is pointed at the headers installed beside the running node', () => {
    const { prefix, execPath } = fakeNode(true);
    // A fresh home folder: no npm_config_nodedir anywhere in the environment.
    const env = installEnv({ PATH: '/usr/bin', HOME: '/tmp/empty-home' }, '/tmp/x', execPath);
    assert.equal(env.npm_config_nodedir, prefix);
    assert.equal(localNodeHeaders(execPath), prefix);
  });

  test('a nodedir the user set is kept', () => {
    const { execPath } = fakeNode(true);
    const env = installEnv({ npm_config_nodedir: '/opt/node-headers' }, '/tmp/x', execPath);
    assert.equal(env.npm_config_nodedir, '/opt/node-headers');
  });

  test('without local headers nothing is invented', () => {
    const { execPath } = fakeNode(false);
    assert.equal(localNodeHeaders(execPath), undefined);
    assert.equal(installEnv({}, '/tmp/x', execPath).npm_config_nodedir, undefined);
  });

  test('the outer npm run does not steer the nested install', () => {
    const { execPath } = fakeNode(true);
    const env = installEnv({ npm_config_prefix: '/elsewhere', npm_package_name: 'labelwise', npm_lifecycle_event: 'start' }, '/tmp/x', execPath);
    assert.equal(env.npm_config_prefix, undefined);
    assert.equal(env.npm_package_name, undefined);
    assert.equal(env.npm_lifecycle_event, undefined);
    assert.equal(env.npm_config_yes, 'true');
    assert.equal(env.TMPDIR, '/tmp/x');
  });

  test('the Node running these tests has its headers (Debian: /usr/include/node)', () => {
    assert.ok(localNodeHeaders(), `no include/node/node.h beside ${process.execPath}: node-gyp would download headers`);
  });
});
