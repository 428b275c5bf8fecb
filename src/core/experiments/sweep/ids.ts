/** Stable identifiers and seeds of sweep configurations. */
import type { SweepConfig } from '../../schema/results';
import { mixSeed } from '../random';

/** Seed of the input noise of one sample: shared by every method at the same sigma and seed (paired comparison). */
export function noiseSeed(seed: number, sigma: number, sample: number): number {
  return mixSeed(seed, `sigma=${sigma}`, sample, 'noise');
}

/** Stable id of a configuration, e.g. `dynapruner:noise=0.05`. */
export function pointId(c: SweepConfig): string {
  const parts: string[] = [c.method];
  if (c.noiseSigma) parts.push(`noise=${c.noiseSigma}`);
  if (c.failureRate) parts.push(`failure=${c.failureRate}${c.gateFailure ? '+gates' : ''}`);
  if (c.dataThreshold !== null) parts.push(`thr=${c.dataThreshold}`);
  if (c.tauOffset) parts.push(`tau${c.tauOffset > 0 ? '+' : ''}${c.tauOffset}`);
  if (c.l1Sparsity !== null) parts.push(`l1=${c.l1Sparsity}`);
  return parts.join(':');
}
