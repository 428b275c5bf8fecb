/** Every `dynapruner` sub-command, in the order `--help` lists them. */
import type { CliCommand } from '../command';
import { exportCommand } from './export';
import { inspectCommand } from './inspect';
import { latencyCommand } from './latency';
import { profileCommand } from './profile';
import { reportCommand } from './report';
import { runCommand } from './run';
import { sweepCommand } from './sweep';

export const commands: CliCommand[] = [inspectCommand, runCommand, sweepCommand, reportCommand, profileCommand, exportCommand, latencyCommand];
