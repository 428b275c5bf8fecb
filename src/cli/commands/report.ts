/** `dynapruner report`: the standalone HTML report (analysis + sweep figures, Pareto fronts of several checkpoints or a trainer summary). */
import type { CliCommand, CliIO } from '../command';
import { CliError } from '../command';
import { parseCommandArgs, type ParsedArgs } from '../args/parse';
import { fileIdentity, sameFile } from '../../core/runs/fileIdentity';
import { checkOutputs, fileOutput } from '../outputs';
import { progressBar } from '../progress';
import { analyze } from '../../core/experiments/analyze';
import { readParetoSummary } from '../../core/experiments/paretoSummary';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { refuseOutputsOverInputs, type RolePath } from '../../core/runs/outputGuard';
import { hasMasks } from '../../core/checkpoint/checkpoint';
import type { Analysis, SweepResult } from '../../core/schema/results';
import type { ParetoSummary } from '../../core/schema/pareto';
import { saveRun } from '../../core/runs/runStore';
import { DEFAULT_SWEEP, sweep } from '../../core/experiments/sweep';
import { paretoCheckpointOf } from '../../core/figures/pareto';
import { formatSig } from '../../core/figures/format';
import { buildReportHtml, summaryRows } from '../../core/report/html';
import { buildParetoReportHtml } from '../../core/report/paretoReport';
import { loadPlotlySource } from '../../core/report/plotlySource';
import { COMMON_FLAGS, COMMON_HELP, engineOptions, engineOptionsFor, setup, type EngineOptions } from './engineCommon';
import { sweepGrids } from './sweepOptions';
import { SEEDS } from '../args/limits';

const REPORT_FLAGS = {
  ...COMMON_FLAGS,
  out: { type: 'string', value: 'FILE' },
  seeds: { type: 'string', value: 'N' },
  json: { type: 'string', value: 'OUT' },
  pareto: { type: 'string', value: 'SUMMARY.json' },
  'no-sweep': { type: 'boolean' },
  save: { type: 'boolean' },
} as const;

/** Seeds of the report's sweep unless --seeds says otherwise. */
const REPORT_SEEDS = 2;
/** Most checkpoints one report analyses. */
export const MAX_REPORT_CHECKPOINTS = 32;

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Write a standalone HTML report (masks, filter activity, FLOPs breakdown, robustness, Pareto fronts)',
  help: `Usage: dynapruner report <checkpoint.onnx> [more.onnx ...] [--data FILES...] --out report.html [--no-sweep] [--seeds N] [--pareto summary.json]
       dynapruner report --pareto summary.json --out report.html

Runs the analysis (as 'run') and, for checkpoints with masks, a robustness
sweep (as 'sweep', default grids, --seeds seeds, default 2), and writes one
HTML file with plotly.js inlined: no network access, strict CSP with a nonce.
Figures are the same builders the VS Code panels use.
With several checkpoints the report is about the first one and adds a Pareto
section: MSE vs effective MACs (% of the dense backbone) of every checkpoint,
one front per backbone and method (the contract's variant), dominated ones faded.
--pareto adds the trainer's Pareto summary (trainer/results/pareto/*/summary.json):
curves over seeds with 95% bands, the matched-MACs differences with their
bootstrap CIs (the trainer options' comparisons too) and the options at the
same sparsity targets; without a checkpoint the report holds that section only.
MACs are multiply-accumulates (FLOPs = 2 x MACs).

Options:
${COMMON_HELP}
  --out FILE          The HTML file to write (atomically).
  --no-sweep          Skip the sweep (analysis figures only).
  --seeds N           Seeds for the sweep's randomised points (default ${REPORT_SEEDS}, at most ${SEEDS.max}).
  --pareto FILE       A trainer Pareto summary (summary.json) to draw.
  --json OUT          Also write the (first checkpoint's) analysis JSON.
  --save              Also save it as a run under .dynapruner/runs/<id>/.
`,
  async run(args, io, signal) {
    const p = parseCommandArgs('report', args, REPORT_FLAGS);
    const paretoFile = p.string('pareto');
    const engines = await checkpointOptions(p, paretoFile !== undefined);
    const grids = sweepGrids(p, REPORT_SEEDS);
    const out = p.string('out');
    if (!out) throw new CliError('--out FILE is required (the HTML report to write)', 2);
    const json = p.string('json');
    if (engines.length === 0) for (const f of ['json', 'save', 'no-sweep'] as const) if (p.has(f)) throw new CliError(`--${f}: expected a checkpoint to analyse, found only --pareto`, 2);
    const outputs = await checkOutputs([fileOutput('--out', out), ...(json ? [fileOutput('--json', json)] : [])]);
    const summary = paretoFile === undefined ? null : await readSummary(paretoFile, outputs);
    const plotly = loadPlotlySource();
    if (engines.length === 0) {
      await writeFileAtomic(out, buildParetoReportHtml({ pareto: { checkpoints: [], summary }, plotly }));
      io.out(`wrote ${out}\n`);
      return 0;
    }
    const started = Date.now();
    const bar = progressBar(io, 'report');
    try {
      const share = 1 / (engines.length === 1 ? 1 : engines.length + 1);
      const first = await reportFirst(engines[0], outputs, !p.flag('no-sweep'), grids, signal, (f, m) => bar.update(f * (engines.length === 1 ? 1 : 2 * share), m));
      const others: Analysis[] = [];
      for (const [i, e] of engines.slice(1).entries()) others.push(await analyseOne(e, outputs, signal, (f, m) => bar.update((2 + i + f) * share, m)));
      bar.done();
      const all = [first.analysis, ...others];
      const pareto = others.length > 0 || summary ? { checkpoints: all.map((a) => paretoCheckpointOf(a)), summary } : null;
      const html = buildReportHtml({ analysis: first.analysis, sweep: first.sweep, plotly, pareto });
      await writeFileAtomic(out, html);
      if (json) await writeFileAtomic(json, JSON.stringify(first.analysis));
      io.out(summaryRows(first.analysis).map(([k, v]) => `${k.padEnd(46)} ${v}`).join('\n') + '\n');
      if (others.length > 0) printParetoRows(io, all);
      io.out(`wrote ${out}\n`);
      if (p.flag('save')) await saveReportRun(io, args, first.analysis, first.sweep, html, (Date.now() - started) / 1000);
      return 0;
    } finally {
      bar.done();
    }
  },
};

/** The options of each checkpoint positional (none allowed only with --pareto). */
async function checkpointOptions(p: ParsedArgs, hasPareto: boolean): Promise<EngineOptions[]> {
  if (p.positionals.length === 0 && !hasPareto) return [engineOptions('report', p)];
  if (p.positionals.length > MAX_REPORT_CHECKPOINTS) throw new CliError(`report: expected at most ${MAX_REPORT_CHECKPOINTS} checkpoints, found ${p.positionals.length}`, 2);
  const ids = await Promise.all(p.positionals.map(fileIdentity));
  for (const [k, id] of ids.entries()) {
    const first = ids.findIndex((other) => sameFile(other, id));
    if (first < k) throw new CliError(`report: checkpoint ${p.positionals[k]} is given twice${p.positionals[first] === p.positionals[k] ? '' : ` (also as ${p.positionals[first]})`}; give each checkpoint once`, 2);
  }
  return p.positionals.map((c) => engineOptionsFor(p, c));
}

/** Reads the --pareto summary after refusing an output that names it. */
async function readSummary(file: string, outputs: RolePath[]): Promise<ParetoSummary> {
  await refuseOutputsOverInputs(outputs, [{ role: 'the Pareto summary (--pareto)', path: file }]);
  try {
    return await readParetoSummary(file);
  } catch (e) {
    throw new CliError(`--pareto ${(e as Error).message}`, 2);
  }
}

type Progress = (fraction: number, message: string) => void;

/** The first checkpoint: analysis and, with masks and unless --no-sweep, the sweep. */
async function reportFirst(o: EngineOptions, outputs: RolePath[], wantSweep: boolean, grids: ReturnType<typeof sweepGrids>, signal: AbortSignal, progress: Progress): Promise<{ analysis: Analysis; sweep: SweepResult | null }> {
  const s = await setup(o, outputs, signal);
  try {
    const doSweep = wantSweep && hasMasks(s.ck);
    const analysis = await analyze(s.ck, s.samples, s.runner, { batchSize: s.batch, signal, onProgress: (f, m) => progress(doSweep ? f * 0.3 : f, m) });
    const sw = doSweep ? await sweep(s.ck, s.samples, s.runner, { ...DEFAULT_SWEEP, ...grids, batchSize: Math.max(s.batch, 16), signal, onProgress: (f, m) => progress(0.3 + 0.7 * f, m) }) : null;
    return { analysis, sweep: sw };
  } finally {
    await s.pool.close();
  }
}

/** A further checkpoint of the Pareto view: its analysis only. */
async function analyseOne(o: EngineOptions, outputs: RolePath[], signal: AbortSignal, progress: Progress): Promise<Analysis> {
  const s = await setup(o, outputs, signal);
  try {
    return await analyze(s.ck, s.samples, s.runner, { batchSize: s.batch, signal, onProgress: progress });
  } finally {
    await s.pool.close();
  }
}

/** One line per checkpoint of the Pareto view: method, MACs vs the dense backbone, MSE. */
function printParetoRows(io: CliIO, all: Analysis[]): void {
  io.out('\nPareto view (MSE vs effective MACs, % of the dense backbone)\n');
  for (const a of all) {
    const c = paretoCheckpointOf(a);
    const pct = c.meanEffectiveMacs === null ? '–' : `${formatSig((100 * c.meanEffectiveMacs) / c.denseBackboneMacs, 3)}%`;
    io.out(`  ${c.name.padEnd(32)} ${`${c.backbone ?? '?'} / ${c.method ?? '?'}`.padEnd(24)} MACs ${pct.padStart(6)}  MSE ${formatSig(c.mse, 4)}\n`);
  }
}

async function saveReportRun(io: CliIO, args: string[], analysis: Analysis, sw: SweepResult | null, html: string, durationSeconds: number): Promise<void> {
  const { folder } = await saveRun(process.cwd(), {
    command: 'report', model: analysis.model, data: analysis.data, args, durationSeconds,
    summary: { samples: analysis.samples.length, denseMacs: analysis.denseMacs, meanEffectiveMacs: analysis.aggregates.effectiveMacs.mean, mse: analysis.aggregates.mse?.mean ?? null, auc: analysis.aggregates.auc?.mean ?? null },
  }, { 'report.html': html, 'analysis.json': JSON.stringify(analysis), ...(sw ? { 'sweep.json': JSON.stringify(sw) } : {}) });
  io.err(`saved run ${folder}\n`);
}
