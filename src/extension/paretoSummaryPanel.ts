/** Fills a Compare panel with a trainer Pareto summary (the "Open Pareto Summary..." command and restores). */
import { readParetoSummary } from '../core/experiments/paretoSummary';
import type { ToWebview } from '../shared/protocol';

/** What the loader needs of a panel. */
export interface SummaryTarget {
  post(message: ToWebview): void;
}

/** Reads and validates the summary and sends it; a bad file becomes one error line in the panel. */
export async function loadParetoSummary(panel: SummaryTarget, file: string): Promise<void> {
  try {
    panel.post({ type: 'paretoSummary', summary: await readParetoSummary(file) });
  } catch (e) {
    panel.post({ type: 'notice', level: 'error', text: (e as Error).message });
  }
}
