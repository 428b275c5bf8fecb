/**
 * Inspection reports of checkpoints (foundation's `inspectModel`), cached by
 * path and modification time so the Checkpoints tree, the custom editor and
 * the Overview panel share one read per file version.
 */
import { stat } from 'node:fs/promises';
import { inspectModel, type InspectReport } from '../core/inspect/inspect';

interface Entry {
  mtimeMs: number;
  size: number;
  report: Promise<InspectReport>;
}

/** Cache of inspection reports. */
export class Inspections {
  private readonly cache = new Map<string, Entry>();

  /** The report of a file (re-read when the file changed). */
  async get(file: string, signal?: AbortSignal): Promise<InspectReport> {
    const s = await stat(file);
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.report;
    const report = inspectModel(file, { signal });
    this.cache.set(file, { mtimeMs: s.mtimeMs, size: s.size, report });
    report.catch(() => this.cache.delete(file));
    return report;
  }

  /** Forgets a file (deleted or changed). */
  forget(file: string): void {
    this.cache.delete(file);
  }
}
