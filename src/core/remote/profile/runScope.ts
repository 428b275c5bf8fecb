/**
 * What a profile run started on the device and must take down on every way
 * out (done, failed, cancelled): its remote process groups and its run
 * folder `<workDir>/runs/<id>/`.
 */
import { RemoteCommandError } from '../errors';
import type { RemoteProcess } from '../ssh/remoteProcess';
import { joinCommand } from '../ssh/shellQuote';
import type { SshConnection } from '../ssh/sshConnection';

/** The device-side resources of one run. */
export class RemoteRunScope {
  private readonly processes: RemoteProcess[] = [];
  private runDir: string | undefined;

  constructor(private readonly conn: SshConnection) {}

  /** Registers a started process so cleanup kills its group. */
  track(process: RemoteProcess): RemoteProcess {
    this.processes.push(process);
    return process;
  }

  /** Creates the run folder (removed again by cleanup). */
  async createRunDir(dir: string, signal?: AbortSignal): Promise<string> {
    this.runDir = dir;
    const mk = await this.conn.exec(joinCommand(['mkdir', '-p', '--', dir]), { signal });
    if (mk.code !== 0) throw new RemoteCommandError(`creating ${dir}`, mk.code, mk.stderr);
    return dir;
  }

  /** Kills every tracked process group (TERM, then KILL) and removes the run folder. */
  async cleanup(): Promise<void> {
    await Promise.allSettled(this.processes.map((p) => p.kill()));
    if (this.runDir && !this.conn.isClosed) await this.conn.exec(joinCommand(['rm', '-rf', '--', this.runDir])).catch(() => {});
  }
}
