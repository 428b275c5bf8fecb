/**
 * The webviews' strings against the committed English bundle: every
 * `l10n.t('...')` in webview/** (found with the TypeScript parser, independent
 * of the `npm run l10n` exporter) is a key of l10n/bundle.l10n.json, none is
 * built from a template literal with substitutions, and every panel entry
 * imports webview/common/l10n.ts first, so the bundle is configured before
 * any module calls `l10n.t`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const WEBVIEW = path.join(ROOT, 'webview');
/** Entries that show no text of their own: the components and the Plotly loaders. */
const NO_TEXT_ENTRIES = new Set(['elements', 'plotly']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A call `l10n.t(...)` found in a file. */
interface Call {
  file: string;
  line: number;
  /** The message (first argument) when it is a plain string literal. */
  message: string | null;
}

function l10nCalls(file: string): Call[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const calls: Call[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't'
      && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'l10n') {
      const first = node.arguments[0];
      const message = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : null;
      calls.push({ file: path.relative(ROOT, file), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, message });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

const bundle = JSON.parse(readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
const calls = tsFiles(WEBVIEW).flatMap(l10nCalls);

describe('webview strings and l10n/bundle.l10n.json', () => {
  it('the webviews localise their strings through l10n.t', () => {
    assert.ok(calls.length >= 100, `expected the webviews' strings through l10n.t, found ${calls.length} calls`);
  });

  it('every l10n.t message is a string literal (placeholders {0}, not template substitutions)', () => {
    assert.deepEqual(calls.filter((c) => c.message === null).map((c) => `${c.file}:${c.line}`), []);
  });

  it('every l10n.t message of webview/** is in the English bundle (run `npm run l10n`)', () => {
    const missing = calls.filter((c) => c.message !== null && bundle[c.message] !== c.message).map((c) => `${c.file}:${c.line} ${JSON.stringify(c.message)}`);
    assert.deepEqual(missing, []);
  });

  it('every panel entry imports ../common/l10n first', () => {
    const entries = readdirSync(WEBVIEW).filter((d) => !NO_TEXT_ENTRIES.has(d)).map((d) => path.join(WEBVIEW, d, 'main.ts')).filter((f) => { try { return statSync(f).isFile(); } catch { return false; } });
    assert.ok(entries.length >= 9, `expected the panel entries, found ${entries.length}`);
    for (const file of entries) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const first = source.statements.find(ts.isImportDeclaration);
      assert.ok(first && ts.isStringLiteral(first.moduleSpecifier) && first.moduleSpecifier.text === '../common/l10n', `${path.relative(ROOT, file)}: the first import must be '../common/l10n'`);
    }
  });
});
