// @vscode/test-cli configuration (`npm run test:vscode`): runs the mocha suite
// in test/vscode (bundled to dist/test/vscode by scripts/ui/buildVscodeTests.mjs)
// inside a VS Code that @vscode/test-electron downloads, with the demo folder
// (bundled checkpoints and storm data) as the workspace. The download needs
// network access to update.code.visualstudio.com; CI runs the same extension
// in code-server instead (test/e2e/codeServer.test.ts).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'dynapruner',
  files: 'dist/test/vscode/**/*.test.js',
  version: 'stable',
  workspaceFolder: './demo',
  // Only this extension: no other installed extension can interfere.
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 300_000, color: true },
});
