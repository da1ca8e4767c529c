// Dequantize any tensor type llamats can decode to f32, and encode f32 into the types it can write. One
// table keyed by the ggml type names of ./types.ts; the tests walk it (like llama.cpp test-quantize-fns
// walks ggml_type_traits), so a type added here is tested.
import { ConfigError, NonFiniteError } from '../../util/errors.js';
import { bf16BytesToF32, f16BytesToF32, f32ToBf16Bytes, f32ToF16Bytes } from './f16.js';
import { dequantizeQ4_0, quantizeQ4_0 } from './q4_0.js';
import { dequantizeQ4_K, quantizeQ4_K } from './q4_k.js';
import { dequantizeQ6_K, quantizeQ6_K } from './q6_k.js';
import { dequantizeQ8_0, quantizeQ8_0 } from './q8_0.js';
import { GGML, ggmlType, ggmlTypeName, type GgmlTypeName } from './types.js';

interface Codec {
  toF32(bytes: Uint8Array, out: Float32Array): Float32Array;
  fromF32(x: Float32Array): Uint8Array;
  /** Block types need finite input (their scales come from max |x|); float types carry inf/NaN through. */
  finiteOnly: boolean;
}

const f32Codec: Codec = {
  toF32: (bytes, out) => {
    out.set(new Float32Array(bytes.byteOffset % 4 === 0 ? bytes.buffer : bytes.slice().buffer, bytes.byteOffset % 4 === 0 ? bytes.byteOffset : 0, out.length));
    return out;
  },
  fromF32: (x) => new Uint8Array(x.slice().buffer),
  finiteOnly: false,
};

export const CODECS: Partial<Record<GgmlTypeName, Codec>> = {
  F32: f32Codec,
  F16: { toF32: f16BytesToF32, fromF32: f32ToF16Bytes, finiteOnly: false },
  BF16: { toF32: bf16BytesToF32, fromF32: f32ToBf16Bytes, finiteOnly: false },
  Q8_0: { toF32: dequantizeQ8_0, fromF32: (x) => quantizeQ8_0(x), finiteOnly: true },
  Q4_0: { toF32: dequantizeQ4_0, fromF32: (x) => quantizeQ4_0(x), finiteOnly: true },
  Q4_K: { toF32: dequantizeQ4_K, fromF32: (x) => quantizeQ4_K(x), finiteOnly: true },
  Q6_K: { toF32: dequantizeQ6_K, fromF32: (x) => quantizeQ6_K(x), finiteOnly: true },
};

export const SUPPORTED_TYPES = Object.keys(CODECS) as GgmlTypeName[];

function codecOf(type: number, source: string): { codec: Codec; block: number; bytes: number } {
  const t = ggmlType(type);
  const codec = t && CODECS[t.name];
  if (!t || !codec) throw new ConfigError(source, 'ggml type', `one of ${SUPPORTED_TYPES.join(', ')}`, ggmlTypeName(type));
  return { codec, block: t.block, bytes: t.bytes };
}

/** Decodes `nElements` values of ggml type `type` to f32. */
export function dequantize(type: number, bytes: Uint8Array, nElements: number, source = 'dequantize'): Float32Array {
  const { codec, block, bytes: blockBytes } = codecOf(type, source);
  if (nElements % block !== 0 || bytes.byteLength !== (nElements / block) * blockBytes) {
    throw new ConfigError(source, 'byte length', `${(nElements / block) * blockBytes} bytes for ${nElements} ${ggmlTypeName(type)} values (a multiple of ${block})`, String(bytes.byteLength));
  }
  return codec.toF32(bytes, new Float32Array(nElements));
}

/** Encodes f32 values as ggml type `type` (rows must already be whole blocks). */
export function quantize(type: number, x: Float32Array, source = 'quantize'): Uint8Array {
  const { codec, block } = codecOf(type, source);
  if (x.length % block !== 0) throw new ConfigError(source, 'element count', `a multiple of ${block} (${ggmlTypeName(type)} block)`, String(x.length));
  if (codec.finiteOnly) {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]!)) throw new NonFiniteError(`${source}: value ${i} is ${x[i]}; ${ggmlTypeName(type)} needs finite values`);
    }
  }
  return codec.fromF32(x);
}

export const isQuantized = (type: number): boolean => (ggmlType(type)?.block ?? 1) > 1;
export { GGML };
