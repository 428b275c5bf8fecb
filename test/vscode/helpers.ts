/** Shared pieces of the @vscode/test-cli suite: the extension's API, the demo workspace, waiting. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StudioApi } from '../../src/extension/extension';

/** `publisher.name` of the extension (package.json). */
export const EXTENSION_ID = 'dynapruner.dyna-pruner-studio';

/** Activates the extension and returns what `activate` returned. */
export async function studioApi(): Promise<StudioApi> {
  const ext = vscode.extensions.getExtension<StudioApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test instance`);
  const api = await ext.activate();
  assert.ok(api?.studio && api.panels && api.jobs, 'activate returns the StudioApi');
  return api;
}

/** The workspace folder (demo/, see .vscode-test.mjs). */
export function workspaceFolder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite runs with the demo folder open');
  return f.uri.fsPath;
}

/** The bundled Dyna-Pruner SimVP checkpoint of the demo workspace. */
export function bundledCheckpoint(): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceFolder(), 'checkpoints', 'simvp_dynapruner.onnx'));
}

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 240_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
