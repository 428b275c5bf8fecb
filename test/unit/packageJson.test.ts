/**
 * package.json's contributions against themselves and the repository: every
 * `%key%` placeholder has an English string in package.nls.json, the
 * walkthrough's steps link only to commands package.json contributes and show
 * files that exist, and every command id of src/shared/ids.ts is contributed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Commands } from '../../src/shared/ids';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string | Record<string, string>; svg?: string; altText?: string };
  completionEvents?: string[];
}

/** Every string value in a JSON tree. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/** `%key%` placeholders in a string (the whole string, as VS Code resolves them). */
function placeholder(s: string): string | null {
  return /^%([A-Za-z0-9_.-]+)%$/.exec(s)?.[1] ?? null;
}

const contributed = new Set<string>((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
const localised = (s: string) => (placeholder(s) ? nls[placeholder(s)!] : s);

describe('package.json', () => {
  it('every %key% placeholder has a string in package.nls.json', () => {
    const keys = strings(pkg).map(placeholder).filter((k): k is string => k !== null);
    assert.ok(keys.length > 20, `placeholders found: ${keys.length}`);
    const missing = keys.filter((k) => typeof nls[k] !== 'string' || nls[k].length === 0);
    assert.deepEqual(missing, [], 'placeholders without an English string in package.nls.json');
  });

  it('command titles and categories go through package.nls.json', () => {
    for (const c of pkg.contributes.commands as { command: string; title: string; category?: string }[]) {
      assert.ok(placeholder(c.title), `${c.command}: title '${c.title}' is not a %key% placeholder`);
      if (c.category) assert.ok(placeholder(c.category), `${c.command}: category '${c.category}' is not a %key% placeholder`);
    }
  });

  it('every command id of src/shared/ids.ts is contributed', () => {
    assert.deepEqual(Object.values(Commands).filter((id) => !contributed.has(id)), []);
  });

  it('the walkthrough steps link only to contributed commands and show files that exist', () => {
    const walkthroughs = pkg.contributes.walkthroughs as { id: string; title: string; steps: Step[] }[];
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepEqual(steps.map((s) => s.id), ['openDemo', 'inspect', 'analyze', 'sweep', 'jetson']);
    for (const s of steps) {
      const description = localised(s.description);
      assert.ok(description, `step ${s.id}: description resolves`);
      const linked = [...description.matchAll(/\(command:([A-Za-z0-9_.-]+)[^)]*\)/g)].map((m) => m[1]);
      assert.ok(linked.length > 0, `step ${s.id} has a command link`);
      const events = (s.completionEvents ?? []).map((e) => /^onCommand:(.+)$/.exec(e)?.[1]).filter((c): c is string => c !== undefined);
      for (const c of [...linked, ...events]) assert.ok(contributed.has(c), `step ${s.id} names command ${c}, which package.json does not contribute`);
      const files = [s.media.markdown, s.media.svg, ...(typeof s.media.image === 'string' ? [s.media.image] : Object.values(s.media.image ?? {}))].filter((f): f is string => !!f);
      assert.ok(files.length > 0, `step ${s.id} shows a file`);
      for (const f of files) assert.ok(existsSync(path.join(ROOT, f)), `step ${s.id}: ${f} does not exist`);
    }
  });

  it('the packaged extension carries package.nls.json', () => {
    assert.match(readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!package\.nls\.json$/m);
    assert.match(readFileSync(path.join(ROOT, 'scripts', 'package-vsix.mjs'), 'utf8'), /'package\.nls\.json'/);
  });
});
