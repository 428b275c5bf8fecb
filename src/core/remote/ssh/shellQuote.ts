/**
 * POSIX shell quoting for every argument of a remote command. A remote
 * command line is always assembled from `quoteArg`/`joinCommand`, never by
 * pasting untrusted text into a string: names with spaces, quotes, `$()` or
 * `;` reach the remote program as one literal argument each.
 */

/** Quotes one argument for a POSIX `sh`: wrapped in single quotes, `'` becomes `'\''`. */
export function quoteArg(value: string): string {
  if (value.includes('\0')) throw new Error(`remote argument contains a NUL byte: ${JSON.stringify(value)}`);
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Joins a program and its arguments into one command line, each part quoted. */
export function joinCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('joinCommand: empty argument vector');
  return argv.map(quoteArg).join(' ');
}
