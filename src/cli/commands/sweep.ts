/** `dynapruner sweep`: robustness, baselines, sensitivity and ablation by mask injection. */
import path from 'node:path';
import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args/parse';
import { checkOutputs, fileOutput, folderOutput } from '../outputs';
import { progressBar } from '../progress';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { writeOutputFolder } from '../../core/runs/outputFolder';
import { requireMasks } from '../../core/checkpoint/checkpoint';
import type { PaperTables } from '../../core/schema/results';
import { saveRun } from '../../core/runs/runStore';
import { DEFAULT_SWEEP, sweep } from '../../core/experiments/sweep';
import { tableToCsv } from '../../core/experiments/tables';
import { COMMON_HELP, engineOptions, setup } from './engineCommon';
import { SWEEP_FLAGS, sweepGrids } from './sweepOptions';
import { SEEDS, SWEEP_ROWS_PER_SAMPLE } from '../args/limits';

/** The files `--csv DIR` writes (and the only ones it may replace there). */
const TABLE_KEYS: (keyof PaperTables)[] = ['table1', 'table2', 'table3', 'table4'];
const CSV_FILES = TABLE_KEYS.map((k) => `${k}.csv`);

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
At most ${SWEEP_ROWS_PER_SAMPLE} configurations x seeds per sample.
Every (sample x configuration x seed) is one row; rows are run in batches of
--batch rows (default ${DEFAULT_SWEEP.batchSize}) per graph variant.
MACs are multiply-accumulates (FLOPs = 2 x MACs).

Options:
${COMMON_HELP}
  --noise LIST        Noise sigmas, >= 0 (default ${DEFAULT_SWEEP.noise.join(',')}).
  --failure LIST      Failure rates in [0, 1] (default ${DEFAULT_SWEEP.failure.join(',')}).
  --baselines LIST    Any of dense,random,l1 (default all).
  --seeds N           Seeds for randomised points (default ${DEFAULT_SWEEP.seeds}, at most ${SEEDS.max}).
  --thresholds LIST   Data thresholds in [0, 1] for the sensitivity sweep (default ${DEFAULT_SWEEP.dataThresholds.join(',')}).
  --tau-offsets LIST  Tau offsets in [-1, 1] (default ${DEFAULT_SWEEP.tauOffsets.join(',')}).
  --gate-failure      Also flip active gates at the failure rate.
  --json OUT          Write the sweep JSON (schemaVersion 1; '-' = stdout).
  --csv DIR           Write table1.csv..table4.csv (Tables I-IV layout) into DIR: a new or empty
                      folder, or one holding only those files (they are replaced).
  --save              Also save it as a run under .dynapruner/runs/<id>/.
`,
  async run(args, io, signal) {
    const p = parseCommandArgs('sweep', args, SWEEP_FLAGS);
    const engine = engineOptions('sweep', p);
    const grids = sweepGrids(p);
    const out = p.string('json');
    const csvDir = p.string('csv');
    const outputs = await checkOutputs([...(out && out !== '-' ? [fileOutput('--json', out)] : []), ...(csvDir ? [folderOutput('--csv', csvDir, CSV_FILES)] : [])]);
    const started = Date.now();
    const s = await setup(engine, outputs, signal);
    const bar = progressBar(io, 'sweep');
    try {
      requireMasks(s.ck, 'sweep');
      const result = await sweep(s.ck, s.samples, s.runner, { ...grids, batchSize: engine.batchGiven ? s.batch : DEFAULT_SWEEP.batchSize, signal, onProgress: (f, m) => bar.update(f, m) });
      bar.done();
      const json = JSON.stringify(result, null, 1);
      const csv = Object.fromEntries(TABLE_KEYS.map((k) => [`${k}.csv`, tableToCsv(result.tables[k])]));
      if (out === '-') io.out(json + '\n');
      else {
        if (out) await writeFileAtomic(out, json);
        io.out(Object.values(result.tables).map(tableText).join('\n'));
      }
      if (csvDir) await writeOutputFolder(csvDir, csv);
      if (out && out !== '-') io.out(`wrote ${out}\n`);
      if (csvDir) io.out(`wrote ${CSV_FILES.map((f) => path.join(csvDir, f)).join(', ')}\n`);
      if (p.flag('save')) {
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
