// Backend selection: native when the addon loads, the TypeScript reference under LLAMATS_BACKEND=ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { backendName, kernels, refKernels, setThreads } from '../../src/tensor/backend.js';
import { nativeAddon } from '../../src/tensor/native.js';

test('kernels() is the native backend when the addon loads, else the reference', () => {
  const addon = nativeAddon();
  if (addon) assert.equal(backendName(), `native/${addon.info().isa}`);
  else assert.equal(kernels(), refKernels);
  assert.equal(kernels(), kernels(), 'chosen once');
});

test('setThreads validates its argument and reports the pool size', () => {
  assert.throws(() => setThreads(0), RangeError);
  const addon = nativeAddon();
  if (!addon) return assert.equal(setThreads(2), 1);
  const before = addon.info().threads;
  assert.equal(setThreads(1), 1);
  assert.equal(setThreads(before), before);
});

test('LLAMATS_BACKEND=ts forces the TypeScript reference', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, LLAMATS_BACKEND: 'ts' };
  delete env.NODE_TEST_CONTEXT;
  const url = new URL('../../src/tensor/backend.js', import.meta.url).href;
  const script = `import(${JSON.stringify(url)}).then((m) => process.stdout.write(m.backendName()))`;
  const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ts');
});
