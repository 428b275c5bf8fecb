/**
 * One pane's controls in the A/B panel: sample and lead-time sliders with
 * their values, and the channel, each with an accessible name naming the
 * pane ("A sample"). The selection is persisted per pane.
 */
import * as l10n from '@vscode/l10n';
import type { MapSelection } from '../../src/core/figures/maps';
import type { Analysis } from '../../src/core/schema/results';
import { clear, h } from '../common/dom';
import type { PanelContext } from '../common/shell';

/** Controls of pane `key` ('A' or 'B'). */
export class PaneControls {
  readonly element: HTMLElement;
  readonly heading: HTMLElement;
  private readonly sample: HTMLInputElement;
  private readonly step: HTMLInputElement;
  private readonly channel: HTMLSelectElement;
  private readonly sampleLabel: HTMLElement;
  private readonly stepLabel: HTMLElement;
  private analysis: Analysis | null = null;

  constructor(
    readonly key: 'A' | 'B',
    private readonly ctx: PanelContext,
    onChange: () => void,
  ) {
    const id = key.toLowerCase();
    this.heading = h('h2', { class: 'ab-heading', 'data-pane-title': id }, key);
    this.sample = h('input', { type: 'range', min: 0, max: 0, value: 0, 'aria-label': l10n.t('{0} sample', key), 'data-control': `${id}-sample` });
    this.step = h('input', { type: 'range', min: 0, max: 0, value: 0, 'aria-label': l10n.t('{0} lead time', key), 'data-control': `${id}-step` });
    this.channel = h('select', { 'aria-label': l10n.t('{0} channel', key), 'data-control': `${id}-channel` });
    this.sampleLabel = h('span', { class: 'muted', 'data-label': `${id}-sample` });
    this.stepLabel = h('span', { class: 'muted', 'data-label': `${id}-step` });
    for (const [el, name] of [[this.sample, 'sample'], [this.step, 'step'], [this.channel, 'channel']] as const) {
      el.addEventListener(el === this.channel ? 'change' : 'input', () => {
        this.ctx.persist(`${id}.${name}`, Number(el.value));
        this.label();
        onChange();
      });
    }
    this.element = h('div', { class: 'toolbar ab-controls', 'data-pane': id },
      h('label', {}, l10n.t('Sample'), this.sample, this.sampleLabel),
      h('label', {}, l10n.t('Lead time'), this.step, this.stepLabel),
      h('label', {}, l10n.t('Channel'), this.channel));
  }

  /** Shows an analysis; the restored selection wins over `sample` (the host's first sample). */
  show(analysis: Analysis, name: string, sample: number): void {
    const id = this.key.toLowerCase();
    const ui = this.ctx.ui;
    this.analysis = analysis;
    this.heading.textContent = `${this.key}: ${name}`;
    const clamp = (v: unknown, n: number, fallback: number) => Math.min(Math.max(0, Number.isInteger(v) ? (v as number) : fallback), Math.max(0, n - 1));
    this.sample.max = String(Math.max(0, analysis.samples.length - 1));
    this.sample.value = String(clamp(ui[`${id}.sample`], analysis.samples.length, sample));
    this.step.max = String(Math.max(0, analysis.model.tOut - 1));
    this.step.value = String(clamp(ui[`${id}.step`], analysis.model.tOut, 0));
    clear(this.channel);
    analysis.model.channels.forEach((c, i) => this.channel.append(h('option', { value: i }, c)));
    this.channel.value = String(clamp(ui[`${id}.channel`], analysis.model.channels.length, 0));
    this.label();
  }

  /** The frame the pane shows. */
  selection(): MapSelection {
    return { sample: Number(this.sample.value), t: Number(this.step.value), channel: Number(this.channel.value) };
  }

  /** Sets the sample (tests and the benchmark). */
  setSample(i: number): void {
    this.sample.value = String(i);
    this.sample.dispatchEvent(new Event('input'));
  }

  private label(): void {
    const a = this.analysis;
    if (!a) return;
    const sel = this.selection();
    const s = a.samples[sel.sample];
    this.sampleLabel.textContent = l10n.t('{0} / {1}', sel.sample + 1, a.samples.length) + (s?.windowStart !== null && s?.windowStart !== undefined ? l10n.t(' · t₀ = {0}', s.windowStart) : '');
    this.stepLabel.textContent = l10n.t('t+{0} of {1}', sel.t + 1, a.model.tOut);
  }
}
