/** Node options of bundled workers: the parent's, without a TypeScript loader. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledWorkerExecArgv } from '../../../src/extension/engine/workerBoot';

describe('bundledWorkerExecArgv', () => {
  it('drops tsx given by --import, --require, -r or --loader, as two words or with =', () => {
    assert.deepEqual(bundledWorkerExecArgv(['--import', 'tsx']), []);
    assert.deepEqual(bundledWorkerExecArgv(['--require', 'tsx/cjs', '--max-old-space-size=4096']), ['--max-old-space-size=4096']);
    assert.deepEqual(bundledWorkerExecArgv(['-r', '/w/node_modules/tsx/dist/cjs/index.cjs']), []);
    assert.deepEqual(bundledWorkerExecArgv(['--loader=tsx', '--import=file:///w/node_modules/tsx/dist/esm/index.mjs']), []);
  });

  it('keeps every other option, other loaders included', () => {
    const argv = ['--inspect-port=0', '--import', './register-hooks.mjs', '--require', 'ts-node/register', '--enable-source-maps', '--import', 'tsxlike'];
    assert.deepEqual(bundledWorkerExecArgv(argv), argv);
  });

  it('reads process.execArgv by default', () => {
    assert.deepEqual(bundledWorkerExecArgv(), bundledWorkerExecArgv(process.execArgv));
  });
});
