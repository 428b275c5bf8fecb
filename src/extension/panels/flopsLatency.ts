/**
 * The FLOPs panel's "Measure latency": a {@link JobRunner} job running the
 * engine's layer-latency measurement (progress in the panel, notification and
 * status bar; cancellable), saved as a `latency` run whose folder the panel's
 * source records, so a restored panel reads it back instead of measuring again.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LATENCY_VARIANTS, type LatencyVariant } from '../../core/schema/layerLatency';
import { Settings } from '../../shared/ids';
import { dataSplit, get, resolveDataFiles, runsFolder, workerCount } from '../config';
import type { EngineClient } from '../engine/engineClient';
import type { JobRunner } from '../jobs';
import type { SavedRun } from '../runStore';
import type { StudioPanel } from './studioPanel';
import { readLatencyRun, saveLatencyRun } from './latencyRuns';
import { endPanelJob, runPanelJob } from './panelJob';

/** The measurement's settings, clamped to their contributed ranges. */
export interface LatencySettings {
  iterations: number;
  warmup: number;
  samples: number;
  variants: LatencyVariant[];
}

const clamp = (v: number, lo: number, hi: number, fallback: number) => (Number.isInteger(v) ? Math.max(lo, Math.min(hi, v)) : fallback);

/** Known variants of the setting, each once, in the setting's order (all of them when none is known). */
export function latencyVariants(raw: unknown): LatencyVariant[] {
  const known = Array.isArray(raw) ? raw.filter((v): v is LatencyVariant => (LATENCY_VARIANTS as readonly unknown[]).includes(v)) : [];
  return known.length ? [...new Set(known)] : [...LATENCY_VARIANTS];
}

function latencySettings(scope: vscode.Uri): LatencySettings {
  return {
    iterations: clamp(get(Settings.latencyIterations, 10, scope), 1, 1000, 10),
    warmup: clamp(get(Settings.latencyWarmup, 2, scope), 0, 100, 2),
    samples: clamp(get(Settings.latencySamples, 8, scope), 1, 256, 8),
    variants: latencyVariants(get<unknown>(Settings.latencyVariants, LATENCY_VARIANTS, scope)),
  };
}

/** Runs and restores the Latency view of FLOPs panels. */
export class FlopsLatency {
  constructor(
    private readonly engine: EngineClient,
    private readonly jobs: JobRunner,
    /** The data files the checkpoint's data set description names, or null. */
    private readonly describedData: (ckpt: string) => Promise<string[] | null>,
    private readonly onDidSaveRun: () => void,
  ) {}

  /** A restored (or reopened) FLOPs panel gets its saved measurement back; nothing is measured. */
  async restore(panel: StudioPanel): Promise<void> {
    const dir = panel.source.latencyRunDir;
    if (panel.kind !== 'flops' || !dir) return;
    try {
      panel.post({ type: 'latency', jobId: null, latency: await readLatencyRun(dir) });
    } catch (e) {
      panel.post({ type: 'notice', level: 'error', text: (e as Error).message });
    }
  }

  /** Opens a saved latency run (Runs view) in the checkpoint's FLOPs panel, which loads its analysis as usual. */
  open(run: SavedRun, panel: StudioPanel | undefined): void {
    if (!panel) return;
    panel.source = { ...panel.source, latencyRunDir: run.dir };
    void this.restore(panel);
  }

  /** Measures the panel's checkpoint and shows the result in its Latency view. */
  async measure(panel: StudioPanel): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      panel.post({ type: 'notice', level: 'warning', text: 'Measuring latency runs the checkpoint: it needs a trusted workspace.' });
      return;
    }
    const ckpt = panel.source.checkpoints[0];
    const uri = vscode.Uri.file(ckpt);
    const dataFiles = await resolveDataFiles(uri, true, () => this.describedData(ckpt));
    if (!dataFiles) return;
    const s = latencySettings(uri);
    const started = Date.now();
    const done = await runPanelJob(this.jobs, {
      title: vscode.l10n.t('Measuring latency of {0}', path.basename(ckpt)),
      panel,
      work: (job, progress) => this.engine.latency({ checkpoint: ckpt, dataFiles, split: dataSplit(uri), maxSamples: s.samples, workers: workerCount(uri), signal: job.controller.signal, onProgress: progress, variants: s.variants, iterations: s.iterations, warmup: s.warmup }),
    });
    if (!done) return;
    let runId: string | undefined;
    const dir = runsFolder(uri);
    if (dir) {
      const args = ['latency', ckpt, '--variants', s.variants.join(','), '--iterations', String(s.iterations), '--warmup', String(s.warmup), '--samples', String(s.samples), '--data', ...dataFiles];
      const saved = await saveLatencyRun(dir, done.value, (Date.now() - started) / 1000, args);
      runId = saved.record.id;
      panel.source = { ...panel.source, latencyRunDir: saved.dir };
      this.onDidSaveRun();
    }
    panel.post({ type: 'latency', jobId: done.jobId, latency: done.value.latency });
    endPanelJob([panel], done.jobId, runId);
  }
}
