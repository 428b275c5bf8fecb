/**
 * The output writers: a folder output writes only its own files and refuses a
 * folder holding anything else or a file; a file write is atomic (a failed
 * write leaves the earlier file byte-identical); an output naming an input
 * (same path, a symbolic link or a hard link) is refused.
 */
import assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from '../../../src/core/runs/atomicWrite';
import { OutputError } from '../../../src/core/runs/outputError';
import { checkOutputFolder, writeOutputFolder } from '../../../src/core/runs/outputFolder';
import { refuseOutputsOverInputs } from '../../../src/core/runs/outputGuard';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-outputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string> = {}): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(d, f), text);
  return d;
}

const snapshot = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(path.join(d, f), 'utf8')]));

test('a folder holding other files is refused and left as it was', async () => {
  const d = folder('busy', { 'notes.txt': 'mine', 'table1.csv': 'old' });
  const before = snapshot(d);
  await assert.rejects(writeOutputFolder(d, { 'table1.csv': 'new', 'table2.csv': 'new' }), (e: Error) => e instanceof OutputError && /holds other files \(notes\.txt\)/.test(e.message));
  assert.deepEqual(snapshot(d), before);
});

test('a new, an empty, or an earlier output folder is written; only its own files change', async () => {
  const fresh = path.join(dir, 'new', 'csv');
  await writeOutputFolder(fresh, { 'a.csv': '1' });
  assert.deepEqual(snapshot(fresh), { 'a.csv': '1' });
  await writeOutputFolder(fresh, { 'a.csv': '2', 'b.csv': '3' });
  assert.deepEqual(snapshot(fresh), { 'a.csv': '2', 'b.csv': '3' });
  const empty = folder('empty');
  await writeOutputFolder(empty, { 'a.csv': 'x' });
  assert.deepEqual(snapshot(empty), { 'a.csv': 'x' });
});

test('a file given as an output folder is refused and kept', async () => {
  const f = path.join(dir, 'existing.txt');
  writeFileSync(f, 'keep');
  await assert.rejects(checkOutputFolder(f, ['a.csv']), /existing\.txt: exists and is not a folder/);
  await assert.rejects(writeOutputFolder(f, { 'a.csv': 'x' }), OutputError);
  assert.equal(readFileSync(f, 'utf8'), 'keep');
});

test('a failed file write leaves the earlier file byte-identical and no temp file', async () => {
  const d = folder('atomic');
  const f = path.join(d, 'out.json');
  writeFileSync(f, '{"earlier":true}');
  // A folder where the temp file would go makes the write fail after the target was chosen.
  const failing = path.join(d, 'sub');
  mkdirSync(failing);
  writeFileSync(path.join(failing, 'x'), '');
  await assert.rejects(writeFileAtomic(failing, 'new'), /cannot write .*sub: is a folder, expected a file/);
  await assert.rejects(writeFileAtomic('/dev/full', 'x'.repeat(1 << 16)), /^OutputError: cannot write \/dev\/full: no space left on device$|cannot write \/dev\/full: no space left on device/);
  assert.equal(readFileSync(f, 'utf8'), '{"earlier":true}');
  await writeFileAtomic(f, 'replaced');
  assert.equal(readFileSync(f, 'utf8'), 'replaced');
  assert.deepEqual(readdirSync(d).filter((n) => n.includes('.tmp-')), []);
});

test('an output that names an input is refused: same path, a symbolic link, a hard link', async () => {
  const d = folder('guard', { 'model.onnx': 'model', 'data.npy': 'data' });
  const model = path.join(d, 'model.onnx');
  symlinkSync(model, path.join(d, 'alias.onnx'));
  linkSync(path.join(d, 'data.npy'), path.join(d, 'hard.npy'));
  const inputs = [{ role: 'the checkpoint', path: model }, { role: 'data file data.npy', path: path.join(d, 'data.npy') }];
  await assert.rejects(refuseOutputsOverInputs([{ role: '--json', path: path.join(d, '..', 'guard', 'model.onnx') }], inputs), /--json names the checkpoint/);
  await assert.rejects(refuseOutputsOverInputs([{ role: '--json', path: path.join(d, 'alias.onnx') }], inputs), /--json names the checkpoint/);
  await assert.rejects(refuseOutputsOverInputs([{ role: '--out', path: path.join(d, 'hard.npy') }], inputs), /--out names data file data\.npy/);
  await assert.rejects(refuseOutputsOverInputs([{ role: '--out', path: path.join(d, 'r.html') }, { role: '--json', path: path.join(d, 'r.html') }], inputs), /--json names the same file as --out/);
  await refuseOutputsOverInputs([{ role: '--json', path: path.join(d, 'fresh.json') }], inputs);
  assert.equal(readFileSync(model, 'utf8'), 'model');
});

test('a linked output is written through the link; the link stays', async () => {
  const d = folder('linked', { 'real.json': 'old' });
  symlinkSync(path.join(d, 'real.json'), path.join(d, 'link.json'));
  await writeFileAtomic(path.join(d, 'link.json'), 'new');
  assert.equal(readFileSync(path.join(d, 'real.json'), 'utf8'), 'new');
  assert.ok(lstatSync(path.join(d, 'link.json')).isSymbolicLink());
});
