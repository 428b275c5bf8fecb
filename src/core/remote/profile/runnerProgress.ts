/** Live progress of the device work, computed from runner messages. */
import type { ProfileProgress } from './profileTypes';
import type { RunnerMessage } from './runnerProtocol';

/**
 * Progress of the device work from a runner message: each variant's share is
 * split between warm-up, timed runs and per-sample runs by inference count.
 */
export function runnerProgress(m: RunnerMessage, variantIds: string[], warmup: number, iterations: number, perSample: number): ProfileProgress | null {
  let phase: ProfileProgress['phase'];
  let done: number;
  let total: number;
  if (m.type === 'progress') ({ phase, done, total } = m);
  else if (m.type === 'warmup') [phase, done, total] = ['warmup', warmup, warmup];
  else if (m.type === 'timed') [phase, done, total] = ['timed', iterations, iterations];
  else if (m.type === 'sample') [phase, done, total] = ['samples', m.index + 1, perSample];
  else return null;
  const variantIndex = variantIds.indexOf(m.variant);
  if (variantIndex < 0) return null;
  const per = warmup + iterations + perSample || 1;
  const before = phase === 'warmup' ? 0 : phase === 'timed' ? warmup : warmup + iterations;
  const within = (before + Math.min(done, total)) / per;
  return { variant: m.variant, variantIndex, variants: variantIds.length, phase, done, total, fraction: (variantIndex + within) / variantIds.length };
}
