/**
 * Commands and the custom editor against the bundled checkpoint and storm
 * data: Inspect opens the custom editor, Analyze Checkpoint opens the Masks
 * panel and saves a run, Export Report writes the engine's HTML report
 * (the save dialog answers with a file in a temporary folder).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { Commands, CUSTOM_EDITOR_VIEW_TYPE } from '../../src/shared/ids';
import { bundledCheckpoint, studioApi, waitFor, workspaceFolder } from './helpers';

suite('commands and custom editor', () => {
  let tmp: string;

  suiteSetup(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-vscode-'));
    assert.ok(existsSync(bundledCheckpoint().fsPath), `bundled checkpoint missing: ${bundledCheckpoint().fsPath}`);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(tmp, { recursive: true, force: true });
  });

  test('Inspect Checkpoint opens the checkpoint in the custom editor', async () => {
    await studioApi();
    await vscode.commands.executeCommand(Commands.inspectCheckpoint, bundledCheckpoint());
    const tab = await waitFor('the custom editor tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom ? input : undefined;
    }, 30_000);
    assert.equal(tab.viewType, CUSTOM_EDITOR_VIEW_TYPE);
    assert.equal(tab.uri.fsPath, bundledCheckpoint().fsPath);
  });

  test('Analyze Checkpoint opens the Masks panel, streams the analysis and saves a run', async () => {
    const api = await studioApi();
    const ckpt = bundledCheckpoint().fsPath;
    const runs = path.join(workspaceFolder(), '.dynapruner', 'runs');
    const before = existsSync(runs) ? readdirSync(runs).filter((d) => !d.startsWith('.')).length : 0;
    await vscode.commands.executeCommand(Commands.analyzeCheckpoint, bundledCheckpoint());
    const panel = await waitFor('the Masks panel', () => api.panels.all.find((p) => p.kind === 'masks' && p.source.checkpoints[0] === ckpt), 30_000);
    assert.ok(panel.title.includes('simvp_dynapruner.onnx'));
    // The run is saved when the job ends (the panel's source then names it).
    const runDir = await waitFor('the saved run', () => panel.source.runDir ?? undefined);
    assert.ok(existsSync(path.join(runDir, 'run.json')) && existsSync(path.join(runDir, 'analysis.json')));
    assert.equal(readdirSync(runs).filter((d) => !d.startsWith('.')).length, before + 1);
    const analysis = JSON.parse(readFileSync(path.join(runDir, 'analysis.json'), 'utf8')) as { samples: { macs: { total: number } }[]; denseMacs: number };
    assert.ok(analysis.samples.length > 0 && analysis.samples.every((s) => s.macs.total > 0 && s.macs.total <= analysis.denseMacs));
  });

  test('Export Report writes the engine report for the analysed checkpoint', async () => {
    await studioApi();
    const out = path.join(tmp, 'simvp_dynapruner-report.html');
    // Answer the save dialog (the dialog is VS Code's, not what is under test) and leave the final notification open.
    const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = window.showSaveDialog;
    window.showSaveDialog = async () => vscode.Uri.file(out);
    try {
      void vscode.commands.executeCommand(Commands.exportReport, bundledCheckpoint());
      await waitFor('the report file', () => existsSync(out), 240_000);
    } finally {
      window.showSaveDialog = original;
    }
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.ok(html.includes('Dyna-Pruner report: simvp_dynapruner.onnx'));
    assert.ok(html.includes('data:image/png;base64,'), 'map images from the shared renderer');
  });
});
