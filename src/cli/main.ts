/**
 * `dynapruner` CLI entry: dispatches to the sub-commands in ./commands.
 * Errors print one line naming the file and the problem; `--debug` adds the stack.
 * Ctrl-C, SIGTERM and SIGHUP cancel cleanly; a closed stdout (`| head`) ends quietly.
 */
import type { CliCommand } from './command';
import { commands } from './commands';
import { cancelOnSignals, signalExitCode } from './signals';
import { processIO } from './stdio';

/** How long the process may stay up after the command ended (a handle someone forgot to close). */
const EXIT_GRACE_MS = 2000;

function usage(): string {
  const lines = commands.map((c: CliCommand) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `Usage: dynapruner <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'dynapruner <command> --help' for details. Add --debug for stack traces.\n`;
}

function errorCode(error: unknown): number {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : 1;
}

/** Resolves once everything written to stdout so far was handed to the OS (or failed). */
function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    try {
      process.stdout.write('', () => resolve());
    } catch {
      resolve();
    }
  });
}

async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const name = args[0];
  const cancel = cancelOnSignals((sig) => io.err(`\ndynapruner: cancelling (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to force)...\n`));
  const io = processIO((why) => cancel.abort(why));
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.out(usage());
      return name ? 0 : 2;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) {
      io.err(`dynapruner: unknown command '${name}'\n${usage()}`);
      return 2;
    }
    const rest = args.slice(1);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(command.help.endsWith('\n') ? command.help : command.help + '\n');
      return 0;
    }
    try {
      const code = await command.run(rest, io, cancel.signal);
      await flushStdout();
      const failure = io.failure();
      if (failure) io.err(`dynapruner ${name}: ${failure.message}\n`);
      return failure ? 1 : code;
    } catch (error) {
      if (io.closed()) return 0;
      const failure = io.failure();
      const sig = cancel.received();
      if (failure) io.err(`dynapruner ${name}: ${failure.message}\n`);
      else if (sig) io.err(`dynapruner ${name}: cancelled\n`);
      else io.err(`dynapruner ${name}: ${(error as Error)?.message ?? String(error)}\n`);
      if (debug && (error as Error)?.stack) io.err((error as Error).stack + '\n');
      return failure ? 1 : sig ? signalExitCode(sig) : errorCode(error);
    }
  } finally {
    cancel.dispose();
  }
}

/** Names of the handles still keeping the process up (for --debug). */
function openHandles(): string {
  const handles = (process as unknown as { _getActiveHandles?: () => object[] })._getActiveHandles?.() ?? [];
  return handles.map((h) => h.constructor?.name ?? 'handle').join(', ');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => {
      if (process.argv.includes('--debug')) process.stderr.write(`dynapruner: still open after the command ended: ${openHandles()}\n`);
      process.exit(code);
    }, EXIT_GRACE_MS).unref();
  },
  (error) => {
    process.stderr.write(`dynapruner: ${String(error)}\n`);
    process.exit(1);
  },
);
