// Runs quant-matmul.test.ts again on the narrower instruction sets this CPU also has (LLAMATS_ISA=avx2, scalar),
// so the AVX2 and scalar quantized kernels are checked against the TypeScript oracles too, not only the widest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { nativeAddon } from '../../src/tensor/native.js';

const addon = nativeAddon();
const isa = addon?.info().isa;
const narrower = isa === 'avx512' ? ['avx2', 'scalar'] : isa === 'avx2' ? ['scalar'] : [];
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

for (const [name, want] of narrower.flatMap((w) => [['quant-matmul', w], ['quant-packed', w]] as const)) {
  const file = fileURLToPath(new URL(`./${name}.test${ext}`, import.meta.url));
  const title = name === 'quant-matmul' ? 'quantized matmul' : 'packed quantized matmul';
  test(`${name} with LLAMATS_ISA=${want} against the TypeScript oracles`, () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LLAMATS_ISA: want };
    delete env.NODE_TEST_CONTEXT; // else the child believes it runs inside this test and skips its own
    const r = spawnSync(process.execPath, [...process.execArgv, file], { env, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    assert.match(out, new RegExp(`${title} \\(${want}\\)`), `the child did not run on ${want}:\n${out.slice(-2000)}`);
    assert.equal(r.status, 0, out.split('\n').filter((l) => /not ok|error|native|scheme|exact/.test(l)).slice(0, 30).join('\n'));
  });
}
