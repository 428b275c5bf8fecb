/**
 * Errors of the remote layer. Each carries a message a user can act on; the
 * UI and the CLI print `message` as is. Secrets never appear in them.
 */

/** Base class: every failure of the remote layer is a `RemoteError`. */
export class RemoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The host presented a key different from the one recorded in known_hosts. */
export class HostKeyChangedError extends RemoteError {
  constructor(
    readonly host: string,
    readonly fingerprint: string,
    readonly knownHostsFile: string,
    readonly line: number,
  ) {
    super(
      `WARNING: the host key of ${host} has CHANGED (now ${fingerprint}); it does not match ${knownHostsFile}:${line}. ` +
        'Someone could be intercepting the connection, or the device was reinstalled. Nothing was sent. ' +
        `If the change is expected, remove the old entry (ssh-keygen -R '${host}' -f ${knownHostsFile}) and connect again.`,
    );
  }
}

/** The host key is not in known_hosts and the user did not confirm it. */
export class HostKeyUnknownError extends RemoteError {
  constructor(
    readonly host: string,
    readonly fingerprint: string,
    /** Why it was not trusted, when not by the user's answer (e.g. `StrictHostKeyChecking yes`). */
    readonly reason?: string,
  ) {
    super(`the host key of ${host} (${fingerprint}) is not known and was not trusted${reason ? ` (${reason})` : ''}; nothing was sent.`);
  }
}

/** The host key was revoked (`@revoked` in known_hosts). */
export class HostKeyRevokedError extends RemoteError {
  constructor(
    readonly host: string,
    readonly fingerprint: string,
  ) {
    super(`the host key of ${host} (${fingerprint}) is marked @revoked in known_hosts; refusing to connect.`);
  }
}

/**
 * Authentication did not succeed: the server refused what was offered
 * (`tried`), and/or keys could not be used at all (`problems`: missing,
 * unreadable, a passphrase nobody could type).
 */
export class AuthenticationError extends RemoteError {
  constructor(
    readonly target: string,
    readonly tried: string[],
    readonly problems: string[] = [],
  ) {
    const refused = tried.length ? `the server refused ${tried.join(', ')}` : problems.length ? '' : 'no authentication method could be offered';
    const parts = [refused, ...problems].filter(Boolean).join('; ');
    super(`authentication failed for ${target}: ${parts}. Check the user, the key (IdentityFile) or the password.`);
  }
}

/** The host did not complete the SSH handshake within the configured time. */
export class ConnectTimeoutError extends RemoteError {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`${target} did not answer within ${timeoutMs} ms (setting dynapruner.remote.connectTimeoutMs).`);
  }
}

/** A remote command ended with a non-zero status. */
export class RemoteCommandError extends RemoteError {
  constructor(
    readonly what: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${what} failed on the device (exit ${exitCode ?? 'signal'}): ${stderr.trim().split('\n').slice(-5).join(' | ') || 'no error output'}`);
  }
}
