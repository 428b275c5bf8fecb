/**
 * A checkpoint whose contract is invalid (normalisation std 0): the CLI's
 * inspection fails naming the file and the key; VS Code's (`invalidContract:
 * 'report'`) inspects it as a plain ONNX model and says why, so the Overview
 * opens any .onnx.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectModel } from '../../../src/core/inspect/inspect';
import { decodeModelProto, encodeModelProto } from '../../../src/core/onnx/proto';

const CKPT = path.resolve(import.meta.dirname, '..', '..', '..', 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
let dir = '';
let file = '';

describe('inspect of a checkpoint with an invalid contract', () => {
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-invalid-contract-'));
    file = path.join(dir, 'std0.onnx');
    const model = decodeModelProto(readFileSync(CKPT));
    const entry = model.metadata_props!.find((p) => p.key === 'dynapruner')!;
    const contract = JSON.parse(entry.value!);
    contract.normalization.std[0] = 0;
    entry.value = JSON.stringify(contract);
    writeFileSync(file, encodeModelProto(model));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('throws by default, naming the file and the key', async () => {
    await assert.rejects(inspectModel(file), (e: Error) => e.message.includes(file) && e.message.includes('normalization.std'));
  });

  it("with invalidContract 'report' shows the structure and says why the contract was set aside", async () => {
    const report = await inspectModel(file, { invalidContract: 'report' });
    assert.equal(report.contract, null);
    assert.match(report.contractError ?? '', /normalization\.std/);
    assert.ok(report.totals.macs > 0 && report.layers.length > 0);
    const valid = await inspectModel(CKPT, { invalidContract: 'report' });
    assert.equal(valid.contractError, null);
    assert.ok(valid.contract);
  });
});
