/**
 * The frame every panel shares: title, the untrusted-workspace banner, a
 * progress bar with a Cancel button for the running job, notices, and the
 * `ready` / `init` handshake. A panel plugs in as a {@link PanelApp}.
 */
import * as l10n from '@vscode/l10n';
import type { PanelKind } from '../../src/shared/ids';
import type { JobEndMessage, PanelSource, ToWebview } from '../../src/shared/protocol';
import type { PersistedState } from '../../src/shared/state';
import { loadState, onHostMessage, post, reportError, saveState } from './api';
import { clear, h } from './dom';
import { installStyles } from './styles';
import { onThemeChange } from './theme';

/** What a panel gets from the shell. */
export interface PanelContext {
  /** The panel's content area. */
  root: HTMLElement;
  /** Restored UI state (slider positions, toggles). */
  ui: PersistedState['ui'];
  /** Persists one UI-state value. */
  persist(key: string, value: string | number | boolean): void;
  /** Whether the workspace is trusted (known after `init`). */
  trusted(): boolean;
  /** Shows a notice above the content. */
  notice(level: 'info' | 'warning' | 'error', text: string): void;
}

/** A panel's front end. */
export interface PanelApp {
  /** Called once, before any data message. */
  mount(ctx: PanelContext): void;
  /** Data messages (everything but init / progress / jobEnd / notice). */
  onMessage(m: ToWebview): void;
  /** Re-render figures in the new theme's colours. */
  onThemeChange(): void;
  /** The running job ended (after the shell updated its progress bar and notices). */
  onJobEnd?(m: JobEndMessage): void;
}

/** Starts a panel: builds the frame, wires messages, sends `ready`. */
export function startPanel(kind: PanelKind, app: PanelApp): void {
  window.addEventListener('error', (e) => reportError(e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => reportError(e.reason));
  installStyles();
  const state = loadState();
  let trusted = true;
  const title = h('h1', {}, '');
  const subtitle = h('div', { class: 'subtitle' });
  const banners = h('div', { class: 'banners' });
  const progress = h('div', { class: 'progress', hidden: true });
  const notices = h('div', { class: 'notices' });
  const root = h('main', { id: 'content', 'data-panel': kind });
  const app$ = document.getElementById('app') ?? document.body;
  app$.append(title, subtitle, banners, progress, notices, root);
  app$.removeAttribute('aria-busy');

  const persist = (key: string, value: string | number | boolean) => {
    state.ui[key] = value;
    saveState(state);
  };
  const notice = (level: 'info' | 'warning' | 'error', text: string, action?: HTMLElement, about?: 'job') => {
    notices.append(h('div', { class: `banner ${level}`, role: level === 'error' ? 'alert' : 'status', 'data-notice': about ?? 'host' }, h('span', { class: `codicon codicon-${level === 'info' ? 'info' : level}` }), h('span', {}, text), action ?? null));
  };
  const runAgain = (label = l10n.t('Run again')) => h('vscode-button', { secondary: true, 'data-action': 'rerun', 'aria-label': label, onclick: () => post({ type: 'rerun' }) }, label);
  /** Notices about a previous job (cancelled, failed, nothing saved) go once a new job reports or one succeeds. */
  const clearJobNotices = () => notices.querySelectorAll('[data-notice="job"]').forEach((n) => n.remove());
  /** Placeholders such as "Waiting for the sweep…" say what happened instead of waiting forever. */
  const settlePlaceholders = (text: string | null) =>
    root.querySelectorAll<HTMLElement>('.empty').forEach((e) => {
      e.dataset.waiting ??= e.textContent ?? '';
      e.textContent = text ?? e.dataset.waiting;
    });
  app.mount({ root, ui: state.ui, persist, trusted: () => trusted, notice });

  const showProgress = (jobId: string, fraction: number, message: string) => {
    progress.hidden = false;
    if (progress.dataset.job !== jobId) {
      clear(progress);
      progress.dataset.job = jobId;
      const cancel = h('vscode-button', { secondary: true, icon: 'debug-stop', 'data-action': 'cancel', 'aria-label': l10n.t('Cancel the running job'), onclick: () => post({ type: 'cancel', jobId }) }, l10n.t('Cancel'));
      progress.append(h('span', { class: 'codicon codicon-loading codicon-modifier-spin' }), h('span', { class: 'msg' }), h('div', { class: 'bar' }, h('div', {})), cancel);
    }
    (progress.querySelector('.msg') as HTMLElement).textContent = message;
    (progress.querySelector('.bar > div') as HTMLElement).style.width = `${Math.round(fraction * 100)}%`;
  };

  onHostMessage((m) => {
    switch (m.type) {
      case 'init': {
        trusted = m.trusted;
        title.textContent = m.title;
        document.title = m.title;
        subtitle.textContent = m.source.checkpoints.join(' · ');
        clear(banners);
        if (!m.trusted) {
          banners.append(
            h('div', { class: 'banner', role: 'status', 'data-banner': 'untrusted' }, h('span', { class: 'codicon codicon-shield' }),
              h('span', {}, l10n.t('Restricted Mode: this workspace is not trusted, so only inspection is available (structure, parameters, dense MACs). Running the checkpoint, sweeps, exports and remote profiling need a trusted workspace.'))),
          );
        }
        rememberSource(state, m.source);
        saveState(state);
        break;
      }
      case 'progress':
        if (progress.dataset.job !== m.jobId) {
          clearJobNotices();
          settlePlaceholders(null);
        }
        showProgress(m.jobId, m.fraction, m.message);
        break;
      case 'jobEnd':
        progress.hidden = true;
        delete progress.dataset.job;
        clearJobNotices();
        if (m.source) {
          rememberSource(state, m.source);
          saveState(state);
        }
        if (m.outcome === 'cancelled') {
          notice('info', l10n.t('Cancelled; nothing was saved.'), runAgain(), 'job');
          settlePlaceholders(l10n.t('Cancelled before any result: use Run again above.'));
        }
        if (m.outcome === 'failed') {
          notice('error', m.error ?? l10n.t('The run failed.'), runAgain(), 'job');
          settlePlaceholders(l10n.t('No results: the run failed (the error is above).'));
        }
        app.onJobEnd?.(m);
        break;
      case 'notice':
        notice(m.level, m.text, m.action === 'rerun' ? runAgain(l10n.t('Run')) : undefined, m.action === 'rerun' ? 'job' : undefined);
        if (m.action === 'rerun') settlePlaceholders(l10n.t('Nothing saved yet for this panel.'));
        break;
      default:
        app.onMessage(m);
    }
  });
  onThemeChange(() => app.onThemeChange());
  post({ type: 'ready' });
}

function rememberSource(state: PersistedState, source: PanelSource): void {
  state.source = { checkpoints: [...source.checkpoints], runDir: source.runDir, ...(source.runDirs ? { runDirs: [...source.runDirs] } : {}), ...(source.latencyRunDir ? { latencyRunDir: source.latencyRunDir } : {}), ...(source.paretoSummary ? { paretoSummary: source.paretoSummary } : {}), ...(source.groups ? { groups: [...source.groups] } : {}) };
}
