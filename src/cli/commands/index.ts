/** Every `dynapruner` sub-command, in the order `--help` lists them. */
import type { CliCommand } from '../command';
import { inspectCommand } from './inspect';

export const commands: CliCommand[] = [inspectCommand];
