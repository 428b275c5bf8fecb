/**
 * The Masks panel's "Open A/B" on the host: the panel's `openAb` message
 * (what its button posts, test/browser/abView.test.ts) goes through the
 * panel's validation to *Compare Maps (A/B)* with the panel's checkpoint and
 * the sample, so only checkpoint B is asked for (the open checkpoint
 * preselected) and pane A opens at that sample, from the saved analysis.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { Commands } from '../../src/shared/ids';
import type { ToWebview } from '../../src/shared/protocol';
import { bundledCheckpoint, studioApi, waitFor } from './helpers';

type Item = vscode.QuickPickItem & { uri: vscode.Uri };

suite('Open A/B from the Masks panel', () => {
  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test("openAb opens the A/B panel of the Masks panel's checkpoint at the sample", async () => {
    const api = await studioApi();
    const ckpt = bundledCheckpoint().fsPath;
    await vscode.commands.executeCommand(Commands.analyzeCheckpoint, bundledCheckpoint());
    const masks = await waitFor('the Masks panel', () => api.panels.all.find((p) => p.kind === 'masks' && p.source.checkpoints[0] === ckpt), 30_000);
    await waitFor('its saved run', () => masks.source.runDir ?? undefined);

    // Answer the quick pick (VS Code's, not what is under test) with the same checkpoint: two samples of it.
    const window = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
    const original = window.showQuickPick;
    const asked: { title: string | undefined; items: Item[] }[] = [];
    window.showQuickPick = (async (items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => {
      const list = [...(await items)];
      asked.push({ title: options?.title, items: list });
      return list.find((i) => i.uri.fsPath === ckpt);
    }) as unknown as typeof vscode.window.showQuickPick;
    try {
      // The webview's message as the panel receives it (StudioPanel.receive handles webview.onDidReceiveMessage).
      (masks as unknown as { receive(raw: unknown): void }).receive({ type: 'openAb', sample: 2 });
      const ab = await waitFor('the A/B panel', () => api.panels.all.find((p) => p.kind === 'ab'), 60_000);
      assert.deepEqual(ab.source.checkpoints, [ckpt, ckpt], "A is the Masks panel's checkpoint, B the one picked");
      assert.equal(asked.length, 1, 'only checkpoint B is asked for');
      assert.match(asked[0].title ?? '', /checkpoint B/);
      assert.equal(asked[0].items[0].uri.fsPath, ckpt, 'the open checkpoint comes first');
      // The data the A/B webview gets (the panel's replay snapshot): pane A at the Masks panel's sample.
      const shown = await waitFor('the A/B analyses', () => (ab as unknown as { snapshot: ToWebview[] }).snapshot.find((m) => m.type === 'ab'), 240_000);
      assert.ok(shown.type === 'ab');
      assert.equal(shown.sides[0].sample, 2, 'pane A opens at the sample the Masks panel showed');
      assert.equal(shown.sides[0].checkpoint, ckpt);
      assert.notEqual(shown.sides[1].sample, 2, 'pane B shows another sample of the same checkpoint');
    } finally {
      window.showQuickPick = original;
    }
  });
});
