/**
 * Validators for messages crossing the webview boundary. The host calls
 * {@link parseFromWebview} on every message a webview posts and drops (and
 * logs) anything that does not match the protocol exactly; webviews call
 * {@link isToWebview} before dispatching.
 */
import type { FromWebview, ToWebview } from './protocol';
import { PANEL_ACTIONS, TO_WEBVIEW_TYPES } from './protocol';
import type { DataGeography } from '../core/schema/results';

/** Largest figure export accepted from a webview (data URL characters). */
export const MAX_EXPORT_CHARS = 32 * 1024 * 1024;
/** Largest CSV accepted from a webview. */
export const MAX_CSV_CHARS = 16 * 1024 * 1024;
const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Result of validating an incoming message. */
export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(m: Record<string, unknown>, keys: string[]): string | null {
  const extra = Object.keys(m).filter((k) => !keys.includes(k));
  return extra.length ? `unexpected field(s) ${extra.join(', ')}` : null;
}

function str(m: Record<string, unknown>, key: string, max: number): string | null {
  const v = m[key];
  if (typeof v !== 'string') return `field '${key}' must be a string`;
  if (v.length > max) return `field '${key}' is longer than ${max} characters`;
  return null;
}

/**
 * Validates a message posted by a webview. Returns the typed message, or an
 * error naming the field and what was expected.
 */
export function parseFromWebview(raw: unknown): Parsed<FromWebview> {
  if (!isRecord(raw)) return { ok: false, error: 'message must be an object' };
  const type = raw.type;
  const fail = (error: string): Parsed<FromWebview> => ({ ok: false, error: `'${String(type)}' message: ${error}` });
  let err: string | null;
  switch (type) {
    case 'ready':
    case 'exportReport':
    case 'rerun':
    case 'measureLatency':
      if ((err = onlyKeys(raw, ['type']))) return fail(err);
      return { ok: true, message: { type } };
    case 'cancel':
      if ((err = onlyKeys(raw, ['type', 'jobId']) ?? str(raw, 'jobId', 64))) return fail(err);
      if (!JOB_ID.test(raw.jobId as string)) return fail("field 'jobId' must match [A-Za-z0-9_-]{1,64}");
      return { ok: true, message: { type, jobId: raw.jobId as string } };
    case 'exportFigure': {
      if ((err = onlyKeys(raw, ['type', 'name', 'format', 'dataUrl']) ?? str(raw, 'name', 80) ?? str(raw, 'dataUrl', MAX_EXPORT_CHARS))) return fail(err);
      if (!NAME.test(raw.name as string)) return fail("field 'name' must match [A-Za-z0-9_-]{1,80}");
      const format = raw.format;
      if (format !== 'png' && format !== 'svg') return fail("field 'format' must be 'png' or 'svg'");
      const url = raw.dataUrl as string;
      const prefix = format === 'png' ? 'data:image/png;base64,' : 'data:image/svg+xml,';
      if (!url.startsWith(prefix)) return fail(`field 'dataUrl' must start with '${prefix}'`);
      return { ok: true, message: { type, name: raw.name as string, format, dataUrl: url } };
    }
    case 'exportCsv':
      if ((err = onlyKeys(raw, ['type', 'name', 'csv']) ?? str(raw, 'name', 80) ?? str(raw, 'csv', MAX_CSV_CHARS))) return fail(err);
      if (!NAME.test(raw.name as string)) return fail("field 'name' must match [A-Za-z0-9_-]{1,80}");
      return { ok: true, message: { type, name: raw.name as string, csv: raw.csv as string } };
    case 'action': {
      if ((err = onlyKeys(raw, ['type', 'action']))) return fail(err);
      const action = raw.action;
      if (typeof action !== 'string' || !(PANEL_ACTIONS as readonly string[]).includes(action)) return fail(`field 'action' must be one of ${PANEL_ACTIONS.join(', ')}`);
      return { ok: true, message: { type, action: action as (typeof PANEL_ACTIONS)[number] } };
    }
    case 'log': {
      if ((err = onlyKeys(raw, ['type', 'level', 'text']) ?? str(raw, 'text', 4000))) return fail(err);
      const level = raw.level;
      if (level !== 'info' && level !== 'warning' && level !== 'error') return fail("field 'level' must be 'info', 'warning' or 'error'");
      return { ok: true, message: { type, level, text: raw.text as string } };
    }
    case 'revealLayer': {
      if ((err = onlyKeys(raw, ['type', 'node', 'unit']) ?? str(raw, 'node', 1000))) return fail(err);
      const unit = raw.unit;
      if (unit !== null && !(Number.isInteger(unit) && (unit as number) >= 0 && (unit as number) < 1e6)) return fail("field 'unit' must be null or a non-negative integer");
      return { ok: true, message: { type, node: raw.node as string, unit: unit as number | null } };
    }
    case 'openAb': {
      if ((err = onlyKeys(raw, ['type', 'sample']))) return fail(err);
      const sample = raw.sample;
      if (!(Number.isInteger(sample) && (sample as number) >= 0 && (sample as number) < 1e7)) return fail("field 'sample' must be a non-negative integer");
      return { ok: true, message: { type, sample: sample as number } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(type)?.slice(0, 40)}` };
  }
}

/** Webview-side guard: a message from the host has a known tag. */
export function isToWebview(raw: unknown): raw is ToWebview {
  return isRecord(raw) && typeof raw.type === 'string' && (TO_WEBVIEW_TYPES as readonly string[]).includes(raw.type);
}

const finiteList = (v: unknown, n: number): boolean => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const nullableText = (v: unknown): boolean => v === null || (typeof v === 'string' && v.length <= 200);

/** Why one channel's physics is malformed, or null when it is well formed. */
function channelPhysicsError(c: unknown, i: number, name: string | undefined): string | null {
  if (!isRecord(c)) return `channels[${i}] must be an object`;
  if (c.channel !== name) return `channels[${i}].channel must be '${name}', found ${JSON.stringify(c.channel)?.slice(0, 40)}`;
  if (!nullableText(c.variable) || !nullableText(c.units)) return `channels[${i}].variable and .units must be null or strings`;
  if (c.unitsSource !== null && c.unitsSource !== 'file' && c.unitsSource !== 'dataset') return `channels[${i}].unitsSource must be 'file', 'dataset' or null`;
  if (!finiteList([c.mean, c.std], 2) || !((c.std as number) > 0)) return `channels[${i}].mean / .std must be finite numbers with std > 0`;
  if (c.transform !== 'zscore' && c.transform !== 'log1p') return `channels[${i}].transform must be 'zscore' or 'log1p'`;
  return null;
}

/**
 * Validates an analysis's `data.geography` against its grid and channels
 * (results written before it existed have none: `{ ok: true, message: null }`).
 */
export function parseGeography(raw: unknown, grid: [number, number], channels: string[]): Parsed<DataGeography | null> {
  if (raw === undefined || raw === null) return { ok: true, message: null };
  const fail = (error: string): Parsed<DataGeography | null> => ({ ok: false, error: `data.geography: ${error}` });
  if (!isRecord(raw)) return fail('must be an object');
  const co = raw.coordinates;
  if (co !== null) {
    if (!isRecord(co)) return fail('coordinates must be an object or null');
    if (typeof co.yName !== 'string' || typeof co.xName !== 'string') return fail('coordinates.yName / .xName must be strings');
    if (!finiteList(co.y, grid[0])) return fail(`coordinates.y must hold ${grid[0]} finite numbers (the grid's rows)`);
    if (!finiteList(co.x, grid[1])) return fail(`coordinates.x must hold ${grid[1]} finite numbers (the grid's columns)`);
    if (typeof co.geographic !== 'boolean') return fail('coordinates.geographic must be a boolean');
  }
  if (!Array.isArray(raw.channels) || raw.channels.length !== channels.length) return fail(`channels must be a list of ${channels.length} entries (one per model channel)`);
  for (const [i, c] of raw.channels.entries()) {
    const err = channelPhysicsError(c, i, channels[i]);
    if (err) return fail(err);
  }
  return { ok: true, message: raw as unknown as DataGeography };
}
