// Runs one test file N times in a row and counts the passing runs, e.g. the fast-typing e2e:
//   node scripts/repeatTest.mjs test/e2e/fastTyping.e2e.test.ts 10
// Each run's lines that start with "[e2e" are echoed (timings); the exit code is 0 only if all passed.
import { spawnSync } from 'node:child_process';

const [file, times = '10'] = process.argv.slice(2);
if (!file || !/^\d+$/.test(times)) {
  process.stderr.write('usage: node scripts/repeatTest.mjs <test file> [runs, default 10]\n');
  process.exit(2);
}
const n = Number(times);
let passed = 0;
for (let i = 1; i <= n; i++) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const ok = r.status === 0;
  if (ok) passed++;
  process.stdout.write(`run ${i}/${n}: ${ok ? 'pass' : `FAIL (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  for (const line of out.split('\n')) if (/\[e2e/.test(line) && !/keys seen|labels\.jsonl|^\s*#?\s*\[e2e[^\]]*\] [0-9a-f]{24}/.test(line)) process.stdout.write(`  ${line.replace(/^# /, '')}\n`);
  if (!ok) process.stdout.write(out.split('\n').filter((l) => /error|Error|not ok/.test(l)).slice(0, 12).map((l) => `  ${l}\n`).join(''));
}
process.stdout.write(`${passed} of ${n} runs passed\n`);
process.exit(passed === n ? 0 : 1);
