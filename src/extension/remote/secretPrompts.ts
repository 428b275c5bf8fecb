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
      const trust = vscode.l10n.t('Trust and Connect');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t("The authenticity of host '{0}' can't be established.", p.host),
        { modal: true, detail: vscode.l10n.t("{0} key fingerprint is {1}.\nCompare it with the device's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before trusting it. It will be recorded in {2}.", p.keyType, p.fingerprint, knownHostsFile) },
        trust,
      );
      return answer === trust;
    },
    askPassphrase: async (file, retry) => {
      const stored = retry ? undefined : await secrets.get(key('passphrase', file));
      if (stored !== undefined) return stored;
      return vscode.window.showInputBox({ title: vscode.l10n.t('Passphrase for {0}', file), prompt: retry ? vscode.l10n.t('Wrong passphrase, try again') : vscode.l10n.t('Kept in VS Code SecretStorage'), password: true, ignoreFocusOut: true });
    },
    askPassword: async (target) => {
      const stored = await secrets.get(key('password', target));
      if (stored !== undefined) return stored;
      return vscode.window.showInputBox({ title: vscode.l10n.t('Password for {0}', target), prompt: vscode.l10n.t('Kept in VS Code SecretStorage'), password: true, ignoreFocusOut: true });
    },
    secretAccepted: (kind, id, value) => void secrets.store(key(kind, id), value),
    secretRejected: (kind, id) => void secrets.delete(key(kind, id)),
    log,
  };
}
