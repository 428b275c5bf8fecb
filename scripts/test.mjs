// Runs every test suite of the project: `npm test`.
//   node's test runner over test/<group>/**/*.test.ts (TypeScript through tsx),
//   then the trainer's pytest suite with Debian's /usr/bin/python3.
// `--only unit,browser` limits the groups; `--skip-python` skips pytest.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const onlyArg = args.indexOf('--only');
const groups = ['unit', 'integration', 'browser', 'remote', 'e2e'];
const only = onlyArg >= 0 ? args[onlyArg + 1].split(',') : groups.concat(['python']);

/** Recursively lists the *.test.ts files below a folder. */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.ts') ? [p] : [];
  });
}

let failed = false;
const files = groups.filter((g) => only.includes(g)).flatMap((g) => testFiles(path.join(root, 'test', g)));
if (files.length > 0) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DYNAPRUNER_ROOT: root },
  });
  failed ||= r.status !== 0;
}
if (only.includes('python') && !args.includes('--skip-python') && existsSync(path.join(root, 'trainer'))) {
  const r = spawnSync('/usr/bin/python3', ['-m', 'pytest', '-q', 'trainer'], { cwd: root, stdio: 'inherit' });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
