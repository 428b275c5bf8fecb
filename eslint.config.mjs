// @ts-check
// Lint, plus the project's layering (docs/architecture.md), checked by tooling:
//   - no import cycles anywhere in src/, webview/, test/ (import-x/no-cycle);
//   - src/core and src/cli never import `vscode`; only src/core/runtime and the
//     remote runner load `onnxruntime-node`; only src/core/remote/ssh loads `ssh2`;
//   - nothing under src/ imports the webview/ tree; webviews import only
//     src/shared, src/core/schema and src/core/figures (pure code, no Node API).
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const vscodeBan = { name: 'vscode', message: 'src/core and src/cli must not depend on the VS Code API (docs/architecture.md).' };
const ortBan = { name: 'onnxruntime-node', message: 'Only src/core/runtime (and the remote runner) load onnxruntime-node; go through InferencePool.' };
const sshBan = { name: 'ssh2', message: 'Only src/core/remote/ssh talks to ssh2; use SshConnection.' };
const webviewBan = { group: ['**/webview', '**/webview/**'], message: 'Host, CLI and core code never import the webview/ tree.' };

/** `no-restricted-imports` with the given bans (paths by package name, patterns by path). */
const banned = (paths, patterns = []) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'trainer/**', '.cache/**', 'test-results/**', 'media/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Import cycles fail lint (a deliberately introduced cycle is caught: test/unit/lint/layering.test.ts).
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  { files: ['src/core/**/*.ts', 'src/cli/**/*.ts'], rules: { 'no-restricted-imports': banned([vscodeBan, ortBan, sshBan], [webviewBan]) } },
  { files: ['src/core/runtime/**/*.ts', 'src/core/remote/profile/runner/**/*.ts'], rules: { 'no-restricted-imports': banned([vscodeBan, sshBan], [webviewBan]) } },
  { files: ['src/core/remote/ssh/**/*.ts'], rules: { 'no-restricted-imports': banned([vscodeBan, ortBan], [webviewBan]) } },
  { files: ['src/extension/**/*.ts', 'src/shared/**/*.ts'], rules: { 'no-restricted-imports': banned([ortBan, sshBan], [webviewBan]) } },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': banned(
        [vscodeBan, ortBan, sshBan],
        [{ group: ['**/src/extension/**', '**/src/cli/**', '**/src/core/!(schema|figures)/**'], message: 'Webviews import only src/shared, src/core/schema and src/core/figures.' }],
      ),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
