/** The palette's Export Report with a Compare panel active writes that panel's report (its Pareto page), not its first checkpoint's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PANEL_KINDS } from '../../../src/shared/ids';
import type { PanelSource } from '../../../src/shared/protocol';
import { activePanelReportSource } from '../../../src/extension/commands/reportSource';
import { isCompareSource } from '../../../src/extension/compareReport';

const a = '/w/checkpoints/simvp_dynapruner.onnx';
const b = '/w/checkpoints/simvp_mp_l1.onnx';

describe('activePanelReportSource', () => {
  it('a Compare panel of checkpoints (saved runs, groups): its own source, which writes the Compare report', () => {
    const source: PanelSource = { checkpoints: [a, b], runDir: null, runDirs: ['/w/.dynapruner/runs/1', '/w/.dynapruner/runs/2'], groups: ['dp', 'l1'] };
    const chosen = activePanelReportSource({ kind: 'compare', source }, true);
    assert.deepEqual(chosen, source);
    assert.notEqual(chosen, source, 'a copy: the panel may change its source while the save dialog is open');
    assert.ok(chosen && isCompareSource(chosen), 'Studio.exportReport writes the Pareto page for it');
  });

  it('a Compare panel of a trainer summary (no checkpoints): the summary, never a checkpoint pick', () => {
    const source: PanelSource = { checkpoints: [], runDir: null, paretoSummary: '/w/trainer/results/pareto/storm_simvp/summary.json' };
    const chosen = activePanelReportSource({ kind: 'compare', source }, true);
    assert.deepEqual(chosen, source);
    assert.ok(chosen && isCompareSource(chosen));
  });

  it('every other active panel, no active panel, or a checkpoint passed by a menu: the command picks one checkpoint as before', () => {
    for (const kind of PANEL_KINDS.filter((k) => k !== 'compare')) assert.equal(activePanelReportSource({ kind, source: { checkpoints: [a], runDir: null } }, true), null, kind);
    assert.equal(activePanelReportSource(undefined, true), null);
    assert.equal(activePanelReportSource({ kind: 'compare', source: { checkpoints: [a, b], runDir: null } }, false), null);
  });
});
