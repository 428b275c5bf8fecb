/** The types of row planning: phases, the planners' inputs and one planned row. */
import type { RowJob } from '../../runtime/rowBatches';
import type { SweepConfig } from '../../schema/results';
import type { PointValues } from './accumulators';
import type { CleanPass, OwnSample } from './cleanPass';
import type { FillInput, SweepContext } from './context';
import type { L1Match } from './l1Match';

/** The phases in the order they run (later phases get rows from earlier ones). */
export const PHASE_ORDER = ['full', 'tauCut', 'dataCut', 'allCut', 'cleanDense'] as const;

/** The sweep's row jobs, one list per graph variant. */
export interface Phases {
  full: RowJob[];
  tauCut: RowJob[];
  dataCut: RowJob[];
  allCut: RowJob[];
  /** The `dense` method: the clean dense graph (masks folded away). */
  cleanDense: RowJob[];
}

/** What the per-method planners read: the context, the clean pass, the L1 match and the chosen variants. */
export interface PlanInputs {
  ctx: SweepContext;
  clean: CleanPass;
  l1: L1Match;
  l1Macs: number;
  /** Where dense rows run: the clean dense graph, or the all-cut graph with masks one. */
  denseVariant: 'cleanDense' | 'allCut';
  /** Where tau-thresholded rows run. */
  tauVariant: 'tauCut' | 'dataCut';
  /** Gate masks all ones (null per gate tensor). */
  allOnes: null[];
  /** MACs of the clean dense graph: the backbone and unbound MAC nodes, no mask generator or gate heads. */
  denseBackboneMacs: number;
  /** Each gate tensor's threshold in the graph. */
  graphTaus: number[];
}

/** The phases being filled and the number of rows recorded without inference. */
export interface RowPlan {
  phases: Phases;
  immediate: number;
}

/** One row to plan: a configuration at one seed and sample, and where its values go. */
export interface PlannedRow {
  c: SweepConfig;
  values: PointValues;
  slot: number;
  k: number;
  fillInput: FillInput;
  own: OwnSample;
  /** This row's random stream. */
  next: () => number;
}
