/** The sparse plan as printed by `dynapruner export`: one line per unit, then the end-to-end verdict. */
import type { SparsePlan } from './sparsePlan';

const ms = (v: number | null) => (v === null ? '-' : v.toFixed(3));

/** Plain-text table of `plan`. */
export function sparsePlanText(plan: SparsePlan): string {
  const m = plan.measured;
  const threads = m.threads === null ? 'runtime default' : String(m.threads);
  const lines = [
    `sparse plan (calibrate ${m.calibrate}; device ${m.device}; runtime ${m.runtime}; threads ${threads}; ${m.clock === 'cpu' ? 'CPU time per run' : 'wall-clock'} ms; ${m.samples} samples x ${m.rounds} rounds)`,
    'unit  filters  keep rate  form      graph ms, unit gathered  graph ms, unit dense  dense / gathered (paired median)',
    ...plan.units.map((u) => `${String(u.unit).padStart(4)}  ${String(u.channels).padStart(7)}  ${u.keepRate.toFixed(2).padStart(9)}  ${u.form.padEnd(8)}  ${ms(u.gatheredMs).padStart(23)}  ${ms(u.denseMs).padStart(20)}  ${(u.denseOverGathered === null ? '-' : u.denseOverGathered.toFixed(3)).padStart(16)}`),
  ];
  const e = plan.endToEnd;
  if (e) {
    lines.push(`end to end: clean dense ${e.cleanDenseMs.toFixed(3)} ms, plan (${e.chosen}) ${e.planMs.toFixed(3)} ms: ${e.ratio.toFixed(2)}x clean dense (all gathered ${e.allGatheredRatio.toFixed(2)}x, all dense ${e.allDenseRatio.toFixed(2)}x; paired medians)`);
  }
  lines.push(`verdict: ${plan.verdict}`);
  return lines.join('\n') + '\n';
}
