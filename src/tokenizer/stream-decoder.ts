// Streaming detokenization for generation: each pushed token returns only complete UTF-8 text. A character that
// byte-fallback tokens (Llama 2 `<0xF0><0x9F><0xA6><0x99>`) or byte-level tokens (Llama 3) split over several
// tokens is held until its last byte arrives; the WHATWG decoder in streaming mode does exactly that.
import type { StreamDecoder } from './types.js';

export class Utf8StreamDecoder implements StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /** `bytesOf(id)` gives the bytes a token adds to the text (it may keep state, e.g. Llama 2's leading space). */
  constructor(private readonly bytesOf: (id: number) => Uint8Array) {}

  push(id: number): string {
    return this.decoder.decode(this.bytesOf(id), { stream: true });
  }

  flush(): string {
    return this.decoder.decode();
  }
}
