/**
 * The trainer's Pareto summary (`trainer/results/pareto/<set>/summary.json`,
 * written by `dynapruner_trainer.pareto_report`), as the Studio reads it:
 * per backbone, method and sparsity point, the mean over seeds with its 95%
 * t-interval, and per backbone the paired difference of two methods at
 * matched effective-MAC reductions with its bootstrap CI, and the trainer
 * options' (`dynapruner+<name>`) paired comparisons. Types only.
 * A statistic the trainer could not compute (NaN in the file: one seed, no
 * alignment for a dense model) is `null` here.
 */

/** Mean over seeds with its 95% t-interval; `lo`/`hi` are null for fewer than two seeds. */
export interface MeanCi {
  mean: number | null;
  lo: number | null;
  hi: number | null;
  /** Number of seeds behind the mean. */
  n: number;
}

/** One (backbone, method, sparsity point) of the grid, aggregated over seeds. */
export interface ParetoSummaryPoint {
  backbone: string;
  /** Training method: `dense`, `mp_l1`, `dynapruner`, ... */
  method: string;
  /** Index of the sparsity point in the method's grid (-1 for dense). */
  point: number;
  /** Data-sparsity target (Dyna-Pruner), null when the method has none. */
  sD: number | null;
  /** Model-sparsity target, null for dense. */
  sW: number | null;
  seeds: number[];
  mse: MeanCi;
  /** Effective MACs per sample (absolute). */
  effectiveMacs: MeanCi;
  /** 1 - effective MACs / dense backbone MACs of the same seed. */
  macReduction: MeanCi;
  /** MSE change vs the dense model of the same seed, in %. */
  mseVsDensePct: MeanCi;
}

/** Method `a` minus method `b` at one matched MAC reduction. */
export interface MatchedPoint {
  macReduction: number;
  /** Mean MSE difference in % of the dense MSE. */
  diffPctOfDense: number;
  /** Bootstrap 95% CI of the difference over seeds and windows (null where the trainer wrote NaN). */
  ci95: [number | null, number | null];
  /** Method a's MSE vs dense in %, interpolated at this reduction. */
  aVsDensePct: number | null;
  bVsDensePct: number | null;
}

/** The matched-MACs comparison of one backbone. */
export interface MatchedComparison {
  backbone: string;
  a: string;
  b: string;
  seeds: number[];
  /** Test windows per seed. */
  windows: number;
  /** Bootstrap replicates. */
  bootstrap: number;
  points: MatchedPoint[];
}

/** A trainer option's grid point against the baseline's curve, interpolated at the point's own MAC reduction (per seed). */
export interface OwnPointDifference {
  /** Index of the option's grid point. */
  point: number;
  seeds: number[];
  /** The point's MAC reduction in each seed (where the baseline's curve is compared). */
  macReductions: number[];
  /** Mean MSE difference option − baseline curve, in % of the dense MSE. */
  diffPctOfDense: number;
  ci95: [number | null, number | null];
  aVsDensePct: number | null;
  bVsDensePct: number | null;
}

/** A trainer option against the baseline at the same sparsity targets (MACs not matched). */
export interface SamePointDifference {
  point: number;
  seeds: number[];
  diffPctOfDense: number;
  ci95: [number | null, number | null];
  /** Mean MAC reductions of the option and of the baseline at these targets. */
  aMacReduction: number | null;
  bMacReduction: number | null;
}

/** One trainer option (`dynapruner+<name>`) against one baseline (`dynapruner`, `mp_l1`, or a part of a combined option). */
export interface OptionComparison {
  backbone: string;
  /** The option's method, e.g. `dynapruner+distill`. */
  method: string;
  against: string;
  /** Both curves at matched MAC reductions; null when they do not overlap or a method has fewer than two points per seed. */
  curves: MatchedComparison | null;
  /** Each option point against the baseline's curve at the point's own MAC reduction (empty in summaries written before it). */
  ownPoint: OwnPointDifference[];
  /** At the same sparsity targets, MACs not matched (Dyna-Pruner baselines only). */
  samePoint: SamePointDifference[];
}

/** A validated Pareto summary. */
export interface ParetoSummary {
  /** The file it was read from (absolute). */
  file: string;
  /** The data folder the trainer evaluated on. */
  data: string;
  runs: number;
  planned: number;
  points: ParetoSummaryPoint[];
  /** One per backbone whose two curves overlap (backbones without an overlap have none). */
  matched: MatchedComparison[];
  /** The trainer options' comparisons (`matched_options`; empty when the file has none). */
  options: OptionComparison[];
}
