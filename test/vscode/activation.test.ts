/** Activation: the extension activates in the demo workspace, registers every contributed command, view and the custom editor. */
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { Commands, CUSTOM_EDITOR_VIEW_TYPE, Views } from '../../src/shared/ids';
import { EXTENSION_ID, studioApi } from './helpers';

interface Contributes {
  commands: { command: string; category?: string }[];
  customEditors: { viewType: string; selector: { filenamePattern: string }[] }[];
  views: Record<string, { id: string }[]>;
}

suite('activation', () => {
  test('activates and returns its API', async () => {
    const api = await studioApi();
    assert.deepEqual(api.jobs.running, [], 'no job runs right after activation');
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  test('every contributed command is registered, under the Dyna-Pruner category, with the ids the code uses', async () => {
    await studioApi();
    const contributes = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes as Contributes;
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributes.commands) {
      assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
      assert.equal(c.category, 'Dyna-Pruner', `${c.command} category`);
    }
    const contributed = new Set(contributes.commands.map((c) => c.command));
    for (const id of Object.values(Commands)) assert.ok(contributed.has(id), `${id} (src/shared/ids.ts) is not in package.json`);
  });

  test('the custom editor for *.onnx and the views are contributed', async () => {
    const contributes = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes as Contributes;
    const editor = contributes.customEditors.find((e) => e.viewType === CUSTOM_EDITOR_VIEW_TYPE);
    assert.ok(editor, 'custom editor contributed');
    assert.ok(editor.selector.some((s) => s.filenamePattern.endsWith('.onnx')));
    const views = Object.values(contributes.views).flat().map((v) => v.id);
    for (const id of [Views.checkpoints, Views.runs, Views.devices]) assert.ok(views.includes(id), `view ${id}`);
  });
});
