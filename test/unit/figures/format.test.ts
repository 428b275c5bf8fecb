/** The one number formatter of panels, figures and report. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeVsBackbone, denseBackboneMacs, formatCount, formatMacs, formatPercent, formatSi, formatSig, formatValue } from '../../../src/core/figures/format';
import { baseLayout, LIGHT_THEME } from '../../../src/core/figures/types';

describe('format', () => {
  it('significant digits keep their trailing zeros, so neighbours line up', () => {
    assert.equal(formatSig(0.05499, 3), '0.0550');
    assert.equal(formatSig(0.0213, 3), '0.0213');
    assert.equal(formatSig(24.8126, 4), '24.81');
    assert.equal(formatSig(123456.7, 4), '123,457');
    assert.equal(formatSig(null), '–');
  });

  it('raw integers get separators or SI prefixes', () => {
    assert.equal(formatCount(21300000), '21,300,000');
    assert.equal(formatSi(11280384, 'MACs'), '11.3 MMACs');
    assert.equal(formatSi(96, 'MACs'), '96 MACs');
    assert.equal(formatSi(474036, 'MACs', { prefix: 'M', factor: 1e6 }), '0.474 MMACs', 'one prefix for a whole column');
  });

  it('MACs take their prefix from their magnitude: the sidebar and the Overview print the same', () => {
    assert.equal(formatMacs(59_400_000), '59.4 MMACs');
    assert.equal(formatMacs(1.81e9), '1.81 GMACs');
    assert.equal(formatMacs(59_400_000, 'FLOPs'), '119 MFLOPs');
  });

  it('reductions are against the dense backbone (overhead layers excluded from the denominator)', () => {
    const a = { denseMacs: 59.4e6, layers: [{ denseMacs: 4.4e6, overhead: true }, { denseMacs: 55e6, overhead: false }] };
    assert.equal(denseBackboneMacs(a), 55e6);
    assert.equal(formatPercent(changeVsBackbone(21.3e6, denseBackboneMacs(a)), 1, true), '-61.3%');
    assert.equal(formatPercent(0.041, 1, true), '+4.1%');
  });

  it('Training values: strings without JSON quotes, numbers formatted', () => {
    assert.equal(formatValue('l1'), 'l1');
    assert.equal(formatValue(21300000), '21,300,000');
    assert.equal(formatValue(0.000312345), '0.0003123');
    assert.equal(formatValue([0.1, 0.4]), '0.1, 0.4');
    assert.equal(formatValue(true), 'yes');
  });

  it('every figure axis hovers with 4 significant digits unless it says otherwise', () => {
    const layout = baseLayout(LIGHT_THEME, 't', { xaxis: { title: { text: 'x' } }, yaxis2: { hoverformat: '.2f' } });
    assert.equal((layout.xaxis as { hoverformat: string }).hoverformat, '.4~g');
    assert.equal((layout.yaxis as { hoverformat: string }).hoverformat, '.4~g');
    assert.equal((layout.yaxis2 as { hoverformat: string }).hoverformat, '.2f');
  });
});
