/**
 * The channel-gathering executor (`src/core/graph/channelGather.ts`, the
 * `sparse` export) of every bundled checkpoint, run one storm test window at
 * a time (batch 1): its prediction equals the checkpoint's within 1e-4 on
 * every window; on the gated checkpoints it gathers convs (the rewrite is not
 * a no-op) and leaves no gate Mul of a gathered conv; a batch of 2 is refused
 * by the graph instead of mixing samples.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { openCheckpoint, PREDICTION } from '../../src/core/checkpoint/checkpoint';
import { gatherGatedChannels } from '../../src/core/graph/channelGather';
import { encodeModelProto } from '../../src/core/onnx/proto';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { parseNpy } from '../../src/core/samples/npy';
import { ALL_CHECKPOINTS, checkpoint, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
after(() => pool.close());

describe('channel-gathering executor (sparse)', () => {
  for (const name of ALL_CHECKPOINTS) {
    test(`${name}: equals the checkpoint on every window (1e-4)`, async () => {
      const ck = await openCheckpoint(checkpoint(name));
      const { model, report } = gatherGatedChannels(ck);
      const key = `gather:${name}`;
      pool.register(key, encodeModelProto(model));
      const npy = parseNpy(await readFile(STORM_TEST_INPUTS), 'inputs');
      const per = npy.data.length / npy.shape[0];
      const runner = new ModelRunner(ck, pool);
      const want = (await runner.full(npy.data, npy.shape[0])).prediction;
      const yi = want.length / npy.shape[0];
      let worst = 0;
      for (let k = 0; k < npy.shape[0]; k++) {
        const x = npy.data.slice(k * per, (k + 1) * per);
        const got = (await pool.run(key, { x: { data: x, dims: [1, ...npy.shape.slice(1)] } }, [PREDICTION]))[PREDICTION].data;
        for (let i = 0; i < yi; i++) worst = Math.max(worst, Math.abs(got[i] - want[k * yi + i]));
      }
      assert.ok(worst <= 1e-4, `max |sparse - checkpoint| = ${worst}`);
      if (ck.gateTensors.length > 0) {
        assert.ok(report.gathered.length > 0, `gathered convs (dense: ${JSON.stringify(report.dense)})`);
        await assert.rejects(pool.run(key, { x: { data: npy.data.slice(0, 2 * per), dims: [2, ...npy.shape.slice(1)] } }, [PREDICTION]));
      }
    });
  }
});
