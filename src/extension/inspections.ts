/**
 * Inspection reports of checkpoints (the foundation's inspection, computed in
 * the engine worker thread so decoding a large model never blocks the
 * extension host), cached by path and modification time so the Checkpoints
 * tree, the custom editor and the Overview panel share one read per file version.
 */
import { stat } from 'node:fs/promises';
import type { InspectReport } from '../core/inspect/inspect';

/** Computes an inspection report (the engine client's `inspect`). */
export type InspectFn = (file: string, signal?: AbortSignal) => Promise<InspectReport>;

interface Entry {
  mtimeMs: number;
  size: number;
  report: Promise<InspectReport>;
}

/** Told of every inspection report once it is ready. */
export type InspectedListener = (file: string, report: InspectReport) => void;

/** Cache of inspection reports. */
export class Inspections {
  private readonly cache = new Map<string, Entry>();
  private readonly listeners: InspectedListener[] = [];

  constructor(private readonly inspect: InspectFn) {}

  /** The report of a file (re-read when the file changed). */
  async get(file: string, signal?: AbortSignal): Promise<InspectReport> {
    const s = await stat(file);
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.report;
    const report = this.inspect(file, signal);
    this.cache.set(file, { mtimeMs: s.mtimeMs, size: s.size, report });
    report.then((r) => this.listeners.forEach((l) => l(file, r))).catch(() => this.cache.delete(file));
    return report;
  }

  /** Calls `listener` with each new report (the menus learn which models have no contract). */
  onInspected(listener: InspectedListener): void {
    this.listeners.push(listener);
  }

  /** True when the file is a plain ONNX model (no Dyna-Pruner contract). */
  async isPlainModel(file: string): Promise<boolean> {
    return (await this.get(file)).contract === null;
  }

  /** Forgets a file (deleted or changed). */
  forget(file: string): void {
    this.cache.delete(file);
  }
}
