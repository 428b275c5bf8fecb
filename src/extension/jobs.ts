/**
 * Long work (analyses, sweeps, comparisons) as jobs: each runs inside
 * `withProgress` with a cancellable notification, owns an AbortController that
 * both the notification's Cancel and the webview's cancel button trigger, and
 * reports progress to the notification and to the panel.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Commands, Contexts } from '../shared/ids';
import type { Log } from './log';

/** Progress callback handed to the work: fraction 0..1 and a short message. */
export type ProgressFn = (fraction: number, message: string) => void;

/** A running job. */
export interface Job {
  id: string;
  title: string;
  controller: AbortController;
  /** Epoch ms when cancel was requested (for the log's "stopped in N ms"). */
  cancelRequestedAt: number | null;
  /** Latest progress (fraction 0..1 and message), shown by the status bar item and the jobs picker. */
  progress: { fraction: number; message: string };
  /** Brings the job's panel to the front (set by whoever shows the job). */
  reveal?: () => void;
}

/** Outcome of {@link JobRunner.run}. */
export type JobOutcome<T> = { outcome: 'done'; value: T } | { outcome: 'cancelled' } | { outcome: 'failed'; error: Error };

/** Runs and tracks jobs. */
export class JobRunner implements vscode.Disposable {
  private readonly jobs = new Map<string, Job>();
  /** "$(sync~spin) Dyna-Pruner: sweep 45%" while a job runs; a click lists the jobs to show or cancel. */
  private readonly status = vscode.window.createStatusBarItem('dynapruner.jobs', vscode.StatusBarAlignment.Left, 10);
  private readonly showJobsCommand: vscode.Disposable;

  constructor(private readonly log: Log) {
    this.status.name = 'Dyna-Pruner jobs';
    this.status.command = Commands.showJobs;
    this.showJobsCommand = vscode.commands.registerCommand(Commands.showJobs, () => this.pickJob());
  }

  /** Updates (or hides) the status bar item. */
  private updateStatus(): void {
    const jobs = [...this.jobs.values()];
    if (jobs.length === 0) {
      this.status.hide();
      return;
    }
    const first = jobs[0];
    const more = jobs.length > 1 ? ` (+${jobs.length - 1})` : '';
    this.status.text = `$(sync~spin) ${first.title}: ${Math.round(first.progress.fraction * 100)}%${more}`;
    this.status.tooltip = `${jobs.map((j) => `${j.title}: ${j.progress.message || 'starting'}`).join('\n')}\nClick to show or cancel.`;
    this.status.show();
  }

  /** Quick pick of the running jobs: show a job's panel or cancel it. */
  private async pickJob(): Promise<void> {
    const items = [...this.jobs.values()].flatMap((j) => [
      ...(j.reveal ? [{ label: `$(eye) Show ${j.title}`, description: `${Math.round(j.progress.fraction * 100)}% · ${j.progress.message}`, run: () => j.reveal!() }] : []),
      { label: `$(debug-stop) Cancel ${j.title}`, description: j.reveal ? '' : `${Math.round(j.progress.fraction * 100)}% · ${j.progress.message}`, run: () => this.cancel(j.id) },
    ]);
    if (items.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Dyna-Pruner: no job is running.'));
      return;
    }
    const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Dyna-Pruner: running jobs') });
    chosen?.run();
  }

  /** Ids of the running jobs. */
  get running(): string[] {
    return [...this.jobs.keys()];
  }

  /** Requests cancellation of a job (no-op if it already ended). */
  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job || job.controller.signal.aborted) return;
    job.cancelRequestedAt = Date.now();
    this.log.info(`cancel requested: ${job.title} (${jobId})`);
    job.controller.abort(new DOMException(`${job.title} was cancelled`, 'AbortError'));
  }

  /**
   * Runs `work` with a cancellable progress notification. `onProgress` also
   * receives every update (the panel forwards them to its webview).
   */
  async run<T>(
    title: string,
    work: (job: Job, progress: ProgressFn) => Promise<T>,
    onStart?: (job: Job) => void,
    onProgress?: ProgressFn,
  ): Promise<JobOutcome<T>> {
    const job: Job = { id: randomBytes(6).toString('hex'), title, controller: new AbortController(), cancelRequestedAt: null, progress: { fraction: 0, message: '' } };
    this.jobs.set(job.id, job);
    this.updateStatus();
    void vscode.commands.executeCommand('setContext', Contexts.busy, true);
    onStart?.(job);
    const started = Date.now();
    this.log.info(`start: ${title} (${job.id})`);
    try {
      const value = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Dyna-Pruner: {0}', title), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.cancel(job.id));
          let reported = 0;
          let lastUi = 0;
          const report: ProgressFn = (fraction, message) => {
            const f = Math.max(0, Math.min(1, fraction));
            const now = Date.now();
            // The notification takes increments; throttle UI updates to ~10 per second.
            job.progress = { fraction: f, message };
            if (now - lastUi >= 100 || f >= 1) {
              progress.report({ increment: (f - reported) * 100, message });
              reported = f;
              lastUi = now;
              this.updateStatus();
            }
            onProgress?.(f, message);
          };
          return work(job, report);
        },
      );
      if (job.controller.signal.aborted) return this.cancelled(job);
      this.log.info(`done: ${title} in ${((Date.now() - started) / 1000).toFixed(2)} s`);
      return { outcome: 'done', value };
    } catch (e) {
      if (job.controller.signal.aborted) return this.cancelled(job);
      const error = e instanceof Error ? e : new Error(String(e));
      this.log.error(`failed: ${title}: ${error.message}`);
      return { outcome: 'failed', error };
    } finally {
      this.jobs.delete(job.id);
      this.updateStatus();
      if (this.jobs.size === 0) void vscode.commands.executeCommand('setContext', Contexts.busy, false);
    }
  }

  private cancelled<T>(job: Job): JobOutcome<T> {
    const ms = job.cancelRequestedAt ? Date.now() - job.cancelRequestedAt : 0;
    this.log.info(`cancelled: ${job.title}; work stopped ${ms} ms after the request`);
    return { outcome: 'cancelled' };
  }

  dispose(): void {
    for (const id of this.running) this.cancel(id);
    this.status.dispose();
    this.showJobsCommand.dispose();
  }
}
