/** `dynapruner latency`: per-layer latency of a checkpoint's variants on local onnxruntime-node, and a latency model fitted on it. */
import { CliError, type CliCommand } from '../command';
import { parseCommandArgs } from '../args/parse';
import { intValue, alternatives } from '../args/values';
import { ITERATIONS, SAMPLES, WARMUP } from '../args/limits';
import { refuseDuplicateFiles } from '../args/duplicateFiles';
import { checkOutputs, fileOutput } from '../outputs';
import { renderTable } from '../format/table';
import { ContractRequiredError, openCheckpoint } from '../../core/checkpoint/checkpoint';
import { defaultDataFiles } from '../../core/checkpoint/defaultData';
import { layerLatency } from '../../core/experiments/layerLatency';
import { l1cSparsity } from '../../core/export/l1cVariant';
import { buildSparseVariant } from '../../core/export/sparseVariant';
import { poolEvaluator } from '../../core/runtime/graphEvaluator';
import { InferencePool } from '../../core/runtime/inferencePool';
import { ModelRunner } from '../../core/runtime/modelRunner';
import { refuseOutputsOverInputs } from '../../core/runs/outputGuard';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { loadSamples } from '../../core/samples/load';
import { takeSamples } from '../../core/samples/sampleSet';
import { DEFAULT_LATENCY_VARIANTS, LATENCY_VARIANTS, type LatencyVariant, type LayerLatencyResult } from '../../core/schema/layerLatency';

const FLAGS = {
  variants: { type: 'string', value: 'LIST' },
  iterations: { type: 'string', value: 'N' },
  warmup: { type: 'string', value: 'N' },
  samples: { type: 'string', value: 'N' },
  data: { type: 'string', variadic: true, value: 'FILES...' },
  json: { type: 'string', value: 'OUT' },
} as const;

const HELP = `Usage: dynapruner latency <checkpoint.onnx> [--variants ckpt,dense,l1c] [--iterations N] [--json OUT]

Per-layer latency on this machine: onnxruntime-node (CPU, 1 intra-op thread,
batch 1, all graph optimisations) profiles each variant node by node on the
checkpoint's test samples; runtime nodes (fused ones included) are mapped to
the compute layers of the FLOPs breakdown, the rest is reported as other ops
per op type. Prints, per variant and layer, the share of MACs beside the share
of measured time (medians over the iterations, warm-up excluded).

Then fits a latency model per layer, time = a + b x MACs, on the clean dense
and l1c runs and on random gate masks injected at kept fractions 0.75, 0.5,
0.25; predicts each sample's latency from its masks and compares with each
sample timed separately without the profiler (mean abs % error), beside the
MAC limit (clean dense time x MAC ratio: a kernel whose time follows MACs).

  ckpt    the checkpoint as exported
  dense   the clean dense graph (masks folded away)
  l1c     compacted static L1 (the contract's filter sparsity)
  sparse  the channel-gathering executor (active filters only, batch 1; only when listed)

Options:
  --variants LIST   comma-separated, of ${LATENCY_VARIANTS.join(', ')} (default ${DEFAULT_LATENCY_VARIANTS.join(',')})
  --iterations N    profiled and timed runs of every sample (default 10)
  --warmup N        untimed runs of every sample first (default 2)
  --samples N       test windows used (default 8)
  --data FILES...   NetCDF files (one per channel), .npz or inputs .npy (default: the contract's data set)
  --json OUT        write the result (schema dynapruner.layer-latency v1) atomically
  --debug           stack traces on errors
`;

/** --variants, checked: known names, each once. */
export function parseVariants(raw: string | undefined): LatencyVariant[] {
  if (raw === undefined) return [...DEFAULT_LATENCY_VARIANTS];
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new CliError(`--variants: expected a comma-separated list of ${alternatives(LATENCY_VARIANTS.map((v) => `'${v}'`))}, found '${raw}'`, 2);
  for (const n of names) {
    if (!(LATENCY_VARIANTS as readonly string[]).includes(n)) throw new CliError(`--variants: expected ${alternatives(LATENCY_VARIANTS.map((v) => `'${v}'`))}, found '${n}'`, 2);
  }
  return [...new Set(names)] as LatencyVariant[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The per-layer table of every variant. */
function layerTables(r: LayerLatencyResult): string {
  return r.variants.map((v) => {
    const rows = v.layers.filter((l) => l.macs > 0 || l.timeUs > 0).map((l) => [l.name, l.op, pct(l.macShare), pct(l.timeShare), l.timeUs.toFixed(0)]);
    for (const o of v.otherOps) rows.push([`other ops: ${o.op}`, '', '', pct(o.timeShare), o.timeUs.toFixed(0)]);
    const head = `${v.variant}: ${v.description}; profiled node time ${(v.nodeTimeUs / 1000).toFixed(2)} ms per run\n`;
    return head + renderTable([{ header: 'layer', maxWidth: 48 }, { header: 'op' }, { header: 'MACs', align: 'right' }, { header: 'time', align: 'right' }, { header: 'us', align: 'right' }], rows);
  }).join('\n');
}

/** The latency model's summary per variant. */
function modelTable(r: LayerLatencyResult): string {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rows = r.model.map((m) => {
    const lim = m.samples.map((s) => s.macLimitMs).filter((x): x is number => x !== null);
    return [m.variant, mean(m.samples.map((s) => s.measuredMs)).toFixed(3), mean(m.samples.map((s) => s.predictedMs)).toFixed(3), `${m.meanAbsPctError.toFixed(1)}%`, lim.length ? mean(lim).toFixed(3) : '-', pct(m.macSensitivity)];
  });
  const table = renderTable([{ header: 'variant' }, { header: 'measured ms', align: 'right' }, { header: 'predicted ms', align: 'right' }, { header: 'mean |err|', align: 'right' }, { header: 'MAC limit ms', align: 'right' }, { header: 'time ~ MACs', align: 'right' }], rows);
  return `latency model (per layer a + b x MACs; profiler scale ${r.profileScale.toFixed(3)}):\n${table}${r.model.map((m) => `  ${m.variant}: ${m.note}\n`).join('')}`;
}

export const latencyCommand: CliCommand = {
  name: 'latency',
  summary: 'per-layer latency of a checkpoint\'s variants on local onnxruntime-node, and a latency model',
  help: HELP,
  async run(args, io, signal) {
    const p = parseCommandArgs('latency', args, FLAGS);
    if (p.positionals.length !== 1) throw new CliError(`usage: dynapruner latency <checkpoint.onnx>: expected one checkpoint, found ${p.positionals.length ? p.positionals.map((a) => `'${a}'`).join(' ') : 'none'} (see --help)`, 2);
    const file = p.positionals[0];
    const variants = parseVariants(p.string('variants'));
    const iterations = intValue('iterations', p.string('iterations'), ITERATIONS, 10);
    const warmup = intValue('warmup', p.string('warmup'), WARMUP, 2);
    const count = intValue('samples', p.string('samples'), SAMPLES, 8);
    const out = p.string('json');
    const outputs = await checkOutputs(out ? [fileOutput('--json', out)] : []);
    const ck = await openCheckpoint(file, signal).catch((error: unknown) => {
      if (error instanceof ContractRequiredError) throw new CliError(`${file}: no Dyna-Pruner contract ('dynapruner' metadata): latency needs it for --variants ${variants.join(',')} (the variants and per-sample MACs come from its masks and units)`, 2);
      throw error;
    });
    if (variants.includes('l1c') || variants.includes('sparse')) {
      try {
        if (variants.includes('l1c')) l1cSparsity(ck);
        if (variants.includes('sparse') && ck.gateTensors.length === 0) buildSparseVariant(ck);
      } catch (error) {
        if (error instanceof ContractRequiredError) throw new CliError(error.message, 2);
        throw error;
      }
    }
    const data = p.strings('data') ?? defaultDataFiles(ck);
    if (!data) throw new CliError(`${file}: no --data given and the contract's data files were not found beside the checkpoint or in demo/data/ncl`, 2);
    if (p.strings('data')) await refuseDuplicateFiles('--data', data);
    await refuseOutputsOverInputs(outputs, [{ role: 'the checkpoint', path: file }, ...data.map((f) => ({ role: `data file ${f}`, path: f }))]);
    let samples = await loadSamples(data, ck.spec, { split: 'test' });
    if (count < samples.count) samples = takeSamples(samples, Array.from({ length: count }, (_, i) => i));
    const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
    try {
      const result = await layerLatency(ck, samples, {
        variants, iterations, warmup, evaluate: poolEvaluator(pool, 'latency', signal), runner: new ModelRunner(ck, pool),
        samplesSource: `${samples.count} ${samples.split} windows of ${data.join(', ')}`, signal, onProgress: io.isTTY ? (phase) => io.err(`${phase}...\n`) : undefined,
      }).catch((error: unknown) => {
        if (error instanceof ContractRequiredError) throw new CliError(error.message, 2);
        throw error;
      });
      io.out(`${layerTables(result)}\n${modelTable(result)}`);
      if (out) {
        await writeFileAtomic(out, JSON.stringify(result, null, 1) + '\n');
        io.out(`wrote ${out}\n`);
      }
      return 0;
    } finally {
      await pool.close();
    }
  },
};
