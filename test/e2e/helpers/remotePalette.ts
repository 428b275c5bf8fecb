/**
 * The palette helper of the remote e2e tests: runs a command like
 * codeServer.ts's `palette`, and tries again when the command's row did not
 * show up (right after the workbench opened on a busy machine, the views'
 * focus commands can take longer than one wait to be registered).
 */
import type { Page } from 'playwright-core';
import { palette } from './codeServer';

/** Attempts before giving up; each waits `timeout` ms for the row. */
const ATTEMPTS = 3;

/** F1, `>command`, Enter on the row with `rowText`; up to {@link ATTEMPTS} tries. */
export async function paletteRetried(page: Page, command: string, rowText: string, timeout = 20_000): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await palette(page, command, rowText, timeout);
    } catch (error) {
      if (attempt === ATTEMPTS) throw error;
      await page.keyboard.press('Escape');
    }
  }
}
