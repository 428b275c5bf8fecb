/**
 * Collects an analysis as it streams in (`analysisStart`, then batches of
 * `analysisSamples`, then the full `analysis`), and decodes sample maps once
 * (cached) so scrubbing a slider does not re-decode base64.
 */
import { decodeF32 } from '../../src/core/schema/encoding';
import type { Analysis, EncodedArray, SampleAnalysis, DatasetAggregates } from '../../src/core/schema/results';
import type { AnalysisStart, ToWebview } from '../../src/shared/protocol';

/** The analysis so far (`total`: samples expected in total). */
export interface AnalysisView extends AnalysisStart {
  samples: SampleAnalysis[];
  /** Present once the job finished (or a saved run was opened). */
  aggregates: DatasetAggregates | null;
}

/** Accumulates analysis messages. */
export class AnalysisStore {
  view: AnalysisView | null = null;
  private readonly decoded = new WeakMap<EncodedArray, Float32Array>();

  /** Applies a message; returns true when the view changed. */
  apply(m: ToWebview): boolean {
    switch (m.type) {
      case 'analysisStart':
        this.view = { model: m.model, data: m.data, layers: m.layers, units: m.units, denseMacs: m.denseMacs, total: m.total, samples: [], aggregates: null };
        return true;
      case 'analysisSamples':
        if (!this.view) return false;
        this.view.samples.push(...m.samples);
        this.view.samples.sort((a, b) => a.index - b.index);
        return true;
      case 'analysis':
        this.view = fromAnalysis(m.analysis);
        return true;
      default:
        return false;
    }
  }

  /** Decoded values of an encoded array (cached per array object). */
  values(a: EncodedArray): Float32Array {
    let v = this.decoded.get(a);
    if (!v) {
      v = decodeF32(a);
      this.decoded.set(a, v);
    }
    return v;
  }
}

function fromAnalysis(a: Analysis): AnalysisView {
  return { model: a.model, data: a.data, layers: a.layers, units: a.units, denseMacs: a.denseMacs, total: a.samples.length, samples: a.samples, aggregates: a.aggregates };
}
