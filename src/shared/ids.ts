/**
 * Every id the extension contributes (commands, views, contexts, settings,
 * webview types) in one place. package.json `contributes` uses the same
 * strings; `test/vscode` and the e2e test check that the two agree.
 */

/** Prefix of every contributed id. */
export const NS = 'dynapruner';

/** Command ids (palette, menus, tree items). */
export const Commands = {
  inspectCheckpoint: 'dynapruner.inspectCheckpoint',
  analyzeCheckpoint: 'dynapruner.analyzeCheckpoint',
  analyzeSamples: 'dynapruner.analyzeSamples',
  runRobustnessSweep: 'dynapruner.runRobustnessSweep',
  showFlopsBreakdown: 'dynapruner.showFlopsBreakdown',
  showFilterActivity: 'dynapruner.showFilterActivity',
  /** The checkpoint's graph laid out, coloured by dense or kept MACs, with filter gates. */
  showModelGraph: 'dynapruner.showModelGraph',
  /** Walkthrough: opens the demo workspace (or a folder the user picks). */
  openDemo: 'dynapruner.openDemo',
  compareCheckpoints: 'dynapruner.compareCheckpoints',
  /** A trainer Pareto summary (summary.json) in the Compare panel: curves with 95% bands, matched-MACs table. */
  openParetoSummary: 'dynapruner.openParetoSummary',
  /** Two or more saved analysis runs in the Compare panel (read back, no engine run). */
  compareSavedRuns: 'dynapruner.compareSavedRuns',
  /** Two samples or two checkpoints side by side with their difference map (A/B panel). */
  compareMaps: 'dynapruner.compareMaps',
  exportReport: 'dynapruner.exportReport',
  /** Registered by the remote part (`registerRemote`). */
  profileOnRemoteDevice: 'dynapruner.profileOnRemoteDevice',
  /** Guided input for a new Jetson: connection test, host-key prompt, probe, then the hosts setting. */
  addDevice: 'dynapruner.addDevice',
  /** Opens a saved profile run in the Orin panel (Runs view). */
  openProfileRun: 'dynapruner.openProfileRun',
  openRun: 'dynapruner.openRun',
  deleteRun: 'dynapruner.deleteRun',
  /** Runs view: shows the run's folder in the Explorer. */
  revealRun: 'dynapruner.revealRun',
  /** Runs view: compares the run's checkpoint with another one. */
  compareRunWith: 'dynapruner.compareRunWith',
  /** Status bar item of running jobs: show one's panel or cancel it. */
  showJobs: 'dynapruner.showJobs',
  refreshCheckpoints: 'dynapruner.refreshCheckpoints',
  refreshRuns: 'dynapruner.refreshRuns',
  showLog: 'dynapruner.showLog',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** View container and tree view ids. */
export const Views = {
  container: 'dynapruner',
  checkpoints: 'dynapruner.checkpoints',
  runs: 'dynapruner.runs',
  /** Filled by the remote part. */
  devices: 'dynapruner.devices',
} as const;

/** Custom editor view type for *.onnx. */
export const CUSTOM_EDITOR_VIEW_TYPE = 'dynapruner.checkpointOverview';

/** Webview panel kinds; each has a bundle `dist/webview/<kind>.js` and a panel view type `dynapruner.panel.<kind>`. */
export const PANEL_KINDS = ['overview', 'masks', 'filters', 'flops', 'robustness', 'compare', 'graph', 'ab'] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

/** The Orin profiling panel: its own protocol (src/shared/remoteProtocol.ts) and bundle `dist/webview/remote.js`. */
export const REMOTE_PANEL_KIND = 'remote';
export type RemotePanelKind = typeof REMOTE_PANEL_KIND;

/** Title of the Orin profiling panel's tab. */
export const REMOTE_PANEL_TITLE = 'Orin Profiling';

/** View type of a webview panel of a kind (used by the panel serializers). */
export function panelViewType(kind: PanelKind | RemotePanelKind): string {
  return `dynapruner.panel.${kind}`;
}

/** Human titles of the panels. */
export const PANEL_TITLES: Record<PanelKind, string> = {
  overview: 'Overview',
  masks: 'Masks',
  filters: 'Filter Activity',
  flops: 'FLOPs Breakdown',
  robustness: 'Robustness',
  compare: 'Compare Checkpoints',
  graph: 'Model Graph',
  ab: 'Compare Maps (A/B)',
};

/** `when`-clause context keys set by the extension. */
export const Contexts = {
  /** True while an analysis or sweep runs. */
  busy: 'dynapruner.busy',
  /** False in an untrusted workspace (inspection only). */
  trusted: 'dynapruner.trusted',
  /** Paths of the inspected models without a Dyna-Pruner contract (menus hide Analyze / Sweep for them). */
  plainModels: 'dynapruner.plainModels',
} as const;

/** Settings (all under `dynapruner.`). */
export const Settings = {
  dataFiles: 'dynapruner.data.files',
  maxSamples: 'dynapruner.data.maxSamples',
  dataSplit: 'dynapruner.data.split',
  noiseSigmas: 'dynapruner.sweep.noiseSigmas',
  failureRates: 'dynapruner.sweep.failureRates',
  baselines: 'dynapruner.sweep.baselines',
  seeds: 'dynapruner.sweep.seeds',
  dataThresholds: 'dynapruner.sweep.dataThresholds',
  tauOffsets: 'dynapruner.sweep.tauOffsets',
  workers: 'dynapruner.engine.workers',
  runsFolder: 'dynapruner.runs.folder',
  remoteHosts: 'dynapruner.remote.hosts',
  remoteConnectTimeoutMs: 'dynapruner.remote.connectTimeoutMs',
  remoteKnownHostsFile: 'dynapruner.remote.knownHostsFile',
  remoteWorkDir: 'dynapruner.remote.workDir',
  profileBackend: 'dynapruner.remote.profile.backend',
  profileIterations: 'dynapruner.remote.profile.iterations',
  profileWarmup: 'dynapruner.remote.profile.warmup',
  profilePerSample: 'dynapruner.remote.profile.perSample',
  profileVariants: 'dynapruner.remote.profile.variants',
  profileLayers: 'dynapruner.remote.profile.layers',
  latencyIterations: 'dynapruner.latency.iterations',
  latencyWarmup: 'dynapruner.latency.warmup',
  latencySamples: 'dynapruner.latency.samples',
  latencyVariants: 'dynapruner.latency.variants',
} as const;

/** Output channel name. */
export const LOG_CHANNEL = 'Dyna-Pruner';
