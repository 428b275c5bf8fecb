/**
 * How an error reaches the user in VS Code: one notification with the
 * message's first line (the project's errors name the file, the key, what
 * was expected and what was found) and a Show Log action; the full text and
 * stack go to the log only, never into the notification.
 */
import * as vscode from 'vscode';
import { Commands } from '../shared/ids';
import { noticeText } from './noticeText';

/** Shows one error notification with a Show Log action. */
export function showErrorNotice(error: unknown, prefix?: string): void {
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(noticeText(error, prefix), showLog).then((picked) => {
    if (picked === showLog) void vscode.commands.executeCommand(Commands.showLog);
  });
}
