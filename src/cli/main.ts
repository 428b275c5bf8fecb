/**
 * `dynapruner` CLI entry: dispatches to the sub-commands in ./commands.
 * Errors print one line naming the file and the problem; `--debug` adds the stack.
 */
import type { CliCommand, CliIO } from './command';
import { commands } from './commands';

const io: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
};

function usage(): string {
  const lines = commands.map((c: CliCommand) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `Usage: dynapruner <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'dynapruner <command> --help' for details. Add --debug for stack traces.\n`;
}

async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const name = args[0];
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
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.err('\ndynapruner: cancelling (Ctrl-C again to force)...\n');
    controller.abort(new Error('cancelled by user'));
  };
  process.on('SIGINT', onSigint);
  try {
    return await command.run(rest, io, controller.signal);
  } catch (error) {
    const err = error as Error;
    if (controller.signal.aborted) {
      io.err(`dynapruner ${name}: cancelled\n`);
      return 130;
    }
    io.err(`dynapruner ${name}: ${err?.message ?? String(error)}\n`);
    if (debug && err?.stack) io.err(err.stack + '\n');
    return (err as { code?: unknown }).code && typeof (err as { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`dynapruner: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
