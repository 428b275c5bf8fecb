/**
 * Sweep results laid out like the paper's Tables I-IV, as string cells ready
 * for CSV and HTML: I methods (MSE, MAE, GMACs, change vs dense and vs the
 * trained dense checkpoint), II robustness (noise, mask failure), III
 * sensitivity (data threshold x tau offset), IV ablation by injection (DP /
 * MP / synergy). "Dense" is the clean dense graph of the checkpoint (same
 * weights, every mask one and folded away: the numbers of dense mode up to
 * float rounding); the trained dense checkpoint is a separate model.
 */
import type { MaskMethod, PaperTables, SweepPoint, SweepResult, Table, TrainedDensePoint } from '../schema/results';

const LABEL: Record<MaskMethod, string> = {
  dense: 'Dense (same weights, masks off)',
  l1: 'MP: static L1',
  random: 'Random pruning',
  dynapruner: 'Dyna-Pruner',
  dp_only: 'DP only',
  mp_only: 'MP only',
};

const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '');
const g3 = (macs: number) => (Number.isFinite(macs) ? (macs / 1e9).toFixed(4) : '');
const pct = (v: number, ref: number) => (Number.isFinite(v) && Number.isFinite(ref) && ref !== 0 ? `${v >= ref ? '+' : ''}${(((v - ref) / ref) * 100).toFixed(1)}%` : '');
const ci = (p: Pick<SweepPoint, 'mse'>) => (p.mse.n > 1 ? `[${f4(p.mse.ci95[0])}, ${f4(p.mse.ci95[1])}]` : '');

/** MACs of the clean dense graph (the backbone): the reference of every "GMACs vs dense" (older results: the whole graph). */
const denseRef = (r: SweepResult) => r.denseBackboneMacs ?? r.denseMacs;

/** Table I's row of the trained dense checkpoint. */
function trainedDenseRow(t: TrainedDensePoint, r: SweepResult, denseMse: number): string[] {
  return [
    `Trained dense checkpoint (${t.model.name})`, f4(t.mse.mean), ci(t), f4(t.mae.mean), g3(t.denseMacs), g3(t.denseMacs),
    pct(t.mse.mean, denseMse), '', pct(t.denseMacs, denseRef(r)), '1.000', '1.000',
  ];
}

function find(points: SweepPoint[], pred: (p: SweepPoint) => boolean): SweepPoint | undefined {
  return points.find(pred);
}

/** Builds the four tables from a sweep result. */
export function paperTables(r: SweepResult): PaperTables {
  const clean = (m: MaskMethod) => find(r.noise, (p) => p.config.method === m && p.config.noiseSigma === 0) ?? find(r.ablation, (p) => p.config.method === m);
  const dense = clean('dense');
  const methods: MaskMethod[] = ['dense', 'l1', 'random', 'dynapruner'];
  const table1: Table = {
    title: 'Table I: methods on the test windows (MSE/MAE in normalised units; MACs per sample)',
    columns: ['method', 'MSE', 'MSE 95% CI', 'MAE', 'dense GMACs', 'effective GMACs', 'MSE vs dense', 'MSE vs trained dense', 'GMACs vs dense', 'active pixels', 'active filters'],
    rows: [
      ...methods
        .map((m) => clean(m))
        .filter((p): p is SweepPoint => !!p)
        .map((p) => [
          LABEL[p.config.method] + (p.config.l1Sparsity !== null ? ` (${Math.round(p.config.l1Sparsity * 100)}% filters)` : ''),
          f4(p.mse.mean), ci(p), f4(p.mae.mean), g3(denseRef(r)), g3(p.effectiveMacs.mean),
          pct(p.mse.mean, dense?.mse.mean ?? NaN), pct(p.mse.mean, r.trainedDense?.mse.mean ?? NaN), pct(p.effectiveMacs.mean, denseRef(r)),
          p.activeFraction.mean.toFixed(3), p.filterFraction.mean.toFixed(3),
        ]),
      ...(r.trainedDense ? [trainedDenseRow(r.trainedDense, r, dense?.mse.mean ?? NaN)] : []),
    ],
  };
  const noiseCols = r.grids.noise.filter((s) => s > 0);
  const failCols = r.grids.failure.filter((x) => x > 0);
  const table2: Table = {
    title: 'Table II: robustness, MSE (change vs clean) under Gaussian input noise and data-mask failures; mean over samples x seeds',
    columns: ['method', 'clean', ...noiseCols.map((s) => `noise ${s}`), ...failCols.map((x) => `failure ${Math.round(x * 100)}%`)],
    rows: ['dense', 'random', 'l1', 'dynapruner']
      .filter((m) => r.noise.some((p) => p.config.method === m))
      .map((m) => {
        const base = find(r.noise, (p) => p.config.method === m && p.config.noiseSigma === 0);
        const cell = (p?: SweepPoint) => (p ? `${f4(p.mse.mean)} (${pct(p.mse.mean, base?.mse.mean ?? NaN)})` : '-');
        return [
          LABEL[m as MaskMethod], base ? f4(base.mse.mean) : '-',
          ...noiseCols.map((s) => cell(find(r.noise, (p) => p.config.method === m && p.config.noiseSigma === s))),
          ...failCols.map((x) => cell(find(r.failure, (p) => p.config.method === m && p.config.failureRate === x))),
        ];
      }),
  };
  const table3: Table = {
    title: 'Table III: sensitivity by injection: data threshold x tau offset (Pareto front marked *)',
    columns: ['data threshold', 'tau offset', 'MSE', 'effective GMACs', 'GMACs vs dense', 'active pixels', 'active filters', 'pareto'],
    rows: r.sensitivity.points.map((p) => [
      p.config.dataThreshold === null ? 'own' : String(p.config.dataThreshold), String(p.config.tauOffset),
      f4(p.mse.mean), g3(p.effectiveMacs.mean), pct(p.effectiveMacs.mean, denseRef(r)),
      p.activeFraction.mean.toFixed(3), p.filterFraction.mean.toFixed(3), r.sensitivity.pareto.includes(p.id) ? '*' : '',
    ]),
  };
  const flags: Record<string, [string, string, string]> = {
    dense: ['', '', ''], dp_only: ['yes', '', ''], mp_only: ['', 'yes', ''], dynapruner: ['yes', 'yes', 'yes'],
  };
  const table4: Table = {
    title: 'Table IV: ablation by injection on this checkpoint (DP = its data mask, MP = its gates)',
    columns: ['DP', 'MP', 'synergy', 'method', 'MSE', 'effective GMACs', 'GMACs vs dense'],
    rows: r.ablation.map((p) => [...(flags[p.config.method] ?? ['', '', '']), LABEL[p.config.method], f4(p.mse.mean), g3(p.effectiveMacs.mean), pct(p.effectiveMacs.mean, denseRef(r))]),
  };
  return { table1, table2, table3, table4 };
}

/** One table as CSV (RFC 4180 quoting). */
export function tableToCsv(t: Table): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [t.columns, ...t.rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
}
