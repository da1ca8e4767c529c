// safetensors writer: the layout the reference implementation writes (`serialize_to_file`): u64-LE header
// length, the JSON header padded with spaces to a multiple of 8 so the data is aligned, then each tensor's
// bytes in header order. `__metadata__ = {format: "pt"}` is what transformers' `from_pretrained` requires.
// Streams to a temporary file and renames (atomic); tensor bytes may be produced lazily.
import { ConfigError } from '../../util/errors.js';
import { writeFileStreamingAtomic } from '../atomic-file.js';
import { ST_DTYPE_BYTES } from './dtypes.js';

export interface SafetensorsTensorToWrite {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array | (() => Uint8Array);
}

export function safetensorsHeader(tensors: readonly SafetensorsTensorToWrite[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const size = ST_DTYPE_BYTES[t.dtype];
    if (size === undefined) throw new ConfigError('writeSafetensors', `tensor "${t.name}" dtype`, 'a safetensors dtype', t.dtype);
    if (t.name in header) throw new ConfigError('writeSafetensors', `tensor "${t.name}"`, 'each name once', 'a duplicate');
    const bytes = t.shape.reduce((a, b) => a * b, size);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / 8) * 8, 0x20);
  json.copy(padded);
  const out = Buffer.alloc(8 + padded.length);
  out.writeBigUInt64LE(BigInt(padded.length), 0);
  padded.copy(out, 8);
  return out;
}

export function writeSafetensors(path: string, tensors: readonly SafetensorsTensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): void {
  const header = safetensorsHeader(tensors, metadata);
  writeFileStreamingAtomic(path, (write) => {
    write(header);
    for (const t of tensors) {
      const data = typeof t.data === 'function' ? t.data() : t.data;
      const want = t.shape.reduce((a, b) => a * b, ST_DTYPE_BYTES[t.dtype]!);
      if (data.byteLength !== want) throw new ConfigError(`writeSafetensors ${path}`, `tensor "${t.name}" data`, `${want} bytes`, String(data.byteLength));
      write(data);
    }
  });
}
