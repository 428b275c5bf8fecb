/**
 * Hostile ONNX files, built at test time, through the real CLI
 * (`node dist/cli.js inspect ...`): each exits non-zero with one line naming
 * the file (no stack trace), or exits 0 with sane numbers and, where shapes
 * need a run, the --run-shapes note. Every case ends within 10 s with a peak
 * resident memory under 600 MB, and the folder holding the files is unchanged.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataType } from '../../src/core/onnx/proto';
import { OnnxBuilder, graphAttr, rawBytes, tensor, type AttrValue } from '../helpers/onnxBuilder';

const root = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const MAX_RSS_BYTES = 600 * 1024 ** 2;
const TIME_LIMIT_MS = 10_000;

/** What a case must do: fail with one line matching the pattern, or succeed (with the note when `note`). */
type Expect = { fails: RegExp } | { ok: true; note?: boolean };

interface HostileCase {
  name: string;
  /** Writes the file(s) into `dir`; returns the model path. */
  make: (dir: string) => string;
  args?: string[];
  expect: Expect;
}

/** x [1,4,8,8] -> Conv(w [8,4,3,3]) with `attrs`. */
function conv(attrs: Record<string, AttrValue>, x: number[] = [1, 4, 8, 8], w: number[] = [8, 4, 3, 3]): OnnxBuilder {
  const b = new OnnxBuilder();
  b.input('x', x);
  b.initializer('w', w);
  b.node('Conv', ['x', 'w'], ['y'], attrs, '/hostile/Conv');
  b.output('y');
  return b;
}

/** ConstantOfShape([n]) -> NonZero: allocates n floats when run. */
function nonZeroBomb(n: number): OnnxBuilder {
  const b = new OnnxBuilder();
  b.ints('shape', [n]);
  b.node('ConstantOfShape', ['shape'], ['c'], { value: tensor('v', [1], [1]) });
  b.node('NonZero', ['c'], ['nz']);
  b.output('nz', undefined, DataType.INT64);
  return b;
}

/** Protobuf varint bytes. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A length-delimited protobuf field. */
function lengthField(field: number, body: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint((field << 3) | 2), ...varint(body.length), ...body]);
}

/**
 * A ModelProto whose graph nests `depth` If nodes (GraphProto > NodeProto >
 * AttributeProto > GraphProto ...), written by hand: protobufjs' encoder
 * refuses such depth.
 */
function nestedIfModel(depth: number): Uint8Array {
  let graph: Uint8Array = new Uint8Array(0);
  const text = (s: string) => new TextEncoder().encode(s);
  for (let i = 0; i < depth; i++) {
    const attribute = Uint8Array.from([...lengthField(1, text('then_branch')), ...lengthField(6, graph), 0xa0, 0x01, 5]);
    const node = Uint8Array.from([...lengthField(1, text('c')), ...lengthField(2, text(`y${i}`)), ...lengthField(4, text('If')), ...lengthField(5, attribute)]);
    graph = Uint8Array.from([...lengthField(1, node), ...lengthField(12, lengthField(1, text(`y${i}`)))]);
  }
  return Uint8Array.from([0x08, 0x08, ...lengthField(7, graph), ...lengthField(8, Uint8Array.from([0x10, 13]))]);
}

const save = (b: OnnxBuilder, dir: string, name: string) => b.save(path.join(dir, name));
const bytesFile = (dir: string, name: string, bytes: Uint8Array) => {
  const f = path.join(dir, name);
  writeFileSync(f, bytes);
  return f;
};

const cases: HostileCase[] = [
  { name: 'ConstantOfShape 1e8 then NonZero (no run: a note)', make: (d) => save(nonZeroBomb(1e8), d, 'bomb.onnx'), expect: { ok: true, note: true } },
  { name: 'the same with --run-shapes (refused by the tensor limit)', make: (d) => save(nonZeroBomb(1e8), d, 'bomb-run.onnx'), args: ['--run-shapes'], expect: { fails: /shape run refused: tensor 'c'/ } },
  { name: 'Loop with a huge trip count (no run: a note)', make: (d) => {
    const body = new OnnxBuilder();
    body.input('i', [], DataType.INT64).input('cond', [], DataType.BOOL).input('acc', [1]);
    body.node('Identity', ['cond'], ['cond_out']);
    body.node('Add', ['acc', 'acc'], ['acc_out']);
    body.output('cond_out', [], DataType.BOOL).output('acc_out', [1]);
    const b = new OnnxBuilder();
    b.ints('trip', [1e15], []).initializer('t', [], [1], DataType.BOOL).initializer('a0', [1], [1]);
    b.node('Loop', ['trip', 't', 'a0'], ['a'], { body: graphAttr(body.graph) });
    b.output('a');
    return save(b, d, 'loop.onnx');
  }, expect: { ok: true, note: true } },
  { name: 'initializer dims [-5] (was "Params -5")', make: (d) => {
    const b = conv({});
    b.graph.initializer[0] = { name: 'w', dims: [-5], data_type: DataType.FLOAT };
    return save(b, d, 'negdims.onnx');
  }, expect: { fails: /tensor 'w' dims \[-5\]: expected non-negative integer dims/ } },
  { name: 'initializer declaring 4e9 bytes with 12 stored', make: (d) => {
    const b = conv({});
    b.graph.initializer[0] = { name: 'w', dims: [1e9], data_type: DataType.FLOAT, raw_data: rawBytes([1, 2, 3], DataType.FLOAT) };
    return save(b, d, 'short-raw.onnx');
  }, expect: { fails: /raw_data holds 12 bytes, expected 4000000000/ } },
  { name: 'initializer dims overflowing 2^53', make: (d) => {
    const b = conv({});
    b.graph.initializer[0] = { name: 'w', dims: [1e10, 1e10, 1e10], data_type: DataType.FLOAT };
    return save(b, d, 'overflow-dims.onnx');
  }, expect: { fails: /at most 2\^53/ } },
  { name: 'Conv group=0 (was "MACs Infinity")', make: (d) => save(conv({ group: 0 }), d, 'group0.onnx'), expect: { fails: /node '\/hostile\/Conv' \(Conv\): attribute 'group': expected a positive integer, found 0/ } },
  { name: 'Conv strides 0', make: (d) => save(conv({ strides: [0, 1] }), d, 'strides0.onnx'), expect: { fails: /attribute 'strides': expected positive integers, found \[0,1\]/ } },
  { name: 'Conv dilations 0', make: (d) => save(conv({ dilations: [0, 0] }), d, 'dil0.onnx'), expect: { fails: /attribute 'dilations'/ } },
  { name: 'Conv negative kernel_shape', make: (d) => save(conv({ kernel_shape: [-3, 3] }), d, 'negkernel.onnx'), expect: { fails: /kernel .*found \[-3,3\]/ } },
  { name: 'Conv negative pads', make: (d) => save(conv({ pads: [-2, 0, 0, 0] }), d, 'negpads.onnx'), expect: { fails: /attribute 'pads': expected non-negative integers/ } },
  { name: 'Conv MACs beyond 2^53 (input 1e7 x 1e7)', make: (d) => save(conv({ pads: [1, 1, 1, 1] }, [1, 4, 1e7, 1e7]), d, 'bigmacs.onnx'), expect: { fails: /MACs is .*below 2\^53/ } },
  { name: 'input shape beyond 2^53 elements', make: (d) => save(conv({}, [1e6, 4, 1e6, 1e6]), d, 'biginput.onnx'), expect: { fails: /graph input 'x' has shape/ } },
  { name: 'Tile to 1e20 elements', make: (d) => {
    const b = new OnnxBuilder();
    b.input('x', [10, 10]).ints('reps', [1e9, 1e9]);
    b.node('Tile', ['x', 'reps'], ['y'], {}, '/hostile/Tile');
    b.output('y');
    return save(b, d, 'tile.onnx');
  }, expect: { fails: /node '\/hostile\/Tile' \(Tile\) output 'y' has shape \[10000000000,10000000000\]/ } },
  { name: 'Range(0, 1e9, 1) of constants (inferred, not materialised)', make: (d) => {
    const b = new OnnxBuilder();
    b.ints('s', [0], []).ints('l', [1e9], []).ints('dl', [1], []);
    b.node('Range', ['s', 'l', 'dl'], ['r']);
    b.node('Cast', ['r'], ['y'], { to: DataType.FLOAT });
    b.node('Relu', ['y'], ['z']);
    b.output('z');
    return save(b, d, 'range.onnx');
  }, expect: { ok: true } },
  { name: 'Range with delta 0', make: (d) => {
    const b = new OnnxBuilder();
    b.ints('s', [0], []).ints('l', [10], []).ints('dl', [0], []);
    b.node('Range', ['s', 'l', 'dl'], ['r'], {}, '/hostile/Range');
    b.output('r', undefined, DataType.INT64);
    return save(b, d, 'range0.onnx');
  }, expect: { fails: /node '\/hostile\/Range' \(Range\): input 2 'delta': expected a non-zero step/ } },
  { name: 'Expand of a scalar to 5e4 x 5e4', make: (d) => {
    const b = new OnnxBuilder();
    b.initializer('one', [], [1]).ints('shape', [50000, 50000]);
    b.node('Expand', ['one', 'shape'], ['e']);
    b.node('Relu', ['e'], ['y']);
    b.output('y');
    return save(b, d, 'expand.onnx');
  }, expect: { ok: true } },
  { name: 'If nested 200 levels deep', make: (d) => bytesFile(d, 'nested.onnx', nestedIfModel(200)), expect: { fails: /not an ONNX model \(protobuf decode failed: max depth exceeded\)/ } },
  { name: 'truncated model', make: (d) => { const bytes = conv({}).encode(); return bytesFile(d, 'trunc.onnx', bytes.subarray(0, bytes.length - 50)); }, expect: { fails: /not (a complete|an) ONNX model/ } },
  { name: 'length field past the end', make: (d) => bytesFile(d, 'len.onnx', Uint8Array.from([0x08, 0x08, 0x3a, 0xff, 0xff, 0x03, 0x0a, 0x00])), expect: { fails: /not (a complete|an) ONNX model/ } },
  { name: 'invalid wire type', make: (d) => bytesFile(d, 'wire.onnx', Uint8Array.from([0x08, 0x08, 0x3f, 0x00, 0x00])), expect: { fails: /not (a complete|an) ONNX model/ } },
  { name: 'a 3 GiB (sparse) file', make: (d) => { const f = bytesFile(d, 'huge.onnx', conv({}).encode()); truncateSync(f, 3 * 1024 ** 3); return f; }, expect: { fails: /over the 2147483648-byte \(2\.0 GiB\) limit for a model file/ } },
  { name: 'external data length not matching the dims', make: (d) => {
    const sub = path.join(d, 'ext');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'w.bin'), Buffer.alloc(64));
    const b = conv({});
    b.graph.initializer[0] = {
      name: 'w', dims: [8, 4, 3, 3], data_type: DataType.FLOAT, data_location: 1,
      external_data: [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '64' }],
    };
    return save(b, sub, 'model.onnx');
  }, expect: { fails: /external data range holds 64 bytes, expected 1152/ } },
];

/** A preload that writes the process's peak RSS (bytes) to $HOSTILE_RSS_FILE at exit. */
function rssPreload(dir: string): string {
  const f = path.join(dir, 'rss-preload.cjs');
  writeFileSync(f, "process.on('exit', () => require('node:fs').writeFileSync(process.env.HOSTILE_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");
  return f;
}

interface CliResult { code: number | null; stdout: string; stderr: string; ms: number; rss: number }

/** Runs the CLI with a 10 s limit (+1 s grace), measuring its peak RSS through the preload. */
function runCli(preload: string, rssFile: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--require', preload, cli, ...args], { env: { ...process.env, HOSTILE_RSS_FILE: rssFile } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS + 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      let rss = Infinity;
      try { rss = Number(readFileSync(rssFile, 'utf8')); } catch { /* killed before exit */ }
      resolve({ code, stdout, stderr, ms: Date.now() - started, rss });
    });
  });
}

/** Name -> sha256 of every file below `dir` (sparse files hashed by size only). */
function checksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const p = path.join(entry.parentPath, entry.name);
    out.set(p, entry.name === 'huge.onnx' ? 'sparse' : createHash('sha256').update(readFileSync(p)).digest('hex'));
  }
  return out;
}

describe('dynapruner inspect: hostile models', () => {
  let dir: string;
  let work: string;
  let preload: string;
  const files = new Map<string, string>();
  before(() => {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}\n${r.stderr}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-models-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'hostile-work-'));
    preload = rssPreload(work);
    for (const c of cases) files.set(c.name, c.make(dir));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('every case: a clear outcome within 10 s, under 600 MB, the folder unchanged', async () => {
    const sums = checksums(dir);
    const results: { c: HostileCase; r: CliResult }[] = [];
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      results.push(...(await Promise.all(batch.map(async (c, k) => ({
        c, r: await runCli(preload, path.join(work, `rss-${i + k}`), ['inspect', files.get(c.name)!, '--json', ...(c.args ?? [])]),
      })))));
    }
    for (const { c, r } of results) {
      const file = files.get(c.name)!;
      const what = `${c.name}: exit ${r.code}, ${r.ms} ms, ${Math.round(r.rss / 2 ** 20)} MB\n${r.stderr}`;
      assert.ok(r.ms < TIME_LIMIT_MS, `under 10 s: ${what}`);
      assert.ok(r.rss < MAX_RSS_BYTES, `under 600 MB: ${what}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `no stack trace: ${what}`);
      if ('fails' in c.expect) {
        assert.notEqual(r.code, 0, `non-zero exit: ${what}`);
        const lines = r.stderr.split('\n').filter((l) => l.trim());
        assert.equal(lines.length, 1, `one line: ${what}`);
        assert.ok(lines[0].includes(file), `names the file: ${what}`);
        assert.match(lines[0], c.expect.fails, what);
      } else {
        assert.equal(r.code, 0, what);
        const report = JSON.parse(r.stdout) as { totals: { params: number; macs: number }; notes: string[] };
        for (const v of [report.totals.params, report.totals.macs]) assert.ok(Number.isSafeInteger(v) && v >= 0, `sane totals: ${what}`);
        if (c.expect.note) assert.ok(report.notes.some((n) => /need a run: use --run-shapes/.test(n)), `the note: ${what} ${report.notes}`);
      }
    }
    assert.deepEqual(checksums(dir), sums, 'no file changed');
  });
});
