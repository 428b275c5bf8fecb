/**
 * A running sweep's partial results and progress for the user: the rows
 * recorded so far are summarised at most every {@link PARTIAL_SWEEP_MS}, sent
 * to `onPartial`, and the progress line names the point being filled
 * ("Random pruning, noise σ 0.05: 3/9 samples") instead of the sweep's
 * internal phase ("allCut: 381/801 rows").
 */
import { performance } from 'node:perf_hooks';
import type { SweepOptions } from '../../core/experiments/sweep';
import { sweepProgressText } from '../../core/figures/sweepProgress';
import { PARTIAL_SWEEP_MS, type SweepCall } from './engineClient';

/** The sweep's `onProgress` / `onPartial` for an engine call over `samples` samples. */
export function partialSweeps(call: SweepCall, samples: number): Pick<SweepOptions, 'onProgress' | 'onPartial'> {
  let last = -Infinity;
  let fraction = 0;
  let text: string | null = null;
  return {
    onProgress: (f, m) => {
      fraction = 0.02 + 0.98 * f;
      call.onProgress(fraction, text ?? m);
    },
    onPartial: (summary) => {
      const now = performance.now();
      if (now - last < PARTIAL_SWEEP_MS) return;
      last = now;
      const partial = summary();
      text = sweepProgressText(partial, samples);
      call.onProgress(fraction, text);
      call.onPartial?.(partial, samples);
    },
  };
}
