// A growable little-endian byte buffer for building file headers (GGUF metadata with 280K merges is ~8 MB).
// Each method reserves first and reads this.buf after: reserve() may replace the buffer.
export class ByteWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.buf.byteLength) {
      const next = Buffer.allocUnsafe(Math.max(2 * this.buf.byteLength, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): void { const at = this.reserve(1); this.buf.writeUInt8(v, at); }
  i8(v: number): void { const at = this.reserve(1); this.buf.writeInt8(v, at); }
  u16(v: number): void { const at = this.reserve(2); this.buf.writeUInt16LE(v, at); }
  i16(v: number): void { const at = this.reserve(2); this.buf.writeInt16LE(v, at); }
  u32(v: number): void { const at = this.reserve(4); this.buf.writeUInt32LE(v, at); }
  i32(v: number): void { const at = this.reserve(4); this.buf.writeInt32LE(v, at); }
  f32(v: number): void { const at = this.reserve(4); this.buf.writeFloatLE(v, at); }
  f64(v: number): void { const at = this.reserve(8); this.buf.writeDoubleLE(v, at); }
  u64(v: bigint | number): void { const at = this.reserve(8); this.buf.writeBigUInt64LE(BigInt(v), at); }
  i64(v: bigint): void { const at = this.reserve(8); this.buf.writeBigInt64LE(v, at); }

  bytes(b: Uint8Array): void {
    const at = this.reserve(b.byteLength);
    this.buf.set(b, at);
  }

  /** A u64 byte length followed by the UTF-8 bytes (the GGUF string encoding). */
  lengthPrefixedUtf8(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.u64(n);
    const at = this.reserve(n);
    this.buf.write(s, at, n, 'utf8');
  }

  zeros(n: number): void {
    const at = this.reserve(n);
    this.buf.fill(0, at, at + n);
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
