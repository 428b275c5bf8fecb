/** Reads the extension's settings and resolves the data files for a checkpoint. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../shared/ids';
import type { SweepGrids } from './engine/engineClient';

/** A setting by its full id (`Settings.*`), or `fallback` when unset. */
export function get<T>(key: string, fallback: T, scope?: vscode.Uri): T {
  const [section, ...rest] = key.split('.');
  return vscode.workspace.getConfiguration(section, scope).get<T>(rest.join('.'), fallback);
}

/** Sweep grids from the settings. */
export function sweepGrids(scope?: vscode.Uri): SweepGrids {
  return {
    noise: get(Settings.noiseSigmas, [0, 0.01, 0.02, 0.05, 0.1], scope),
    failure: get(Settings.failureRates, [0, 0.05, 0.1, 0.2], scope),
    baselines: get(Settings.baselines, ['dense', 'random', 'l1'] as SweepGrids['baselines'], scope),
    seeds: get(Settings.seeds, [0, 1, 2], scope),
    dataThresholds: get(Settings.dataThresholds, [0.3, 0.4, 0.5, 0.6, 0.7], scope),
    tauOffsets: get(Settings.tauOffsets, [-0.1, 0, 0.1], scope),
  };
}

/** Worker threads for inference. */
export function workerCount(scope?: vscode.Uri): number {
  return Math.max(1, Math.min(16, get(Settings.workers, 1, scope)));
}

/** Data split of NetCDF data the analyses use (`test` by default; `all` for every window of the series). */
export function dataSplit(scope?: vscode.Uri): string {
  return get(Settings.dataSplit, 'test', scope);
}

/** Maximum samples per analysis. */
export function maxSamples(scope?: vscode.Uri): number {
  return Math.max(1, get(Settings.maxSamples, 64, scope));
}

/** Folder where runs are saved (absolute), or null without a workspace folder. */
export function runsFolder(scope?: vscode.Uri): string | null {
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return null;
  return path.resolve(folder.uri.fsPath, get(Settings.runsFolder, '.dynapruner/runs', scope));
}

/**
 * Data files for a checkpoint: the `dynapruner.data.files` setting (relative
 * to the workspace folder), else the files its contract's data set
 * description names (`described`), else the NetCDF files in the workspace,
 * else the user picks. Returns null when the user cancels.
 */
export async function resolveDataFiles(checkpoint: vscode.Uri, ask = true, described?: () => Promise<string[] | null>): Promise<string[] | null> {
  const folder = vscode.workspace.getWorkspaceFolder(checkpoint) ?? vscode.workspace.workspaceFolders?.[0];
  const configured = get<string[]>(Settings.dataFiles, [], checkpoint);
  if (configured.length > 0) return configured.map((f) => path.resolve(folder?.uri.fsPath ?? path.dirname(checkpoint.fsPath), f));
  const fromContract = await described?.();
  if (fromContract) return fromContract;
  if (folder) {
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{cdf,nc}'), '**/{node_modules,.dynapruner}/**', 64);
    // hgt.nc is a second (monthly) data set; the storm fields are the *.cdf files.
    const storm = found.filter((u) => u.fsPath.endsWith('.cdf'));
    if (storm.length > 0) return storm.map((u) => u.fsPath).sort();
  }
  if (!ask) return null;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    title: vscode.l10n.t('Data files for the analysis (NetCDF, .npy or .npz)'),
    filters: { 'Sample data': ['cdf', 'nc', 'npy', 'npz'] },
    defaultUri: folder?.uri,
  });
  return picked?.map((u) => u.fsPath) ?? null;
}
