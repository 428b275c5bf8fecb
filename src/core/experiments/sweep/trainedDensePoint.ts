/** The trained dense checkpoint's point for Table I. */
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { maskedErrorsAt } from '../../metrics/errors';
import { estimate } from '../../metrics/stats';
import { ModelRunner } from '../../runtime/modelRunner';
import { runRows, type RowJob } from '../../runtime/rowBatches';
import { inputSize, targetSize, type SampleSet } from '../../samples/sampleSet';
import type { TrainedDensePoint } from '../../schema/results';
import { openTrainedDense } from '../trainedDense';
import type { SweepOptions } from './options';

/** The trained dense checkpoint on the clean samples (null without one). */
export async function trainedDensePoint(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, opts: SweepOptions, rowsPerCall: number): Promise<TrainedDensePoint | null> {
  const trained = opts.trainedDense === undefined || opts.trainedDense === 'auto' ? await openTrainedDense(ck, opts.signal) : opts.trainedDense;
  if (!trained || !samples.targets) return null;
  const xi = inputSize(samples);
  const yi = targetSize(samples);
  const mse = new Array<number>(samples.count);
  const mae = new Array<number>(samples.count);
  const jobs: RowJob[] = Array.from({ length: samples.count }, (_, k) => ({
    fillInput: (dst, offset) => dst.set(samples.inputs.subarray(k * xi, (k + 1) * xi), offset),
    done: (o) => {
      const e = maskedErrorsAt(o.prediction, 0, samples.targets!, k * yi, samples.valid, k * yi, yi);
      mse[k] = e.mse;
      mae[k] = e.mae;
    },
  }));
  await runRows(new ModelRunner(trained, runner.pool), 'full', jobs, { rowsPerCall, signal: opts.signal });
  return { model: trained.ref, denseMacs: trained.denseMacs, mse: estimate(mse), mae: estimate(mae) };
}
