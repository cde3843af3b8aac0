// `npm test`: unit tests (plain Node) then the e2e suite (real VS Code in headless Chromium),
// all in one run of node's test runner so the output ends with its summary.
// `--unit` runs the unit tests only.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const unitOnly = process.argv.includes('--unit');
const e2eOnly = process.argv.includes('--e2e');

function find(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = [...(e2eOnly ? [] : find('test/unit')), ...(unitOnly ? [] : find('test/e2e'))];
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
