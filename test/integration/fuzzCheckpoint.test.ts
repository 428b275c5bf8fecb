/**
 * Seeded fuzz of the bundled checkpoint (demo/checkpoints/simvp_dynapruner.onnx):
 * byte mutants (bit flips, truncations, corrupted varints, random byte runs) and
 * contract mutants (the `dynapruner` metadata JSON with wrong types,
 * out-of-range numbers, missing keys, extra keys, huge arrays; re-encoded with
 * encodeModelProto). Every mutant goes through inspect in process (core API);
 * a few through the built CLI's inspect, a subset through `dynapruner run`.
 * Required: no crash (only the project's error types), no case over 10 s,
 * every error message naming the mutant file.
 *
 * DYNAPRUNER_FUZZ_SCALE (default 1) multiplies the number of mutants; the
 * default is bounded to about a minute on a 2-core CI machine.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectModel } from '../../src/core/inspect/inspect';
import { ModelFileError } from '../../src/core/onnx/reader';
import { decodeModelProto, encodeModelProto } from '../../src/core/onnx/proto';
import { ContractError } from '../../src/core/contract/contract';
import { rng as seededRng } from '../../src/core/experiments/random';

const root = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const checkpoint = path.join(root, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
const data = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(root, 'demo', 'data', 'ncl', `${c}storm.cdf`));
const SCALE = Math.max(0.1, Number(process.env.DYNAPRUNER_FUZZ_SCALE ?? '1') || 1);
const CASE_LIMIT_MS = 10_000;
const SEED = 20261201;


type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** An offset, half the time inside the first or last 15% of the file (graph structure and metadata, not weights). */
function offset(rng: Rng, length: number): number {
  if (rng() < 0.5) return int(rng, length);
  const edge = Math.floor(length * 0.15);
  return rng() < 0.5 ? int(rng, edge) : length - 1 - int(rng, edge);
}

/** Byte-level mutations of the model file. */
const byteMutations: Record<string, (rng: Rng, b: Uint8Array) => Uint8Array> = {
  bitFlips(rng, b) {
    const out = Uint8Array.from(b);
    for (let i = 1 + int(rng, 16); i > 0; i--) out[offset(rng, out.length)] ^= 1 << int(rng, 8);
    return out;
  },
  truncate(rng, b) {
    return b.slice(0, rng() < 0.5 ? int(rng, b.length) : b.length - 1 - int(rng, 64));
  },
  varint(rng, b) {
    const out = Uint8Array.from(b);
    let p = offset(rng, out.length);
    while (p < out.length - 1 && (out[p] & 0x80) === 0) p++;
    const run = 1 + int(rng, 10);
    const fill = pick(rng, [0xff, 0x80, 0x7f]);
    for (let i = 0; i < run && p + i < out.length; i++) out[p + i] = fill;
    return out;
  },
  randomRun(rng, b) {
    const out = Uint8Array.from(b);
    const start = offset(rng, out.length);
    for (let i = 0, n = 1 + int(rng, 64); i < n && start + i < out.length; i++) out[start + i] = int(rng, 256);
    return out;
  },
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every container (object or array) of a JSON value, with its path. */
function containers(v: Json, at = '$'): { at: string; node: Json[] | { [k: string]: Json } }[] {
  if (v === null || typeof v !== 'object') return [];
  const kids = Array.isArray(v) ? v.map((x, i) => containers(x, `${at}[${i}]`)) : Object.entries(v).map(([k, x]) => containers(x, `${at}.${k}`));
  return [{ at, node: v }, ...kids.flat()];
}

/** The keys (indices) of a container. */
const keysOf = (c: Json[] | { [k: string]: Json }): (string | number)[] => (Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c));

const strange: Json[] = ['', 'x', -1, 0, 1.5, 1e308, -1e308, 2 ** 53 + 2, true, null, [], {}, [1, 'a'], { a: 1 }];
const outOfRange = [-1, 0, -0.5, 0.5, 1e9, -1e9, 1e308, 2 ** 53 + 2, 1e-300, 33.5, 1e6];

/** Contract mutations: each edits the parsed JSON in place and returns what it did. */
const contractMutations: Record<string, (rng: Rng, c: Json) => string> = {
  wrongType(rng, c) {
    const { at, node } = pick(rng, containers(c));
    const k = pick(rng, keysOf(node));
    if (k === undefined) return `${at} empty`;
    (node as Record<string | number, Json>)[k] = pick(rng, strange);
    return `${at}.${k} = ${JSON.stringify((node as Record<string | number, Json>)[k])}`;
  },
  outOfRange(rng, c) {
    const numbers = containers(c).flatMap(({ at, node }) => keysOf(node).filter((k) => typeof (node as Record<string | number, Json>)[k] === 'number').map((k) => ({ at, node, k })));
    const { at, node, k } = pick(rng, numbers);
    const v = pick(rng, outOfRange);
    (node as Record<string | number, Json>)[k] = v;
    return `${at}.${k} = ${v}`;
  },
  missingKey(rng, c) {
    const objects = containers(c).filter(({ node }) => !Array.isArray(node) && Object.keys(node).length > 0);
    const { at, node } = pick(rng, objects);
    const k = pick(rng, Object.keys(node));
    delete (node as Record<string, Json>)[k];
    return `delete ${at}.${k}`;
  },
  extraKey(rng, c) {
    const objects = containers(c).filter(({ node }) => !Array.isArray(node));
    const { at, node } = pick(rng, objects);
    const k = pick(rng, ['fuzz', '__proto__', 'constructor', 'units', 'grid', 'extra']);
    (node as Record<string, Json>)[k] = pick(rng, strange);
    return `${at}.${k} added`;
  },
  hugeArray(rng, c) {
    const arrays = containers(c).filter(({ node }) => Array.isArray(node));
    const { at, node } = pick(rng, arrays);
    const arr = node as Json[];
    const fill = arr.length > 0 ? arr[0] : 1;
    const n = pick(rng, [10_000, 100_000]);
    arr.length = 0;
    for (let i = 0; i < n; i++) arr.push(fill);
    return `${at} x${n}`;
  },
};

interface Mutant { file: string; what: string }

/** Writes `count` mutants of each kind into `dir`. */
function makeMutants(dir: string, original: Uint8Array, count: { bytes: number; contract: number }): Mutant[] {
  const rng = seededRng(SEED);
  const mutants: Mutant[] = [];
  const byteKinds = Object.keys(byteMutations);
  for (let i = 0; i < count.bytes; i++) {
    const kind = byteKinds[i % byteKinds.length];
    const file = path.join(dir, `bytes-${i}-${kind}.onnx`);
    writeFileSync(file, byteMutations[kind](rng, original));
    mutants.push({ file, what: kind });
  }
  const proto = decodeModelProto(original);
  const entry = proto.metadata_props!.find((p) => p.key === 'dynapruner')!;
  const json = entry.value!;
  const contractKinds = Object.keys(contractMutations);
  for (let i = 0; i < count.contract; i++) {
    const kind = contractKinds[i % contractKinds.length];
    const c = JSON.parse(json) as Json;
    const what = `${kind}: ${contractMutations[kind](rng, c)}`;
    entry.value = JSON.stringify(c);
    const file = path.join(dir, `contract-${i}-${kind}.onnx`);
    writeFileSync(file, encodeModelProto(proto));
    mutants.push({ file, what });
  }
  entry.value = json;
  return mutants;
}

/** The project's own error types: anything else reaching the caller is a crash. */
const projectErrors = [ModelFileError, ContractError];

interface Outcome { mutant: Mutant; how: string; ms: number; ok: boolean; message: string }

/** Checks one outcome; returns the problem or null. */
function problem(o: Outcome): string | null {
  const label = `${path.basename(o.mutant.file)} (${o.mutant.what}) via ${o.how}`;
  if (o.ms > CASE_LIMIT_MS) return `${label}: took ${o.ms} ms`;
  if (o.ok) return null;
  if (!o.message.includes(o.mutant.file)) return `${label}: message without the file name: ${o.message.slice(0, 300)}`;
  if (o.message.split('\n').filter((l) => l.trim()).length > 1) return `${label}: more than one line: ${o.message.slice(0, 300)}`;
  return null;
}

/** Inspects in process, through the core API. */
async function inspectInProcess(mutant: Mutant): Promise<Outcome> {
  const started = Date.now();
  try {
    await inspectModel(mutant.file);
    return { mutant, how: 'inspectModel', ms: Date.now() - started, ok: true, message: '' };
  } catch (e) {
    const known = projectErrors.some((T) => e instanceof T);
    const message = known ? (e as Error).message : `CRASH ${(e as Error)?.name}: ${(e as Error)?.message ?? String(e)}`;
    return { mutant, how: 'inspectModel', ms: Date.now() - started, ok: false, message };
  }
}

/** Runs the built CLI with a hard limit; stderr is the message. */
function cliOutcome(mutant: Mutant, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CASE_LIMIT_MS + 2000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const how = `dynapruner ${args[0]}`;
      const message = signal ? `killed (${signal}) ${stderr}` : stderr.trim();
      resolve({ mutant, how, ms: Date.now() - started, ok: code === 0 && !/\n\s+at /.test(stderr), message: message || `exit ${code} without a message` });
    });
  });
}

/** Runs `jobs` two at a time. */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(...(await Promise.all(jobs.slice(i, i + 2).map((j) => j()))));
  return out;
}

describe('fuzz: mutants of the bundled checkpoint', () => {
  let dir: string;
  let mutants: Mutant[];
  const inspected = new Map<string, Outcome>();
  before(() => {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}\n${r.stderr}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'fuzz-checkpoint-'));
    mutants = makeMutants(dir, readFileSync(checkpoint), { bytes: Math.round(150 * SCALE), contract: Math.round(100 * SCALE) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('inspect (core API): no crash, no hang, every message names the file', async () => {
    const problems: string[] = [];
    for (const m of mutants) {
      const o = await inspectInProcess(m);
      inspected.set(m.file, o);
      const p = problem(o);
      if (p) problems.push(p);
    }
    const failed = [...inspected.values()].filter((o) => !o.ok).length;
    assert.ok(failed > mutants.length / 10, `the mutations reach the checks (${failed} of ${mutants.length} refused)`);
    assert.deepEqual(problems, []);
  });

  it('inspect and run (built CLI) on a subset: exit 0 or one line naming the file, within 10 s', async () => {
    const rng = seededRng(SEED + 1);
    const accepted = mutants.filter((m) => inspected.get(m.file)?.ok);
    const refused = mutants.filter((m) => !inspected.get(m.file)?.ok);
    const contractAccepted = accepted.filter((m) => m.file.includes('contract-'));
    const bytesAccepted = accepted.filter((m) => !m.file.includes('contract-') && m.what !== 'bitFlips');
    const forRun = [
      ...contractAccepted.slice(0, Math.round(8 * SCALE)),
      ...bytesAccepted.slice(0, Math.round(4 * SCALE)),
      ...refused.filter(() => rng() < 0.1).slice(0, Math.round(6 * SCALE)),
    ];
    const forInspect = [...refused.slice(0, 3), ...accepted.slice(0, 3)];
    const jobs = [
      ...forInspect.map((m) => () => cliOutcome(m, ['inspect', m.file, '--json'])),
      ...forRun.map((m) => () => cliOutcome(m, ['run', m.file, '--samples', '2', '--data', ...data, '--json', path.join(dir, `${path.basename(m.file)}.json`)])),
    ];
    const outcomes = await twoAtATime(jobs);
    // A case over the limit that still ended is re-run alone once: a loaded machine, not a hang, if it then ends in time.
    for (let i = 0; i < outcomes.length; i++) {
      if (outcomes[i].ms > CASE_LIMIT_MS && !outcomes[i].message.startsWith('killed')) outcomes[i] = await jobs[i]();
    }
    assert.deepEqual(outcomes.map(problem).filter((p) => p !== null), []);
  });
});
