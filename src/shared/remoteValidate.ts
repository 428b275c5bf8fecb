/**
 * Validators for the Orin panel's messages, in the style of ./validate.ts:
 * the host calls {@link parseFromRemoteWebview} on every message the webview
 * posts and drops (and logs) anything that does not match exactly; the
 * webview calls {@link isToRemoteWebview} before dispatching;
 * {@link readRemotePanelState} reads a persisted state defensively.
 */
import type { FromRemoteWebview, RemotePanelState, ToRemoteWebview } from './remoteProtocol';
import type { Parsed } from './validate';

/** Longest run id accepted (ids are `<stamp>-profile-<model>-<alias>-<hex>`). */
const MAX_RUN_ID = 200;
/** Most runs a Compare request may name. */
export const MAX_COMPARED_RUNS = 20;
const RUN_ID = /^[A-Za-z0-9_.-]+$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(m: Record<string, unknown>, keys: string[]): string | null {
  const extra = Object.keys(m).filter((k) => !keys.includes(k));
  return extra.length ? `unexpected field(s) ${extra.join(', ')}` : null;
}

function runIdError(v: unknown, field: string): string | null {
  if (typeof v !== 'string') return `field '${field}' must be a string`;
  if (v.length === 0 || v.length > MAX_RUN_ID) return `field '${field}' must be 1-${MAX_RUN_ID} characters`;
  if (!RUN_ID.test(v)) return `field '${field}' must match [A-Za-z0-9_.-]+`;
  return null;
}

/** Validates a message posted by the Orin webview; the error names the field and what was expected. */
export function parseFromRemoteWebview(raw: unknown): Parsed<FromRemoteWebview> {
  if (!isRecord(raw)) return { ok: false, error: 'message must be an object' };
  const type = raw.type;
  const fail = (error: string): Parsed<FromRemoteWebview> => ({ ok: false, error: `'${String(type)}' message: ${error}` });
  let err: string | null;
  switch (type) {
    case 'ready':
      if ((err = onlyKeys(raw, ['type']))) return fail(err);
      return { ok: true, message: { type } };
    case 'rerun':
      if ((err = onlyKeys(raw, ['type', 'runId']) ?? runIdError(raw.runId, 'runId'))) return fail(err);
      return { ok: true, message: { type, runId: raw.runId as string } };
    case 'compare': {
      if ((err = onlyKeys(raw, ['type', 'runIds']))) return fail(err);
      const ids = raw.runIds;
      if (!Array.isArray(ids) || ids.length > MAX_COMPARED_RUNS) return fail(`field 'runIds' must be an array of at most ${MAX_COMPARED_RUNS} run ids`);
      for (const [i, id] of ids.entries()) if ((err = runIdError(id, `runIds[${i}]`))) return fail(err);
      return { ok: true, message: { type, runIds: ids as string[] } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(type)?.slice(0, 40)}` };
  }
}

function isLivePoint(p: unknown): boolean {
  if (!isRecord(p) || typeof p.t !== 'number') return false;
  return (p.totalMw === null || typeof p.totalMw === 'number') && (p.gpuLoadPercent === null || typeof p.gpuLoadPercent === 'number');
}

function isProgress(p: unknown): boolean {
  if (!isRecord(p)) return false;
  return typeof p.alias === 'string' && typeof p.text === 'string' && (p.fraction === null || typeof p.fraction === 'number') && ['running', 'done', 'failed'].includes(p.state as string);
}

/** Webview-side guard: a host message of the Orin protocol with the fields the panel reads. */
export function isToRemoteWebview(m: unknown): m is ToRemoteWebview {
  if (!isRecord(m)) return false;
  if (m.type === 'runs') return Array.isArray(m.runs) && m.runs.every(isRecord) && Array.isArray(m.selected) && m.selected.every((s) => typeof s === 'string');
  if (m.type === 'live') return typeof m.alias === 'string' && isLivePoint(m.point);
  if (m.type === 'progress') return isProgress(m.progress);
  return false;
}

/** Reads the Orin webview's persisted state (it comes from the webview: nothing is trusted). */
export function readRemotePanelState(raw: unknown): RemotePanelState {
  if (!isRecord(raw) || !Array.isArray(raw.selected)) return { selected: [] };
  return { selected: raw.selected.filter((s): s is string => runIdError(s, 'selected') === null).slice(0, MAX_COMPARED_RUNS) };
}
