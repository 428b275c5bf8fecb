/**
 * Read-only custom editor for `*.onnx`: opening a checkpoint shows its
 * Overview (model facts, contract, units, dense params / MACs, variant,
 * training metrics). Inspection only, so it works in untrusted workspaces.
 * The plain editor stays available through "Reopen Editor With...".
 */
import * as vscode from 'vscode';
import { CUSTOM_EDITOR_VIEW_TYPE } from '../../shared/ids';
import { StudioPanel, type PanelHost } from '../panels/studioPanel';
import type { Studio } from '../studio';

/** The checkpoint document: just its URI (the file is never edited). */
class CheckpointDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** Custom editor provider of the checkpoint overview. */
export class CheckpointEditorProvider implements vscode.CustomReadonlyEditorProvider<CheckpointDocument> {
  /** Registers the provider. */
  static register(host: PanelHost, studio: Studio): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(CUSTOM_EDITOR_VIEW_TYPE, new CheckpointEditorProvider(host, studio), {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false, enableFindWidget: true },
    });
  }

  private constructor(
    private readonly host: PanelHost,
    private readonly studio: Studio,
  ) {}

  openCustomDocument(uri: vscode.Uri): CheckpointDocument {
    return new CheckpointDocument(uri);
  }

  resolveCustomEditor(document: CheckpointDocument, webviewPanel: vscode.WebviewPanel): void {
    const panel = new StudioPanel('overview', webviewPanel.webview, { checkpoints: [document.uri.fsPath], runDir: null }, this.host, webviewPanel);
    panel.onMessage((m) => {
      if (m.type !== 'action') return;
      const ckpt = document.uri;
      const command = { analyze: 'dynapruner.analyzeCheckpoint', sweep: 'dynapruner.runRobustnessSweep', flops: 'dynapruner.showFlopsBreakdown', filters: 'dynapruner.showFilterActivity', graph: 'dynapruner.showModelGraph', profile: 'dynapruner.profileOnRemoteDevice' }[m.action];
      void vscode.commands.executeCommand(command, ckpt);
    });
    void this.studio.loadOverview(panel, document.uri.fsPath);
    // The Overview's usual next step is "Analyze samples": open the checkpoint and its sessions in the engine worker now.
    if (vscode.workspace.isTrusted) this.studio.prepare(document.uri.fsPath);
  }
}
