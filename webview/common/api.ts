/**
 * The webview end of the protocol: typed `post`, a validated message
 * listener, and the persisted state (`setState` / `getState`).
 */
import type { FromWebview, ToWebview } from '../../src/shared/protocol';
import type { PersistedState } from '../../src/shared/state';
import { readPersistedState } from '../../src/shared/state';
import { isToWebview } from '../../src/shared/validate';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | null = null;
/** The webview API, acquired once (panels with a protocol of their own, the Orin panel, post through it). */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

/** Posts a message to the extension host. */
export function post(message: FromWebview): void {
  vscodeApi().postMessage(message);
}

/** Listens for host messages; anything not in the protocol is dropped and reported. */
export function onHostMessage(handler: (m: ToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    if (!isToWebview(event.data)) {
      post({ type: 'log', level: 'warning', text: `dropped unknown host message ${JSON.stringify(event.data)?.slice(0, 80)}` });
      return;
    }
    try {
      handler(event.data);
    } catch (e) {
      reportError(e);
    }
  });
}

/** Sends a webview-side error to the extension's log and shows it in the page. */
export function reportError(e: unknown): void {
  const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  console.warn(text);
  post({ type: 'log', level: 'error', text: text.slice(0, 3900) });
}

/** The persisted state (source + UI state). */
export function loadState(): PersistedState {
  return readPersistedState(vscodeApi().getState());
}

/** Persists the state (only UI state and the panel's source; never results). */
export function saveState(state: PersistedState): void {
  vscodeApi().setState(state);
}
