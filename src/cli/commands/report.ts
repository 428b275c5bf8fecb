/** `dynapruner report`: the standalone HTML report (analysis + sweep figures). */
import type { CliCommand } from '../command';
import { CliError } from '../command';
import { parseCommandArgs } from '../args/parse';
import { checkOutputs, fileOutput } from '../outputs';
import { progressBar } from '../progress';
import { analyze } from '../../core/experiments/analyze';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { hasMasks } from '../../core/checkpoint/checkpoint';
import type { SweepResult } from '../../core/schema/results';
import { saveRun } from '../../core/runs/runStore';
import { DEFAULT_SWEEP, sweep } from '../../core/experiments/sweep';
import { buildReportHtml, summaryRows } from '../../core/report/html';
import { loadPlotlySource } from '../../core/report/plotlySource';
import { COMMON_FLAGS, COMMON_HELP, engineOptions, setup } from './engineCommon';
import { sweepGrids } from './sweepOptions';
import { SEEDS } from '../args/limits';

const REPORT_FLAGS = {
  ...COMMON_FLAGS,
  out: { type: 'string', value: 'FILE' },
  seeds: { type: 'string', value: 'N' },
  json: { type: 'string', value: 'OUT' },
  'no-sweep': { type: 'boolean' },
  save: { type: 'boolean' },
} as const;

/** Seeds of the report's sweep unless --seeds says otherwise. */
const REPORT_SEEDS = 2;

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Write a standalone HTML report (masks, filter activity, FLOPs breakdown, robustness)',
  help: `Usage: dynapruner report <checkpoint.onnx> [--data FILES...] --out report.html [--no-sweep] [--seeds N]

Runs the analysis (as 'run') and, for checkpoints with masks, a robustness
sweep (as 'sweep', default grids, --seeds seeds, default 2), and writes one
HTML file with plotly.js inlined: no network access, strict CSP with a nonce.
Figures are the same builders the VS Code panels use.
MACs are multiply-accumulates (FLOPs = 2 x MACs).

Options:
${COMMON_HELP}
  --out FILE          The HTML file to write (atomically).
  --no-sweep          Skip the sweep (analysis figures only).
  --seeds N           Seeds for the sweep's randomised points (default ${REPORT_SEEDS}, at most ${SEEDS.max}).
  --json OUT          Also write the analysis JSON.
  --save              Also save it as a run under .dynapruner/runs/<id>/.
`,
  async run(args, io, signal) {
    const p = parseCommandArgs('report', args, REPORT_FLAGS);
    const engine = engineOptions('report', p);
    const grids = sweepGrids(p, REPORT_SEEDS);
    const out = p.string('out');
    if (!out) throw new CliError('--out FILE is required (the HTML report to write)', 2);
    const json = p.string('json');
    const outputs = await checkOutputs([fileOutput('--out', out), ...(json ? [fileOutput('--json', json)] : [])]);
    const plotly = loadPlotlySource();
    const started = Date.now();
    const s = await setup(engine, outputs, signal);
    const bar = progressBar(io, 'report');
    try {
      const doSweep = !p.flag('no-sweep') && hasMasks(s.ck);
      const analysis = await analyze(s.ck, s.samples, s.runner, { batchSize: s.batch, signal, onProgress: (f, m) => bar.update(doSweep ? f * 0.3 : f, m) });
      let sw: SweepResult | null = null;
      if (doSweep) {
        sw = await sweep(s.ck, s.samples, s.runner, { ...DEFAULT_SWEEP, ...grids, batchSize: Math.max(s.batch, 16), signal, onProgress: (f, m) => bar.update(0.3 + 0.7 * f, m) });
      }
      bar.done();
      const html = buildReportHtml({ analysis, sweep: sw, plotly });
      await writeFileAtomic(out, html);
      if (json) await writeFileAtomic(json, JSON.stringify(analysis));
      io.out(summaryRows(analysis).map(([k, v]) => `${k.padEnd(46)} ${v}`).join('\n') + '\n');
      io.out(`wrote ${out}\n`);
      if (p.flag('save')) {
        const { folder } = await saveRun(process.cwd(), {
          command: 'report', model: analysis.model, data: analysis.data, args, durationSeconds: (Date.now() - started) / 1000,
          summary: { samples: analysis.samples.length, denseMacs: analysis.denseMacs, meanEffectiveMacs: analysis.aggregates.effectiveMacs.mean, mse: analysis.aggregates.mse?.mean ?? null, auc: analysis.aggregates.auc?.mean ?? null },
        }, { 'report.html': html, 'analysis.json': JSON.stringify(analysis), ...(sw ? { 'sweep.json': JSON.stringify(sw) } : {}) });
        io.err(`saved run ${folder}\n`);
      }
      return 0;
    } finally {
      bar.done();
      await s.pool.close();
    }
  },
};
