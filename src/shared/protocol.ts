/**
 * Typed message protocol between the extension host and the webviews.
 *
 * One tagged interface per message, grouped into {@link ToWebview} (host to
 * webview) and {@link FromWebview} (webview to host). Types only, apart from
 * the message-type lists used by the validators in `./validate.ts`: the host
 * validates every incoming message with `parseFromWebview` before use, the
 * webviews validate with `isToWebview`.
 *
 * The handshake: a webview posts {@link ReadyMessage}; the host answers with
 * {@link InitMessage} and then streams data messages. Work the host runs for a
 * panel has a `jobId`; progress, streamed samples and the end of the job carry
 * it, and {@link CancelMessage} names it.
 */
import type { Analysis, SampleAnalysis, SweepResult, LayerInfo, UnitInfo, ModelRef, DataRef, PaperTables } from '../core/schema/results';
import type { GraphSource } from '../core/figures/graph';
import type { GraphOverlay } from '../core/figures/graphOverlay';
import type { GraphLatency } from '../core/figures/graphLatency';
import type { LayerLatencyResult } from '../core/schema/layerLatency';
import type { ParetoSummary } from '../core/schema/pareto';
import type { PanelKind } from './ids';
import type { OverviewModel, CompareModel } from './models';

// ---------------------------------------------------------------- host -> webview

/** First message after `ready`: which panel, whether the workspace is trusted, restored UI state. */
export interface InitMessage {
  type: 'init';
  /** Panel kind the webview renders. */
  panel: PanelKind;
  /** False in an untrusted workspace: the webview shows the inspection-only banner. */
  trusted: boolean;
  /** Title line (checkpoint name). */
  title: string;
  /** What the panel shows; the webview keeps it in its persisted state so the host can restore the panel after a reload. */
  source: PanelSource;
}

/** What a panel shows: checkpoints and, once saved, the run folder(s) a restored panel reads back (a restore never starts a job). */
export interface PanelSource {
  /** Absolute paths of the checkpoints (one, or several for Compare). */
  checkpoints: string[];
  /** Saved run folder (absolute), null before the run is saved. */
  runDir: string | null;
  /** Compare: the saved analysis run of each checkpoint, in the order of `checkpoints`. */
  runDirs?: string[];
  /** Compare: a trainer Pareto summary (summary.json, absolute) the panel draws instead of analysing checkpoints. */
  paretoSummary?: string;
  /** Compare: the Pareto view's group of each checkpoint (the user's override of the contract's method), in the order of `checkpoints`. */
  groups?: string[];
  /** FLOPs panel: the saved latency run (absolute) its Latency view reads back. */
  latencyRunDir?: string;
}

/** Model facts (Overview panel and custom editor). */
export interface OverviewMessage {
  type: 'overview';
  overview: OverviewModel;
}

/** Static facts of an analysis, known before the first sample (engine `start` event, `analysisStart` message, webview store). */
export interface AnalysisStart {
  model: ModelRef;
  data: DataRef | null;
  layers: LayerInfo[];
  units: UnitInfo[];
  denseMacs: number;
  /** Number of samples that will be streamed. */
  total: number;
}

/** An analysis starts: static facts before any sample arrives. */
export interface AnalysisStartMessage extends AnalysisStart {
  type: 'analysisStart';
  jobId: string;
}

/** Samples analysed so far (streamed while the job runs). */
export interface AnalysisSamplesMessage {
  type: 'analysisSamples';
  jobId: string;
  samples: SampleAnalysis[];
}

/** The complete analysis (at the end of a job, or when a saved run is opened). */
export interface AnalysisMessage {
  type: 'analysis';
  jobId: string | null;
  analysis: Analysis;
}

/** A complete sweep result (Robustness panel). */
export interface SweepMessage {
  type: 'sweep';
  jobId: string | null;
  sweep: SweepResult;
}

/**
 * The rows a running sweep has recorded so far (Robustness panel; at most every
 * 500 ms). Not kept for replay: the final `sweep` or the job's end replaces it.
 */
export interface SweepPartialMessage {
  type: 'sweepPartial';
  jobId: string;
  sweep: SweepResult;
  /** Samples per configuration (a point is complete at samples x its seeds rows). */
  samples: number;
}

/** Checkpoints side by side (Compare panel). */
export interface CompareMessage {
  type: 'compare';
  compare: CompareModel;
}

/** A trainer Pareto summary (Compare panel): curves over seeds with 95% bands, matched-MACs differences. */
export interface ParetoSummaryMessage {
  type: 'paretoSummary';
  summary: ParetoSummary;
}

/** The checkpoint's graph (Graph panel) and, when an analysis exists, its kept MACs and gates. */
export interface GraphMessage {
  type: 'graph';
  source: GraphSource;
  overlay: GraphOverlay | null;
  /** Per-layer measured latency of the checkpoint (its newest latency run), null or absent when none was measured. */
  latency?: GraphLatency | null;
}

/** Per-layer latency of the checkpoint's variants and the latency model (FLOPs panel's Latency view). */
export interface LatencyMessage {
  type: 'latency';
  jobId: string | null;
  latency: LayerLatencyResult;
}

/** Bring one layer into view (FLOPs row highlighted, Filter activity on its unit): the Graph panel's click. */
export interface FocusLayerMessage {
  type: 'focusLayer';
  /** ONNX node name of the layer. */
  node: string;
  /** Contract unit gating the layer's filters, null when none. */
  unit: number | null;
}

/** One pane of the A/B panel: a checkpoint's saved analysis and the sample it opens on. */
export interface AbSideData {
  checkpoint: string;
  /** The saved run the analysis was read from (what a restored panel reads back). */
  runDir: string | null;
  analysis: Analysis;
  /** Sample index the pane starts on. */
  sample: number;
}

/** The two analyses of the A/B panel (A first). */
export interface AbMessage {
  type: 'ab';
  sides: [AbSideData, AbSideData];
}

/** Progress of a running job. */
export interface ProgressMessage {
  type: 'progress';
  jobId: string;
  /** Fraction done, 0..1. */
  fraction: number;
  /** Short human text ("sample 12/64"). */
  message: string;
}

/** A job ended (ok, cancelled or failed). */
export interface JobEndMessage {
  type: 'jobEnd';
  jobId: string;
  outcome: 'done' | 'cancelled' | 'failed';
  /** Error text when failed. */
  error?: string;
  /** Run folder id when the result was saved. */
  runId?: string;
  /** The panel's source after the job (with the saved run folder): the webview persists it for restores. */
  source?: PanelSource;
}

/** A message for the user inside the panel (errors that are not tied to a job). */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'warning' | 'error';
  text: string;
  /** Offer a "Run" button next to the text (restored panel without saved results). */
  action?: 'rerun';
}

/** Host to webview. */
export type ToWebview =
  | InitMessage
  | OverviewMessage
  | AnalysisStartMessage
  | AnalysisSamplesMessage
  | AnalysisMessage
  | SweepMessage
  | SweepPartialMessage
  | CompareMessage
  | ParetoSummaryMessage
  | GraphMessage
  | LatencyMessage
  | FocusLayerMessage
  | AbMessage
  | ProgressMessage
  | JobEndMessage
  | NoticeMessage;

// ---------------------------------------------------------------- webview -> host

/** The webview's script loaded and listens. */
export interface ReadyMessage {
  type: 'ready';
}

/** Cancel a running job (the panel's cancel button). */
export interface CancelMessage {
  type: 'cancel';
  jobId: string;
}

/** Save a figure the webview rendered (Plotly.toImage) as a PNG or SVG file. */
export interface ExportFigureMessage {
  type: 'exportFigure';
  /** File-name stem, e.g. `masks-importance`. Letters, digits, `-`, `_` only. */
  name: string;
  format: 'png' | 'svg';
  /** `data:image/png;base64,...` or `data:image/svg+xml,...` as Plotly returns it. */
  dataUrl: string;
}

/** Save a table as CSV. */
export interface ExportCsvMessage {
  type: 'exportCsv';
  /** File-name stem. Letters, digits, `-`, `_` only. */
  name: string;
  csv: string;
}

/** Write the engine's standalone HTML report for what this panel shows. */
export interface ExportReportMessage {
  type: 'exportReport';
}

/** Run the panel's analysis again (e.g. after a cancel). */
export interface RerunMessage {
  type: 'rerun';
}

/** Measure the per-layer latency of the panel's checkpoint (FLOPs panel's Latency view). */
export interface MeasureLatencyMessage {
  type: 'measureLatency';
}

/** Actions a panel may ask the host to start for its checkpoint (an allowlist, not command ids). */
export const PANEL_ACTIONS = ['analyze', 'sweep', 'flops', 'filters', 'graph', 'profile'] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

/** Start an action on the panel's checkpoint (Overview buttons). */
export interface ActionMessage {
  type: 'action';
  action: PanelAction;
}

/** Forward a webview-side error or warning to the log channel. */
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warning' | 'error';
  text: string;
}

/** A layer was clicked in the Graph panel: reveal its FLOPs row and, for a gated layer, its unit's filters. */
export interface RevealLayerMessage {
  type: 'revealLayer';
  /** ONNX node name of the layer. */
  node: string;
  /** Contract unit gating the layer's filters, null when none. */
  unit: number | null;
}

/** Open the A/B panel on the panel's checkpoint, pane A on the sample shown (the Masks panel's "Open A/B"). */
export interface OpenAbMessage {
  type: 'openAb';
  sample: number;
}

/** Webview to host. */
export type FromWebview = ReadyMessage | ActionMessage | CancelMessage | ExportFigureMessage | ExportCsvMessage | ExportReportMessage | RerunMessage | LogMessage | RevealLayerMessage | MeasureLatencyMessage | OpenAbMessage;

/** Tags of host-to-webview messages (for the webview-side guard). */
export const TO_WEBVIEW_TYPES: readonly ToWebview['type'][] = [
  'init', 'overview', 'analysisStart', 'analysisSamples', 'analysis', 'sweep', 'sweepPartial', 'compare', 'paretoSummary', 'graph', 'latency', 'focusLayer', 'ab', 'progress', 'jobEnd', 'notice',
];

export type { PaperTables };
