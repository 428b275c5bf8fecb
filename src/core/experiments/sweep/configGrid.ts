/** The configuration grid: which SweepConfigs a SweepOptions asks for, grouped by the table they feed. */
import type { Checkpoint } from '../../checkpoint/checkpoint';
import type { ModelRunner } from '../../runtime/modelRunner';
import type { MaskMethod, SweepConfig } from '../../schema/results';
import type { SweepOptions } from './options';

/** The result section a configuration belongs to. */
export type SweepGroup = 'noise' | 'failure' | 'sensitivity' | 'ablation';

/** One configuration of the grid and its section. */
export interface GroupedConfig {
  group: SweepGroup;
  c: SweepConfig;
}

/** A configuration of `method` with every other setting at its clean default. */
export function sweepConfig(method: MaskMethod, patch: Partial<SweepConfig> = {}): SweepConfig {
  return { method, noiseSigma: 0, failureRate: 0, gateFailure: false, dataThreshold: null, tauOffset: 0, l1Sparsity: null, ...patch };
}

/** Whether a configuration draws random numbers (and so runs every seed). */
export function isRandomised(c: SweepConfig): boolean {
  return c.noiseSigma > 0 || c.failureRate > 0 || c.method === 'random';
}

/** Every configuration of the sweep, in result order (repeats allowed: they share one point). */
export function sweepConfigs(ck: Checkpoint, opts: SweepOptions, l1Sparsity: number): GroupedConfig[] {
  const configs: GroupedConfig[] = [];
  const methods: MaskMethod[] = ['dynapruner', ...opts.baselines.filter((b) => b !== 'dynapruner')];
  for (const m of methods) for (const s of opts.noise) configs.push({ group: 'noise', c: sweepConfig(m, { noiseSigma: s, l1Sparsity: m === 'l1' ? l1Sparsity : null }) });
  if (ck.hasDataMask) {
    for (const m of methods.filter((x) => x === 'dynapruner' || x === 'random')) {
      for (const r of opts.failure) configs.push({ group: 'failure', c: sweepConfig(m, { failureRate: r, gateFailure: opts.gateFailure }) });
    }
    for (const t of opts.dataThresholds) for (const o of opts.tauOffsets) configs.push({ group: 'sensitivity', c: sweepConfig('dynapruner', { dataThreshold: t, tauOffset: o }) });
  } else {
    for (const o of opts.tauOffsets) configs.push({ group: 'sensitivity', c: sweepConfig('dynapruner', { tauOffset: o }) });
  }
  if (opts.ablation !== false) {
    for (const m of ['dense', 'dp_only', 'mp_only', 'dynapruner'] as MaskMethod[]) {
      if ((m === 'dp_only' || m === 'mp_only') && (!ck.hasDataMask || ck.gateTensors.length === 0)) continue;
      configs.push({ group: 'ablation', c: sweepConfig(m) });
    }
  }
  return configs;
}

/** Fails when a configuration offsets tau but the checkpoint has no tau-cut graph. */
export function requireTauSupport(ck: Checkpoint, runner: ModelRunner, configs: GroupedConfig[]): void {
  const needsTau = configs.some(({ c }) => c.tauOffset !== 0);
  if (needsTau && !runner.has('tauCut')) {
    throw new Error(`${ck.file}: tau offsets need each unit's threshold comparison in the graph: ${ck.tauCutError ?? 'no gated units'}`);
  }
}
