/**
 * Harness server for the webview tests and the UI benchmark: serves each
 * panel exactly as the extension builds it (same template, same CSP, same
 * bundles from dist/webview and media/vendor) plus two harness scripts: a
 * stand-in for `acquireVsCodeApi` that records posted messages and state,
 * and the theme variables of Light+ or Dark+.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { contentSecurityPolicy, webviewPage } from '../../../src/extension/webviewHtml/htmlTemplate';
import { THEMES, type ThemeName } from './themes';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** The VS Code webview API stand-in (recorded messages in `window.__posted`). */
const VSCODE_API_SHIM = `(() => {
  window.__posted = [];
  window.__state = window.__initialState ?? undefined;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
    };
  };
})();`;

function themeScript(theme: ThemeName): string {
  const t = THEMES[theme];
  return `(() => { document.body.classList.add(${JSON.stringify(t.bodyClass)}); const vars = ${JSON.stringify(t.vars)};
  for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v); })();`;
}

/** A running harness server. */
export interface Harness {
  origin: string;
  /** URL of a panel page in a theme, with a translation bundle if given. */
  url(panel: string, theme: ThemeName, l10n?: Record<string, string>): string;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startHarness(): Promise<Harness> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const origin = `http://${req.headers.host}`;
      try {
        const m = /^\/panel\/([a-z]+)$/.exec(url.pathname);
        if (m) {
          const theme = (url.searchParams.get('theme') ?? 'dark') as ThemeName;
          const nonce = randomBytes(16).toString('base64');
          // `?l10n=<JSON>`: the translation bundle the extension passes from vscode.l10n.bundle (none: English).
          const l10n = url.searchParams.get('l10n');
          const html = webviewPage({
            csp: contentSecurityPolicy(origin, nonce),
            nonce,
            title: m[1],
            panel: m[1],
            codiconCss: `${origin}/media/vendor/codicons/codicon.css`,
            preScripts: [`${origin}/harness/vscode-api.js`, `${origin}/harness/theme-${theme}.js`],
            scripts: [`${origin}/dist/webview/${m[1]}.js`, `${origin}/dist/webview/elements.js`],
            plotlySrc: `${origin}/dist/webview/plotly.js`,
            ...(l10n ? { l10nBundle: JSON.parse(l10n) as Record<string, string> } : {}),
          });
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
          return;
        }
        if (url.pathname === '/favicon.ico') {
          // Chromium asks for it on a top-level page; a VS Code webview (an iframe) never does.
          res.writeHead(204).end();
          return;
        }
        if (url.pathname === '/harness/vscode-api.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(VSCODE_API_SHIM);
          return;
        }
        const t = /^\/harness\/theme-(light|dark)\.js$/.exec(url.pathname);
        if (t) {
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(themeScript(t[1] as ThemeName));
          return;
        }
        if (url.pathname.startsWith('/dist/webview/') || url.pathname.startsWith('/media/vendor/')) {
          const file = path.join(ROOT, path.normalize(url.pathname));
          if (!file.startsWith(ROOT + path.sep)) throw new Error('outside root');
          const body = await readFile(file);
          res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
          return;
        }
        res.writeHead(404).end();
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (panel, theme, l10n) => `${origin}/panel/${panel}?theme=${theme}${l10n ? `&l10n=${encodeURIComponent(JSON.stringify(l10n))}` : ''}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
