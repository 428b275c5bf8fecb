/** `dynapruner sweep`: robustness, baselines, sensitivity and ablation by mask injection. */
import path from 'node:path';
import type { CliCommand } from '../command';
import { CliError } from '../command';
import { progressBar } from '../progress';
import { writeFileAtomic, writeFolderAtomic } from '../../core/runs/atomicWrite';
import { requireMasks } from '../../core/checkpoint/checkpoint';
import type { MaskMethod } from '../../core/schema/results';
import { saveRun } from '../../core/runs/runStore';
import { DEFAULT_SWEEP, sweep } from '../../core/experiments/sweep';
import { tableToCsv } from '../../core/experiments/tables';
import { COMMON_FLAGS, COMMON_HELP, intFlag, numberList, parseArgs, setup, single } from './engineCommon';

const BASELINES: MaskMethod[] = ['dense', 'random', 'l1'];

/** Prints a table as aligned text. */
export function tableText(t: { title: string; columns: string[]; rows: string[][] }): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ');
  return `${t.title}\n${line(t.columns)}\n${t.rows.map(line).join('\n')}\n`;
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary: 'Robustness / sensitivity sweep by mask injection (noise, mask failures, baselines, Pareto, ablation)',
  help: `Usage: dynapruner sweep <checkpoint.onnx> [--data FILES...] [--noise 0,0.01,...] [--failure 0,0.05,...]
                        [--baselines dense,random,l1] [--seeds N] [--thresholds ...] [--tau-offsets ...]
                        [--json OUT] [--csv DIR] [--save]

Method spec section 8, by graph surgery: the mask tensors (dp_data_mask,
dp_gate_mask_<i>) become graph inputs and the sweep feeds its own masks.
  noise       X + N(0, sigma^2) in normalised units, per method
  failure     flip a fraction of active data-mask pixels to 0 (gates react)
  random      random data mask / filters at the checkpoint's mean active counts
  l1          static L1 filter pruning at the sparsity matching its effective MACs
  sensitivity data threshold x tau offset -> MSE vs effective MACs, Pareto front
              (tau offsets are applied inside the graph: each unit's tau is fed as
              an input, so later gates react to earlier masked activations)
  ablation    DP only (own data mask, gates on), MP only (own gates, data mask on)
Each point: mean and 95% CI over samples x seeds. Needs a checkpoint with masks.
Every (sample x configuration x seed) is one row; rows are run in batches of
--batch rows (default ${DEFAULT_SWEEP.batchSize}) per graph variant.
MACs are multiply-accumulates (FLOPs = 2 x MACs).

Options:
${COMMON_HELP}
  --noise LIST        Noise sigmas (default ${DEFAULT_SWEEP.noise.join(',')}).
  --failure LIST      Failure rates (default ${DEFAULT_SWEEP.failure.join(',')}).
  --baselines LIST    Any of dense,random,l1 (default all).
  --seeds N           Seeds for randomised points (default ${DEFAULT_SWEEP.seeds}).
  --thresholds LIST   Data thresholds for the sensitivity sweep (default ${DEFAULT_SWEEP.dataThresholds.join(',')}).
  --tau-offsets LIST  Tau offsets (default ${DEFAULT_SWEEP.tauOffsets.join(',')}).
  --gate-failure      Also flip active gates at the failure rate.
  --json OUT          Write the sweep JSON (schemaVersion 1; '-' = stdout).
  --csv DIR           Write table1.csv..table4.csv (Tables I-IV layout).
  --save              Also save it as a run under .dynapruner/runs/<id>/.
`,
  async run(args, io, signal) {
    const p = parseArgs(args, [...COMMON_FLAGS, 'noise', 'failure', 'baselines', 'seeds', 'thresholds', 'tau-offsets', 'json', 'csv'], ['gate-failure', 'save']);
    const baselines = (p.flags.get('baselines') ?? BASELINES).flatMap((s) => s.split(',')).filter((s) => s) as MaskMethod[];
    for (const b of baselines) if (!BASELINES.includes(b)) throw new CliError(`--baselines: unknown baseline '${b}' (expected any of ${BASELINES.join(', ')})`, 2);
    const opts = {
      noise: numberList(p, 'noise', DEFAULT_SWEEP.noise),
      failure: numberList(p, 'failure', DEFAULT_SWEEP.failure),
      baselines,
      seeds: intFlag(p, 'seeds', DEFAULT_SWEEP.seeds),
      dataThresholds: numberList(p, 'thresholds', DEFAULT_SWEEP.dataThresholds),
      tauOffsets: numberList(p, 'tau-offsets', DEFAULT_SWEEP.tauOffsets),
      gateFailure: p.flags.has('gate-failure'),
    };
    for (const r of opts.failure) if (r < 0 || r > 1) throw new CliError(`--failure: rate ${r} is outside [0, 1]`, 2);
    const started = Date.now();
    const s = await setup(p, 'sweep', signal);
    const bar = progressBar(io, 'sweep');
    try {
      requireMasks(s.ck, 'sweep');
      const result = await sweep(s.ck, s.samples, s.runner, { ...opts, batchSize: p.flags.has('batch') ? s.batch : DEFAULT_SWEEP.batchSize, signal, onProgress: (f, m) => bar.update(f, m) });
      bar.done();
      const json = JSON.stringify(result, null, 1);
      const out = single(p, 'json');
      const csvDir = single(p, 'csv');
      const csv: Record<string, string> = {};
      Object.entries(result.tables).forEach(([k, t]) => (csv[`${k}.csv`] = tableToCsv(t)));
      if (out === '-') io.out(json + '\n');
      else {
        if (out) await writeFileAtomic(out, json);
        io.out(Object.values(result.tables).map(tableText).join('\n'));
      }
      if (csvDir) await writeFolderAtomic(csvDir, csv);
      if (out && out !== '-') io.out(`wrote ${out}\n`);
      if (csvDir) io.out(`wrote ${Object.keys(csv).map((f) => path.join(csvDir, f)).join(', ')}\n`);
      if (p.flags.has('save')) {
        const clean = result.noise.find((x) => x.config.method === 'dynapruner' && x.config.noiseSigma === 0);
        const { folder } = await saveRun(process.cwd(), {
          command: 'sweep', model: result.model, data: result.data, args, durationSeconds: (Date.now() - started) / 1000,
          summary: { samples: s.samples.count, denseMacs: result.denseMacs, meanEffectiveMacs: clean?.effectiveMacs.mean ?? null, mse: clean?.mse.mean ?? null, auc: null },
        }, { 'sweep.json': json, ...Object.fromEntries(Object.entries(csv).map(([k, v]) => [`tables/${k}`, v])) });
        io.err(`saved run ${folder}\n`);
      }
      return 0;
    } finally {
      bar.done();
      await s.pool.close();
    }
  },
};
