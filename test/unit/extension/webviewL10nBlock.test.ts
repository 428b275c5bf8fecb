/**
 * The translation bundle block of the webview page: inert JSON
 * (`<script type="application/json">`) that no value can break out of, read
 * back unchanged, and absent for English (no bundle).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonScriptText, L10N_BLOCK_ID, webviewPage } from '../../../src/extension/webviewHtml/htmlTemplate';

const PARTS = { csp: "default-src 'none'", nonce: 'n0nce', title: 'Masks', panel: 'masks', codiconCss: 'codicon.css', scripts: ['masks.js'] };
const HOSTILE = { '</script><script>alert(1)</script>': '</SCRIPT><!-- & \u2028\u2029 "quotes" \\ back', 'Export HTML report': 'HTML exportieren' };

describe('webview translation bundle block', () => {
  it('escapes <, > and & so the text cannot close the element or open a comment', () => {
    const text = jsonScriptText(HOSTILE);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), HOSTILE);
  });

  it('puts the bundle in one non-executed JSON block, before the scripts', () => {
    const html = webviewPage({ ...PARTS, l10nBundle: HOSTILE });
    const blocks = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)];
    const json = blocks.filter((b) => b[1].includes('application/json'));
    assert.equal(json.length, 1);
    assert.equal(json[0][1], ` type="application/json" id="${L10N_BLOCK_ID}"`);
    assert.deepEqual(JSON.parse(json[0][2]), HOSTILE);
    // Every other script element is one of the page's nonce'd sources: nothing escaped the block.
    assert.deepEqual(blocks.filter((b) => b !== json[0]).map((b) => b[1]), [' nonce="n0nce" src="masks.js"']);
    assert.ok(html.indexOf(L10N_BLOCK_ID) < html.indexOf('masks.js'));
  });

  it('writes no block without a bundle (English)', () => {
    assert.doesNotMatch(webviewPage(PARTS), /application\/json|dynapruner-l10n/);
  });
});
