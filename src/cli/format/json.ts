/** JSON output for CLI commands: one object, pretty-printed, newline-terminated. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
