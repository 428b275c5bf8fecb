/**
 * The calibrated plan of a sparse export: per gated unit the form it runs in
 * (channel-gathered, or dense conv followed by the Mul by its gate), what was
 * measured to choose it, where it was measured, and the assembled graph
 * against the clean dense graph end to end. Stored as JSON in the exported
 * model's metadata_props under {@link SPARSE_PLAN_KEY}.
 */
import type { ModelProto } from '../onnx/proto';

/** Metadata key of the plan. */
export const SPARSE_PLAN_KEY = 'dynapruner.sparse_plan';

/** Form of one gated unit in the sparse graph. */
export type UnitForm = 'gathered' | 'dense';

/** One unit of the plan. */
export interface UnitPlan {
  unit: number;
  channels: number;
  /** Mean fraction of the unit's filters the gate keeps on the calibration samples. */
  keepRate: number;
  form: UnitForm;
  /**
   * Median ms of the whole sparse graph with this unit gathered and with it
   * dense, every other unit gathered (the two graphs differ in this unit
   * only); null when not measured (`--calibrate none`).
   */
  gatheredMs: number | null;
  denseMs: number | null;
  /** Paired median of (dense form / gathered form) over the runs; below 1: dense is faster. */
  denseOverGathered: number | null;
}

/** The assembled graph against the clean dense graph, timed in one paired run. */
export interface EndToEnd {
  cleanDenseMs: number;
  planMs: number;
  /** Paired median of plan / clean dense. */
  ratio: number;
  /** The same for every unit gathered and for every unit dense (the checkpoint's own form). */
  allGatheredRatio: number;
  allDenseRatio: number;
  /** Which candidate the plan is. */
  chosen: 'calibrated' | 'all-gathered' | 'all-dense';
}

/** Where and how the plan was measured. */
export interface PlanMeasurement {
  /** 'local', 'none' or the profiling host's alias. */
  calibrate: string;
  device: string;
  runtime: string;
  /** Intra-op threads; null: the runtime's default (the profiling runners). */
  threads: number | null;
  /** What the ms are: wall-clock latency, or process CPU time per run (one local thread). */
  clock: 'wall' | 'cpu';
  samples: number;
  rounds: number;
}

/** The plan as recorded. */
export interface SparsePlan {
  version: 1;
  measured: PlanMeasurement;
  units: UnitPlan[];
  endToEnd: EndToEnd | null;
  /** One sentence: faster or slower than clean dense end to end, with the ratio. */
  verdict: string;
}

/** The units the plan keeps dense. */
export function denseUnitsOf(plan: SparsePlan): Set<number> {
  return new Set(plan.units.filter((u) => u.form === 'dense').map((u) => u.unit));
}

/** The plain-words verdict of an end-to-end measurement. */
export function verdictOf(e: EndToEnd | null, where: string): string {
  if (!e) return 'not calibrated: every gatherable unit gathered, not timed against clean dense';
  const pct = Math.abs(e.ratio - 1) * 100;
  if (e.ratio <= 1) return `faster than clean dense on ${where}: ${e.ratio.toFixed(2)}x its time (${pct.toFixed(0)}% less)`;
  return `SLOWER than clean dense on ${where}: ${e.ratio.toFixed(2)}x its time (${pct.toFixed(0)}% more), even with the best plan; the exact execution still computes the mask generator and gate heads`;
}

/** The model with the plan stamped into its metadata (replacing an earlier one). */
export function withSparsePlan(model: ModelProto, plan: SparsePlan): ModelProto {
  const metadata = (model.metadata_props ?? []).filter((p) => p.key !== SPARSE_PLAN_KEY);
  metadata.push({ key: SPARSE_PLAN_KEY, value: JSON.stringify(plan) });
  return { ...model, metadata_props: metadata };
}

/** The plan recorded in a model's metadata, or null; a malformed record throws naming the key. */
export function readSparsePlan(model: ModelProto): SparsePlan | null {
  const raw = (model.metadata_props ?? []).find((p) => p.key === SPARSE_PLAN_KEY)?.value;
  if (raw === undefined) return null;
  const plan = JSON.parse(raw) as SparsePlan;
  if (plan?.version !== 1 || !Array.isArray(plan.units)) throw new Error(`metadata '${SPARSE_PLAN_KEY}': expected a version 1 plan with units, found ${raw.slice(0, 80)}`);
  return plan;
}
