/** Running the planned phases, in order, with progress over all rows. */
import type { ProgressFn } from '../../runtime/modelRunner';
import { runRows } from '../../runtime/rowBatches';
import type { SweepContext } from './context';
import { PHASE_ORDER, type RowPlan } from './planTypes';

/** Runs each phase's rows; rows a phase's results create land in later phases. `onRows` follows each recorded batch. */
export async function runPhases(ctx: SweepContext, plan: RowPlan, onProgress?: ProgressFn, onRows?: () => void): Promise<void> {
  const { phases, immediate } = plan;
  let done = immediate;
  const pendingRows = () => PHASE_ORDER.reduce((n, p) => n + phases[p].length, 0);
  let finished = 0;
  for (const phase of PHASE_ORDER) {
    await runRows(ctx.runner, phase, phases[phase], {
      rowsPerCall: ctx.rowsPerCall,
      signal: ctx.signal,
      onRows: (rows) => {
        done += rows;
        const total = immediate + finished + pendingRows();
        onProgress?.(Math.min(1, done / Math.max(1, total)), `${phase}: ${done}/${total} rows`);
        onRows?.();
      },
    });
    finished += phases[phase].length;
    phases[phase] = [];
  }
}
