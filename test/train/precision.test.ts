// matmulPrecision 'bf16' (mixed precision on AMX): the same run as float32 to within bf16 rounding, and really
// in bf16 where the CPU has AMX (the losses differ from float32's in the low bits), float32 again afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeAddon } from '../../src/tensor/native.js';
import { parseTrainConfig } from '../../src/train/config.js';
import { pretrain } from '../../src/train/pretrain.js';
import { matmulSettings } from '../../src/tensor/native-kernels.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

const run = (matmulPrecision: 'f32' | 'bf16') =>
  pretrain(parseTrainConfig(tinyRunConfig(tmpRun(`precision-${matmulPrecision}`), {
    matmulPrecision,
    // Products of 4 × 64 rows: the GEMM path, where bf16 applies (decode-sized products stay float32).
    stages: [{ fromStep: 0, seqLen: 64, batchSize: 4 }],
    schedule: { steps: 8, warmupSteps: 2, annealSteps: 2 },
  }), 'precision'), { quiet: true });

test('matmulPrecision bf16 trains like float32 to within bf16 rounding, and is reset afterwards', () => {
  const f32 = run('f32'), bf16 = run('bf16');
  assert.ok(f32.valLoss !== null && bf16.valLoss !== null);
  assert.ok(Math.abs(bf16.valLoss - f32.valLoss) < 0.02 * f32.valLoss, `${bf16.valLoss} vs ${f32.valLoss}`);
  const amx = (nativeAddon() as { matmulBf16?: boolean } | null)?.matmulBf16 === true;
  if (amx) assert.notEqual(bf16.valLoss, f32.valLoss, 'with AMX the products were rounded to bf16');
  else assert.equal(bf16.valLoss, f32.valLoss, 'without AMX bf16 falls back to float32 exactly');
  assert.equal(matmulSettings.precision, undefined);
  assert.equal(run('f32').valLoss, f32.valLoss, 'float32 again after a bf16 run');
});
