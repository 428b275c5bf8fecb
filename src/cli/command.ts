/**
 * The shape of one `dynapruner` sub-command. Each command lives in its own file
 * under src/cli/commands/, is listed in src/cli/commands/index.ts, and parses
 * its arguments with src/cli/args/parse.ts before doing any work.
 */
export interface CliCommand {
  /** Sub-command name, e.g. `inspect`. */
  name: string;
  /** One line for `dynapruner --help`. */
  summary: string;
  /** Full help text for `dynapruner <name> --help` (usage, options, conventions). */
  help: string;
  /**
   * Runs the command. `args` are the arguments after the sub-command name.
   * Resolves to the process exit code. Throw `CliError` for a clear one-line
   * failure; `signal` aborts on Ctrl-C, SIGTERM, SIGHUP or a closed stdout.
   */
  run(args: string[], io: CliIO, signal: AbortSignal): Promise<number>;
}

/** Where a command writes; lets tests capture output without spawning. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
}

/** An expected failure: printed as one line, exit code `code`, no stack trace unless --debug. */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
    this.name = 'CliError';
  }
}
