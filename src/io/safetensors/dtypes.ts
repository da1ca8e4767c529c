// safetensors dtypes (huggingface/safetensors `Dtype`) with their element sizes, and the three that hold
// Llama weights mapped to ggml types. Others parse (so a file with an I64 buffer is still readable) but
// cannot be loaded as weights.
import { GGML } from '../quant/types.js';

export const ST_DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

export type FloatDtype = 'F32' | 'F16' | 'BF16';

export const DTYPE_TO_GGML: Record<FloatDtype, number> = { F32: GGML.F32.id, F16: GGML.F16.id, BF16: GGML.BF16.id };

export function ggmlToDtype(ggmlType: number): FloatDtype | undefined {
  return (Object.keys(DTYPE_TO_GGML) as FloatDtype[]).find((d) => DTYPE_TO_GGML[d] === ggmlType);
}

/** transformers' `torch_dtype` names in config.json. */
export const TORCH_DTYPE: Record<FloatDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };
