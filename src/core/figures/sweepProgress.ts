/**
 * A running sweep's progress in the user's terms, from a partial SweepResult:
 * the point being filled ("Random pruning, noise σ 0.05: 3/9 samples") and
 * how many of the sweep's points are complete.
 */
import type { SweepPoint, SweepResult } from '../schema/results';
import { METHOD_NAMES } from './robustness';

/** What a partial sweep has recorded. */
export interface SweepProgress {
  /** Points with every row recorded, of all points. */
  pointsDone: number;
  points: number;
  /** The first point in grid order still being filled, in words; null when every point is complete. */
  current: string | null;
}

/** Rows a point runs: samples x its seeds. */
function rowsOf(p: SweepPoint, samples: number): number {
  return samples * Math.max(1, p.seeds.length);
}

/** A point's configuration in words: method and the swept setting. */
export function pointLabel(p: SweepPoint, group: 'noise' | 'failure' | 'sensitivity' | 'ablation'): string {
  const c = p.config;
  const method = METHOD_NAMES[c.method];
  switch (group) {
    case 'noise': return `${method}, noise σ ${c.noiseSigma}`;
    case 'failure': return `${method}, mask failure ${Math.round(c.failureRate * 1000) / 10}%`;
    case 'sensitivity': return `data threshold ${c.dataThreshold ?? 'own'}, τ offset ${c.tauOffset}`;
    case 'ablation': return `ablation: ${method}`;
  }
}

/** Progress of a partial sweep of `samples` samples. */
export function sweepProgress(s: SweepResult, samples: number): SweepProgress {
  const groups = [['noise', s.noise], ['failure', s.failure], ['sensitivity', s.sensitivity.points], ['ablation', s.ablation]] as const;
  let points = 0;
  let pointsDone = 0;
  let current: string | null = null;
  for (const [group, list] of groups) {
    for (const p of list) {
      points++;
      const total = rowsOf(p, samples);
      if (p.mse.n >= total) {
        pointsDone++;
        continue;
      }
      if (current === null && p.mse.n > 0) {
        const unit = p.seeds.length > 1 ? `runs (${samples} samples × ${p.seeds.length} seeds)` : 'samples';
        current = `${pointLabel(p, group)}: ${p.mse.n}/${total} ${unit}`;
      }
    }
  }
  return { pointsDone, points, current };
}

/** One line for a progress bar: "Random pruning, noise σ 0.05: 3/9 samples · 12 of 40 points done". */
export function sweepProgressText(s: SweepResult, samples: number): string {
  const p = sweepProgress(s, samples);
  const done = `${p.pointsDone} of ${p.points} points done`;
  return p.current ? `${p.current} · ${done}` : done;
}
