// The Q/K row permutation between Meta/GGUF order and Hugging Face order (recipe §2). Meta's RoPE rotates
// adjacent pairs (2i, 2i+1); HF's `rotate_half` rotates (i, i + hd/2), so HF's converter
// (`convert_llama_weights_to_hf.py` `permute`) reorders the rows of Wq (n = H heads) and Wk (n = K heads):
//   HF row h·hd + j·hd/2 + i  =  Meta row h·hd + 2i + j      (i < hd/2, j ∈ {0, 1})
// and llama.cpp's `LlamaModel.permute` undoes it when converting HF → GGUF. It only moves whole rows, so it
// works on raw bytes of any ggml type (rows are whole blocks) and is exactly invertible.
import { ShapeError } from '../../util/errors.js';

function permuteRows(data: Uint8Array, nHeads: number, headDim: number, rowBytes: number, toHf: boolean): Uint8Array {
  if (data.byteLength !== nHeads * headDim * rowBytes || headDim % 2 !== 0) {
    throw new ShapeError('permuteQK', 'bytes', `${nHeads}·${headDim} rows of ${rowBytes} bytes (even head dim)`, `${data.byteLength} bytes`);
  }
  const out = new Uint8Array(data.byteLength);
  const half = headDim / 2;
  for (let h = 0; h < nHeads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const hf = h * headDim + j * half + i;
        const meta = h * headDim + 2 * i + j;
        const [dst, src] = toHf ? [hf, meta] : [meta, hf];
        out.set(data.subarray(src * rowBytes, (src + 1) * rowBytes), dst * rowBytes);
      }
    }
  }
  return out;
}

/** Meta/GGUF → HF (HF converter `permute`). */
export const metaToHfRows = (data: Uint8Array, nHeads: number, headDim: number, rowBytes: number): Uint8Array =>
  permuteRows(data, nHeads, headDim, rowBytes, true);

/** HF → Meta/GGUF (llama.cpp `LlamaModel.permute`). */
export const hfToMetaRows = (data: Uint8Array, nHeads: number, headDim: number, rowBytes: number): Uint8Array =>
  permuteRows(data, nHeads, headDim, rowBytes, false);
