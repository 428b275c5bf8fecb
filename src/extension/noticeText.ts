/** The one-line text of an error notification (no VS Code API: unit-tested). */

/** The notification text for an error: its first line, prefixed once with `Dyna-Pruner:`. */
export function noticeText(error: unknown, prefix = 'Dyna-Pruner'): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return `${prefix}: ${line.trim()}`;
}
