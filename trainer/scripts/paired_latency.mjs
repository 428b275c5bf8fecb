// Paired, interleaved end-to-end latency of two ONNX checkpoints on the same inputs
// (onnxruntime-node, CPU, 1 intra-op thread, batch 1, all graph optimisations).
// Each round runs A then B (order alternating) on one sample; prints the median time
// of each, the median of the per-round ratios B/A and its interquartile range.
//   node trainer/scripts/paired_latency.mjs A.onnx B.onnx INPUTS.npy [--rounds N] [--warmup N]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

/** float32 little-endian C-order .npy -> { shape, data }. */
function readNpy(path) {
  const buf = readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True")) {
    throw new Error(`${path}: expected a little-endian float32 C-order array, found header ${header.trim()}`);
  }
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  const start = 10 + headerLen;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  return { shape, data };
}

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function main() {
  const args = process.argv.slice(2);
  const [pathA, pathB, inputsPath] = args;
  const rounds = option(args, '--rounds', 20);
  const warmup = option(args, '--warmup', 2);
  const opts = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' };
  const [a, b] = await Promise.all([ort.InferenceSession.create(pathA, opts), ort.InferenceSession.create(pathB, opts)]);
  const { shape, data } = readNpy(inputsPath);
  const per = data.length / shape[0];
  const samples = Array.from({ length: shape[0] }, (_, i) =>
    new ort.Tensor('float32', data.subarray(i * per, (i + 1) * per), [1, ...shape.slice(1)]));
  const time = async (s, x) => { const t = process.hrtime.bigint(); await s.run({ x }); return Number(process.hrtime.bigint() - t) / 1e6; };
  for (let i = 0; i < warmup; i++) for (const x of samples) { await time(a, x); await time(b, x); }
  const ta = [], tb = [], ratio = [];
  for (let r = 0; r < rounds; r++) {
    const x = samples[r % samples.length];
    const [ma, mb] = r % 2 === 0 ? [await time(a, x), await time(b, x)] : [await time(b, x), await time(a, x)].reverse();
    ta.push(ma); tb.push(mb); ratio.push(mb / ma);
  }
  const out = { a: pathA, b: pathB, rounds, median_ms_a: quantile(ta, 0.5), median_ms_b: quantile(tb, 0.5),
    median_ratio_b_over_a: quantile(ratio, 0.5), ratio_iqr: [quantile(ratio, 0.25), quantile(ratio, 0.75)] };
  console.log(JSON.stringify(out, null, 1));
}

main().catch((e) => { console.error(`error: ${e.message}`); process.exit(2); });
