/**
 * JSON as Python's `json.dumps` writes it by default: standard JSON plus the
 * bare tokens NaN, Infinity and -Infinity, which become null here (the
 * statistic is missing). Tokens inside strings are left alone.
 */

const NON_FINITE = ['-Infinity', 'Infinity', 'NaN'];

/** `JSON.parse` of Python-flavoured JSON, non-finite numbers read as null. */
export function parsePythonJson(text: string): unknown {
  return JSON.parse(replaceNonFinite(text));
}

/** The text with every NaN / Infinity / -Infinity token outside strings replaced by null. */
export function replaceNonFinite(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== 'N' && c !== 'I' && c !== '-') continue;
    const token = NON_FINITE.find((t) => text.startsWith(t, i));
    if (!token) continue;
    out += `${text.slice(from, i)}null`;
    i += token.length - 1;
    from = i + 1;
  }
  return out + text.slice(from);
}
