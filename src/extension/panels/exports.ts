/** Saves figures (PNG/SVG data URLs from Plotly) and CSV tables a webview asked to export. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportCsvMessage, ExportFigureMessage, PanelSource } from '../../shared/protocol';

function defaultFolder(source: PanelSource): vscode.Uri | undefined {
  if (source.runDir) return vscode.Uri.file(source.runDir);
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Bytes of a figure data URL (validated by the protocol: PNG base64 or URI-encoded SVG). */
export function figureBytes(m: Pick<ExportFigureMessage, 'format' | 'dataUrl'>): Uint8Array {
  const comma = m.dataUrl.indexOf(',');
  const body = m.dataUrl.slice(comma + 1);
  return m.format === 'png' ? Buffer.from(body, 'base64') : Buffer.from(decodeURIComponent(body), 'utf8');
}

/** Asks where to save and writes the figure. */
export async function saveFigure(m: ExportFigureMessage, source: PanelSource): Promise<void> {
  const folder = defaultFolder(source);
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${m.name}.${m.format}`) : undefined,
    filters: m.format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    title: vscode.l10n.t('Export figure'),
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, figureBytes(m));
  void vscode.window.showInformationMessage(vscode.l10n.t('Figure saved to {0}.', path.basename(target.fsPath)));
}

/** Asks where to save and writes the CSV. */
export async function saveCsv(m: ExportCsvMessage, source: PanelSource): Promise<void> {
  const folder = defaultFolder(source);
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${m.name}.csv`) : undefined,
    filters: { CSV: ['csv'] },
    title: vscode.l10n.t('Export table'),
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(m.csv, 'utf8'));
  void vscode.window.showInformationMessage(vscode.l10n.t('Table saved to {0}.', path.basename(target.fsPath)));
}
