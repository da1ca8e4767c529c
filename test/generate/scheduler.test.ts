// The continuous-batching scheduler's bookkeeping: KV memory budget respected (work waits, never fails), a
// request that alone exceeds it is refused up front, cancelled work frees its caches, caches are reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type Job } from '../../src/generate/scheduler.js';
import { generateOptions } from '../../src/generate/options.js';
import { ConfigError } from '../../src/util/errors.js';
import { llama2Tokenizer, tinyDecoder } from './fixtures.js';

const tok = llama2Tokenizer();
const decoder = tinyDecoder(tok.vocabSize, 6, { maxSeqLen: 512 });
const prompt = tok.encode('Hello there', { bos: true });
/** Bytes of one cache of up to 256 positions. */
const C = 2 * 2 * 2 * 8 * 4 * 256;

function job(maxTokens: number, n = 1): Job & { finished: number } {
  const j = {
    prompt, options: generateOptions({ temperature: 1, maxTokens, stopIds: [], seed: 1 }), n, finished: 0,
    onStep(_i: number, s: { finishReason: string | null }) { if (s.finishReason) j.finished++; },
  };
  return j;
}

test('the KV budget caps how many sequences run at once; the rest wait and all finish', () => {
  // One cache of ≤ 256 positions: 2 layers × 2 KV heads × 8 × 4 bytes × 2 × 256 = 32 KiB.
  const s = new Scheduler(decoder, tok, { maxBatch: 64, contextLength: 512, prefillChunk: 512, maxKvBytes: 2 * C });
  assert.equal(s.pool.bytesFor(100), C);
  const jobs = Array.from({ length: 5 }, () => job(20));
  for (const j of jobs) s.add(j);
  let peak = 0;
  while (!s.idle) {
    s.step();
    peak = Math.max(peak, s.load.running);
  }
  assert.equal(peak, 2);
  assert.deepEqual(jobs.map((j) => j.finished), [1, 1, 1, 1, 1]);
});

test('a request that alone needs more KV memory than the budget is refused with the numbers', () => {
  const s = new Scheduler(decoder, tok, { maxBatch: 64, contextLength: 512, prefillChunk: 512, maxKvBytes: C });
  assert.throws(() => s.add(job(20, 2)), (e: unknown) => e instanceof ConfigError && /2 × /.test(e.message));
  assert.throws(() => s.add(job(400)), ConfigError);
  s.add(job(20));
});

test('cancelled work gives its caches back, and finished caches are reused rather than reallocated', () => {
  const s = new Scheduler(decoder, tok, { maxBatch: 8, contextLength: 512, prefillChunk: 512, maxKvBytes: 4 * C });
  let cancel = false;
  const a = { ...job(100, 4), cancelled: () => cancel };
  s.add(a);
  s.step();
  s.step();
  assert.equal(s.load.running, 4);
  assert.equal(s.pool.fits(100), false);
  cancel = true;
  s.step();
  assert.equal(s.load.running, 0);
  assert.equal(s.pool.fits(100, 4), true);
  assert.equal(s.pool.idleBytes, 4 * C);
  const b = job(10, 4);
  s.add(b);
  while (!s.idle) s.step();
  assert.equal(b.finished, 4);
  assert.equal(s.pool.idleBytes, 4 * C); // the same four caches, nothing new allocated
});
