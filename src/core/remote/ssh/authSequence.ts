/**
 * The authentication methods offered to a server, in OpenSSH's order:
 * ssh-agent (only the IdentityFile keys with IdentitiesOnly), key files,
 * password. Records what was offered and why keys could not be used, so a
 * failure names the real cause.
 */
import { IdentitiesOnlyAgent } from './identitiesOnlyAgent';
import { identityPublicBlob, loadIdentity, type PassphraseCallbacks } from './identityKeys';

/** The secret hooks of ConnectCallbacks that authentication uses. */
export interface AuthCallbacks extends PassphraseCallbacks {
  askPassword?(target: string): Promise<string | undefined>;
  secretAccepted?(kind: 'passphrase' | 'password', id: string, value: string): void;
  secretRejected?(kind: 'passphrase' | 'password', id: string): void;
}

/** Who authenticates where, and with what. */
export interface AuthSettings {
  user: string;
  /** `user@host:port`, the id of a password secret and the name in messages. */
  where: string;
  identityFiles: string[];
  /** ssh-agent socket; empty: no agent. */
  agentSocket: string;
  identitiesOnly: boolean;
}

type Method = Record<string, unknown> & { type: string };
type Step = () => Promise<Method | null>;

/** One connection's authentication, fed to ssh2's `authHandler`. */
export class AuthSequence {
  /** What was offered, in order (`agent`, `publickey <file>`, `password`). */
  readonly tried: string[] = [];
  private readonly steps: Step[] = [];
  private readonly keyProblems: Array<{ problem: string; missing: boolean }> = [];
  private pendingPassword: string | undefined;

  constructor(
    private readonly settings: AuthSettings,
    private readonly callbacks: AuthCallbacks,
  ) {
    if (settings.agentSocket) this.steps.push(() => this.agentStep());
    for (const file of settings.identityFiles) this.steps.push(() => this.keyStep(file));
    if (callbacks.askPassword) this.steps.push(() => this.passwordStep());
  }

  /** Why keys could not be used; missing files only matter when no key at all was offered. */
  problems(): string[] {
    const offeredKey = this.tried.some((t) => t === 'agent' || t.startsWith('publickey'));
    return this.keyProblems.filter((p) => !p.missing || !offeredKey).map((p) => p.problem);
  }

  /** The next method the server still accepts, or false when none is left. */
  async next(methodsLeft: string[] | null): Promise<Method | false> {
    if (this.tried.at(-1) === 'password' && this.pendingPassword !== undefined) {
      this.callbacks.secretRejected?.('password', this.settings.where);
      this.pendingPassword = undefined;
    }
    while (this.steps.length > 0) {
      const auth = await this.steps.shift()!();
      if (!auth) continue;
      const method = auth.type === 'agent' ? 'publickey' : auth.type;
      if (methodsLeft && !methodsLeft.includes(method)) {
        this.tried.pop();
        continue;
      }
      this.callbacks.log?.(`trying ${auth.type} for ${this.settings.where}`);
      return auth;
    }
    return false;
  }

  /** The connection is up: a password that got it there is reported as accepted. */
  succeeded(): void {
    if (this.pendingPassword !== undefined) this.callbacks.secretAccepted?.('password', this.settings.where, this.pendingPassword);
  }

  private async agentStep(): Promise<Method | null> {
    const { agentSocket, identitiesOnly, identityFiles, user } = this.settings;
    let agent: string | IdentitiesOnlyAgent = agentSocket;
    if (identitiesOnly) {
      const blobs = (await Promise.all(identityFiles.map(identityPublicBlob))).filter((b): b is Buffer => !!b);
      if (blobs.length === 0) return null;
      agent = new IdentitiesOnlyAgent(agentSocket, blobs);
    }
    this.tried.push('agent');
    return { type: 'agent', username: user, agent };
  }

  private async keyStep(file: string): Promise<Method | null> {
    const loaded = await loadIdentity(file, this.callbacks);
    if (!loaded.ok) {
      this.keyProblems.push({ problem: loaded.problem, missing: loaded.missing });
      return null;
    }
    this.tried.push(`publickey ${file}`);
    return { type: 'publickey', username: this.settings.user, key: loaded.key };
  }

  private async passwordStep(): Promise<Method | null> {
    const password = await this.callbacks.askPassword!(this.settings.where);
    if (password === undefined) return null;
    this.tried.push('password');
    this.pendingPassword = password;
    return { type: 'password', username: this.settings.user, password };
  }
}
