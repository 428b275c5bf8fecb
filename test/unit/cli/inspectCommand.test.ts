import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CliError, type CliIO } from '../../../src/cli/command';
import { inspectCommand } from '../../../src/cli/commands/inspect';
import { parseInputShapes } from '../../../src/cli/args/inputShapes';
import { toCsv } from '../../../src/cli/format/csv';
import { renderTable, humanCount } from '../../../src/cli/format/table';
import { contractModel, exampleContract } from '../contract/fixtures';

function capture(): CliIO & { stdout: string } {
  const io = { stdout: '', isTTY: false, out: (t: string) => { io.stdout += t; }, err: () => undefined };
  return io;
}

describe('inspect command (in process)', () => {
  const file = contractModel(JSON.stringify(exampleContract())).save();

  it('prints a readable summary with the contract and a per-layer table', async () => {
    const io = capture();
    assert.equal(await inspectCommand.run([file], io, new AbortController().signal), 0);
    assert.match(io.stdout, /Contract\s+v1 simvp\/dynapruner/);
    assert.match(io.stdout, /\/enc\.1\/Conv\s+Conv\s+1x6x33x36/);
    assert.match(io.stdout, /Prunable units \(2\): \/enc\.1\/Conv \[4\] \(unit 0\)/);
  });

  it('on a bundled checkpoint the table skips shape plumbing unless --all-nodes, and every frame of a gated conv names its unit', async () => {
    const ckpt = 'demo/checkpoints/simvp_dynapruner.onnx';
    const signal = new AbortController().signal;
    const short = capture();
    await inspectCommand.run([ckpt], short, signal);
    const all = capture();
    await inspectCommand.run([ckpt, '--all-nodes'], all, signal);
    assert.doesNotMatch(short.stdout, /\/m\/mask_gen\/Shape( \+)?\s+Shape/);
    assert.match(all.stdout, /\/m\/mask_gen\/Shape( \+)?\s+Shape/);
    assert.match(short.stdout, /Layers\s+\d+ of \d+ nodes/);
    assert.match(short.stdout, /\/m\/mask_gen\/net\/net\.0\/Conv \+\s+Conv/, 'overhead nodes are marked');
    assert.match(short.stdout, /\/m\/backbone\/enc0\/conv_1\/Conv \[16\] \(unit 0\)/);
  });

  it('--csv prints the per-layer table with one row per node', async () => {
    const io = capture();
    await inspectCommand.run([file, '--csv'], io, new AbortController().signal);
    const lines = io.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'name,op,input_shapes,output_shape,shape_source,params,macs,flops,other_ops');
    assert.equal(lines.length, 1 + 6);
    assert.match(lines[1], /^\/enc\.1\/Conv,Conv,1x6x33x36 4x6x3x3,1x4x33x36,static,216,256608,513216,0$/);
  });

  it('rejects wrong arguments with a CliError', async () => {
    const io = capture();
    const signal = new AbortController().signal;
    await assert.rejects(inspectCommand.run([], io, signal), CliError);
    await assert.rejects(inspectCommand.run([file, '--json', '--csv'], io, signal), /exclusive/);
    await assert.rejects(inspectCommand.run([file, '--input-shape', 'y=1,2'], io, signal), /model's inputs are: x/);
    await assert.rejects(inspectCommand.run([file, '--conv-transpose', 'x'], io, signal), /expected 'input' or 'onnx-tool'/);
  });
});

describe('format helpers', () => {
  it('parse --input-shape, quote CSV, align tables, humanise counts', () => {
    assert.deepEqual(parseInputShapes(['x=1,4,6,33,36']), { x: [1, 4, 6, 33, 36] });
    assert.throws(() => parseInputShapes(['x=1,a']), /NAME=D1,D2/);
    assert.equal(toCsv(['a', 'b'], [['x,y', 'q"t']]), 'a,b\n"x,y","q""t"\n');
    assert.equal(renderTable([{ header: 'n' }, { header: 'v', align: 'right' }], [['ab', '1'], ['c', '100']]), 'n     v\n--  ---\nab    1\nc   100\n');
    assert.equal(humanCount(4_090_000_000), '4.09 G');
  });
});
