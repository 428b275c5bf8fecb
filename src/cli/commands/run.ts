/** `dynapruner run`: per-sample Dyna-Pruner analysis of a checkpoint on data. */
import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args/parse';
import { checkOutputs, fileOutput } from '../outputs';
import { progressBar } from '../progress';
import { analyze } from '../../core/experiments/analyze';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { saveRun } from '../../core/runs/runStore';
import { summaryRows } from '../../core/report/html';
import { COMMON_FLAGS, COMMON_HELP, engineOptions, setup } from './engineCommon';

const RUN_FLAGS = { ...COMMON_FLAGS, json: { type: 'string', value: 'OUT' }, save: { type: 'boolean' } } as const;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run a checkpoint on data: masks, gates, mask-aware MACs, errors, alignment per sample',
  help: `Usage: dynapruner run <checkpoint.onnx> [--data FILES...] [--json OUT] [--samples N] [--save]

Runs the checkpoint (onnxruntime-node, worker threads) and its clean dense
graph (the same weights with every mask folded away as all ones) on every window and reports per sample: importance S,
data mask and active fraction, gate scores/masks per unit, effective MACs per
layer (mask-aware, overhead apart), prediction, MSE/MAE vs target, clean dense,
the trained dense checkpoint beside it (<backbone>_dense.onnx, when present)
and persistence on valid pixels, |Delta| and the importance alignment (ROC AUC,
Spearman). Prints a summary; --json writes the full analysis (schemaVersion 1,
src/core/schema/results.ts; '-' for stdout).

MACs are multiply-accumulates (FLOPs = 2 x MACs), counted as in 'inspect'.

Options:
${COMMON_HELP}
  --json OUT          Write the analysis JSON (atomically; '-' = stdout).
  --save              Also save it as a run under .dynapruner/runs/<id>/.
`,
  async run(args, io, signal) {
    const p = parseCommandArgs('run', args, RUN_FLAGS);
    const engine = engineOptions('run', p);
    const out = p.string('json');
    const outputs = await checkOutputs(out && out !== '-' ? [fileOutput('--json', out)] : []);
    const started = Date.now();
    const s = await setup(engine, outputs, signal);
    const bar = progressBar(io, 'run');
    try {
      const analysis = await analyze(s.ck, s.samples, s.runner, { batchSize: s.batch, signal, onProgress: (f, m) => bar.update(f, m) });
      bar.done();
      const json = JSON.stringify(analysis);
      if (out === '-') io.out(json + '\n');
      else {
        if (out) await writeFileAtomic(out, json);
        io.out(summaryRows(analysis).map(([k, v]) => `${k.padEnd(46)} ${v}`).join('\n') + '\n');
        io.out(`per-sample effective GMACs: ${analysis.samples.map((x) => (x.macs.total / 1e9).toFixed(4)).join(' ')}\n`);
        if (out) io.out(`wrote ${out}\n`);
      }
      if (p.flag('save')) {
        const { folder } = await saveRun(process.cwd(), {
          command: 'run', model: analysis.model, data: analysis.data, args, durationSeconds: (Date.now() - started) / 1000,
          summary: { samples: analysis.samples.length, denseMacs: analysis.denseMacs, meanEffectiveMacs: analysis.aggregates.effectiveMacs.mean, mse: analysis.aggregates.mse?.mean ?? null, auc: analysis.aggregates.auc?.mean ?? null },
        }, { 'analysis.json': json });
        io.err(`saved run ${folder}\n`);
      }
      return 0;
    } finally {
      bar.done();
      await s.pool.close();
    }
  },
};
