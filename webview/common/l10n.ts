/**
 * The page's translation bundle: the host writes `vscode.l10n.bundle` into an
 * inert `<script type="application/json">` block (src/extension/webviewHtml/htmlTemplate.ts);
 * this module hands it to `@vscode/l10n` when it is evaluated. Every panel's
 * `main.ts` imports it first (`import '../common/l10n';`, checked by
 * test/unit/webview/l10nBundle.test.ts), so the bundle is set before any
 * module's code calls `l10n.t`. Without a block (English) `l10n.t` returns the
 * English source string with its `{0}` placeholders filled.
 */
import * as l10n from '@vscode/l10n';
import { reportError } from './api';

/** Id of the block (the same as the template's `L10N_BLOCK_ID`). */
const L10N_BLOCK_ID = 'dynapruner-l10n';

/** Reads the page's bundle, if any, and configures `@vscode/l10n` with it. */
export function configureL10n(doc: Document = document): void {
  const text = doc.getElementById(L10N_BLOCK_ID)?.textContent;
  if (!text) return;
  try {
    const bundle: unknown = JSON.parse(text);
    if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle) || !Object.values(bundle).every((v) => typeof v === 'string')) {
      throw new Error(`translation bundle #${L10N_BLOCK_ID}: expected an object of strings, found ${text.slice(0, 80)}`);
    }
    l10n.config({ contents: bundle as Record<string, string> });
  } catch (e) {
    reportError(e);
  }
}

configureL10n();
