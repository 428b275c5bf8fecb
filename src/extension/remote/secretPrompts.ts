/**
 * Connection callbacks backed by VS Code: the trust prompt shows the host key's
 * SHA256 fingerprint; passphrases and passwords are asked with a password box
 * and kept only in SecretStorage (never in settings or the log).
 */
import * as vscode from 'vscode';
import type { ConnectCallbacks } from '../../core/remote/ssh/sshConnection';

const key = (kind: string, id: string) => `dynapruner.remote.${kind}:${id}`;

/** Callbacks for connectSsh; `log` receives no secrets; `knownHostsFile` is where a trusted key is recorded. */
export function vscodeConnectCallbacks(secrets: vscode.SecretStorage, log: (line: string) => void, knownHostsFile = 'known_hosts'): ConnectCallbacks {
  return {
    confirmHostKey: async (p) => {
      const trust = 'Trust and Connect';
      const answer = await vscode.window.showWarningMessage(
        `The authenticity of host '${p.host}' can't be established.`,
        { modal: true, detail: `${p.keyType} key fingerprint is ${p.fingerprint}.\nCompare it with the device's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before trusting it. It will be recorded in ${knownHostsFile}.` },
        trust,
      );
      return answer === trust;
    },
    askPassphrase: async (file, retry) => {
      const stored = retry ? undefined : await secrets.get(key('passphrase', file));
      if (stored !== undefined) return stored;
      return vscode.window.showInputBox({ title: `Passphrase for ${file}`, prompt: retry ? 'Wrong passphrase, try again' : 'Kept in VS Code SecretStorage', password: true, ignoreFocusOut: true });
    },
    askPassword: async (target) => {
      const stored = await secrets.get(key('password', target));
      if (stored !== undefined) return stored;
      return vscode.window.showInputBox({ title: `Password for ${target}`, prompt: 'Kept in VS Code SecretStorage', password: true, ignoreFocusOut: true });
    },
    secretAccepted: (kind, id, value) => void secrets.store(key(kind, id), value),
    secretRejected: (kind, id) => void secrets.delete(key(kind, id)),
    log,
  };
}
