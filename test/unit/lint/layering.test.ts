/**
 * The layering rules of eslint.config.mjs really fail: a deliberately
 * introduced import cycle and a host file importing the webview tree are
 * reported. The fixture files live in a temporary folder inside test/ (so the
 * project's config applies to them) and are removed afterwards.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const dir = path.join(ROOT, 'test', `.lint-fixture-${process.pid}`);

/** Lints the given fixture files with the project's config; returns the rule ids reported per file name. */
async function ruleIds(files: Record<string, string>): Promise<Map<string, string[]>> {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const eslint = new ESLint({ cwd: ROOT });
  const results = await eslint.lintFiles(Object.keys(files).map((n) => path.join(dir, n)));
  return new Map(results.map((r) => [path.basename(r.filePath), r.messages.map((m) => m.ruleId ?? 'fatal')]));
}

describe('lint layering rules', () => {
  before(() => mkdirSync(dir, { recursive: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on an import cycle', async () => {
    const ids = await ruleIds({
      'cycleA.ts': "import { b } from './cycleB';\nexport const a = (): number => b + 1;\n",
      'cycleB.ts': "import { a } from './cycleA';\nexport const b = 1;\nexport const c = (): number => a();\n",
    });
    assert.ok(ids.get('cycleA.ts')?.includes('import-x/no-cycle'), `cycleA: ${ids.get('cycleA.ts')}`);
    assert.ok(ids.get('cycleB.ts')?.includes('import-x/no-cycle'), `cycleB: ${ids.get('cycleB.ts')}`);
  });

  it('passes the same two files without the cycle', async () => {
    const ids = await ruleIds({
      'cycleA.ts': "import { b } from './cycleB';\nexport const a = (): number => b + 1;\n",
      'cycleB.ts': 'export const b = 1;\n',
    });
    assert.deepEqual(ids.get('cycleA.ts'), []);
    assert.deepEqual(ids.get('cycleB.ts'), []);
  });

  it('the tree as committed has no cycle and no layering violation', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(['src', 'webview']);
    const bad = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle' || m.ruleId === 'no-restricted-imports').map((m) => `${path.relative(ROOT, r.filePath)}: ${m.message}`));
    assert.deepEqual(bad, []);
  });
});
