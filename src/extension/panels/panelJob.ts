/**
 * One {@link JobRunner} job shown in panels: its progress goes to every
 * viewer panel, the notification's "show" reveals the panel that asked, and a
 * failed or cancelled job ends in each viewer (`jobEnd` with the error) plus
 * one error notice. The caller posts its results and then {@link endPanelJob}.
 */
import type { ToWebview } from '../../shared/protocol';
import { showErrorNotice } from '../errorNotice';
import type { Job, JobRunner } from '../jobs';
import type { StudioPanel } from './studioPanel';

type Progress = (fraction: number, message: string) => void;

/** What {@link runPanelJob} runs. */
export interface PanelJobSpec<T> {
  /** Title of the job (notification, status bar, log). */
  title: string;
  /** The panel that asked: revealed from the notification. */
  panel: StudioPanel;
  /** Panels showing the job's progress and end (default: `panel` alone). */
  viewers?: () => StudioPanel[];
  /** The work; `job.id` is the id the viewers' messages carry. */
  work: (job: Job, progress: Progress) => Promise<T>;
}

/** A finished job's value and id. */
export interface PanelJobResult<T> {
  value: T;
  jobId: string;
}

/** Runs the job; null when it failed or was cancelled (the viewers have been told). */
export async function runPanelJob<T>(jobs: JobRunner, spec: PanelJobSpec<T>): Promise<PanelJobResult<T> | null> {
  const viewers = spec.viewers ?? (() => [spec.panel]);
  let jobId = '';
  const result = await jobs.run(
    spec.title,
    spec.work,
    (job) => {
      jobId = job.id;
      job.reveal = () => spec.panel.reveal();
    },
    (fraction, message) => postAll(viewers(), { type: 'progress', jobId, fraction, message }),
  );
  if (result.outcome === 'done') return { value: result.value, jobId };
  const error = result.outcome === 'failed' ? result.error.message : undefined;
  for (const p of viewers()) p.post({ type: 'jobEnd', jobId, outcome: result.outcome, error, source: p.source });
  if (result.outcome === 'failed') showErrorNotice(result.error);
  return null;
}

/** Ends a finished job in each viewer (after its results were posted); `runId`: the run it was saved as. */
export function endPanelJob(viewers: StudioPanel[], jobId: string, runId?: string): void {
  for (const p of viewers) p.post({ type: 'jobEnd', jobId, outcome: 'done', runId, source: p.source });
}

function postAll(panels: StudioPanel[], message: ToWebview): void {
  for (const p of panels) p.post(message);
}
