/**
 * IdentitiesOnly for ssh-agent authentication: an agent that offers only
 * the agent keys whose public part matches one of the host's IdentityFile
 * entries, as OpenSSH does with `IdentitiesOnly yes`.
 */
import { BaseAgent, OpenSSHAgent, utils, type IdentityCallback, type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';

type AgentKey = Parameters<IdentityCallback<ParsedKey>>[1] extends Array<infer K> | undefined ? K : never;

/** The public blob of a key as the agent lists it (a parsed key, or an entry holding one). */
function blobOf(key: AgentKey): Buffer | undefined {
  const inner = 'pubKey' in key ? ('pubKey' in key.pubKey ? key.pubKey.pubKey : key.pubKey) : key;
  const parsed = typeof inner === 'string' || Buffer.isBuffer(inner) ? utils.parseKey(inner) : inner;
  const one = Array.isArray(parsed) ? parsed[0] : parsed;
  return one && !(one instanceof Error) ? one.getPublicSSH() : undefined;
}

/** Wraps the agent at `socketPath`; only keys with a blob in `allowed` are listed. */
export class IdentitiesOnlyAgent extends BaseAgent {
  private readonly inner: OpenSSHAgent;

  constructor(
    socketPath: string,
    private readonly allowed: Buffer[],
  ) {
    super();
    this.inner = new OpenSSHAgent(socketPath);
  }

  getIdentities(cb: IdentityCallback<ParsedKey>): void {
    this.inner.getIdentities((err, keys) => {
      if (err) return cb(err);
      const kept = (keys ?? []).filter((k) => {
        const blob = blobOf(k);
        return blob !== undefined && this.allowed.some((a) => a.equals(blob));
      });
      cb(null, kept);
    });
  }

  sign(pubKey: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    if (typeof options === 'function') this.inner.sign(pubKey, data, options);
    else this.inner.sign(pubKey, data, options, cb);
  }
}
