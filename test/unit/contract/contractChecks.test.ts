/**
 * Contract values checked against themselves (parseContract) and against the
 * graph (openCheckpoint on copies of the bundled checkpoint): one message per
 * problem naming the file, the key, what was expected and what was found.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openCheckpoint } from '../../../src/core/checkpoint/checkpoint';
import { parseContract } from '../../../src/core/contract/contract';
import { contractValueProblems } from '../../../src/core/contract/contractValues';
import { withContract, type ContractEdit } from '../../fixtures/hostile/checkpointMutants';
import { checkpoint } from '../../helpers/engineFixtures';
import { exampleContract } from './fixtures';

function messageOf(edit: (c: Record<string, unknown>) => void): string {
  const c = exampleContract();
  edit(c);
  try {
    parseContract(JSON.stringify(c), 'ckpt.onnx');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

const norm = (c: Record<string, unknown>) => c.normalization as { mean: number[]; std: number[] };
const units = (c: Record<string, unknown>) => c.units as { channels: number }[];
const dataset = (c: Record<string, unknown>) => c.dataset as Record<string, unknown>;

describe('contract values', () => {
  const cases: [string, (c: Record<string, unknown>) => void, string][] = [
    ['grid 0', (c) => void (c.grid = [0, 36]), "key 'grid[0]' is 0, expected an integer from 1 to 16384"],
    ['grid -33', (c) => void (c.grid = [-33, 36]), "key 'grid[0]' is -33"],
    ['grid 33.5', (c) => void (c.grid = [33, 33.5]), "key 'grid[1]' is 33.5"],
    ['t_in 0', (c) => void (c.t_in = 0), "key 't_in' is 0, expected an integer from 1 to 1000"],
    ['t_in 1e9', (c) => void (c.t_in = 1e9), "key 't_in' is 1000000000"],
    ['t_out 0', (c) => void (c.t_out = 0), "key 't_out' is 0"],
    ['std 0', (c) => void (norm(c).std[2] = 0), "key 'normalization.std[2]' is 0, expected a finite number > 0"],
    ['negative std', (c) => void (norm(c).std[0] = -2), "key 'normalization.std[0]' is -2"],
    ['s_w 5', (c) => void ((c.targets as Record<string, number>).s_w = 5), "key 'targets.s_w' is 5, expected a number from 0 to 1"],
    ['s_d -1', (c) => void ((c.targets as Record<string, number>).s_d = -1), "key 'targets.s_d' is -1"],
    ['data_threshold 1.5', (c) => void (c.data_threshold = 1.5), "key 'data_threshold' is 1.5"],
    ['unit channels -1', (c) => void (units(c)[0].channels = -1), "key 'units[0].channels' is -1, expected an integer from 1"],
    ['fractional split', (c) => void (dataset(c).test = [48, 63.5]), "key 'dataset.test[1]' is 63.5, expected a whole time step >= 0"],
    ['negative split', (c) => void (dataset(c).train = [-1, 40]), "key 'dataset.train[0]' is -1"],
    ['empty split', (c) => void (dataset(c).val = [40, 40]), "key 'dataset.val' is [40,40], expected [start, end) with start < end"],
    ['no channels', (c) => { c.channels = []; c.normalization = { mean: [], std: [] }; }, "key 'channels' is [], expected at least one channel name"],
    ['duplicate channel', (c) => void (c.channels = ['p', 't', 'u', 'v', 'U', 'v500']), "key 'channels[4]' is \"U\", expected a name not used by another channel"],
  ];
  for (const [what, edit, expected] of cases) {
    it(`${what}: refused naming the file and the key`, () => {
      const m = messageOf(edit);
      assert.ok(m.startsWith('ckpt.onnx: dynapruner metadata: '), m);
      assert.ok(m.includes(expected), m);
    });
  }

  it('a non-finite mean (1e999 in the JSON) is refused', () => {
    const text = JSON.stringify(exampleContract()).replace('"mean":[0,', '"mean":[1e999,');
    assert.throws(() => parseContract(text, 'ckpt.onnx'), /key 'normalization\.mean\[0\]' is Infinity, expected a finite number/);
  });

  it('several problems: the first is named, with how many more', () => {
    const c = exampleContract();
    c.t_in = 0;
    c.grid = [0, 0];
    assert.equal(contractValueProblems(parseLoose(c)).length, 3);
    assert.match(messageOf((o) => Object.assign(o, { t_in: 0, grid: [0, 0] })), /key 't_in' is 0, .* \(and 2 more: grid\[0\], grid\[1\]\)/);
  });

  it('the spec example is valid', () => {
    assert.deepEqual(contractValueProblems(parseContract(JSON.stringify(exampleContract()), 'ok.onnx')), []);
  });
});

/** The contract object typed as parsed, without running the checks (to count its problems). */
function parseLoose(c: Record<string, unknown>): ReturnType<typeof parseContract> {
  return c as unknown as ReturnType<typeof parseContract>;
}

describe('contract against the graph', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-contract-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const mutant = (name: string, edit: ContractEdit) => withContract(checkpoint('simvp_dynapruner'), path.join(dir, `${name}.onnx`), edit);

  it('a grid that differs from the input x is named as the contract key, not as an --input-shape', async () => {
    const file = mutant('grid', (c) => void (c.grid = [34, 36]));
    await assert.rejects(openCheckpoint(file), (e: Error) => {
      assert.equal(e.message, `${file}: dynapruner metadata: key 'grid' is [34, 36], but the graph's input x is [N, 4, 6, 33, 36]`);
      return true;
    });
  });

  it('t_in and the channel count are checked against x; t_out against the prediction', async () => {
    await assert.rejects(openCheckpoint(mutant('tin', (c) => void (c.t_in = 3))), /key 't_in' is 3, but the graph's input x is \[N, 4, 6, 33, 36\]/);
    await assert.rejects(openCheckpoint(mutant('tout', (c) => void (c.t_out = 5))), /key 't_out' is 5, but the graph's output prediction is \[1, 4, 6, 33, 36\]/);
  });

  it("a unit's channel count that differs from its gate tensors is refused", async () => {
    const file = mutant('unit', (c) => void ((c.units as { channels: number }[])[2].channels = 63));
    await assert.rejects(openCheckpoint(file), /key 'units\[2\]\.channels' is 63, but the unit's mask tensor 'dp_gate_mask_2' is \[1, 64\]/);
  });

  it('the bundled checkpoint passes every check', async () => {
    const ck = await openCheckpoint(checkpoint('simvp_dynapruner'));
    assert.equal(ck.spec.source, ck.file);
    assert.equal(ck.gateTensors.length, 7);
  });
});
