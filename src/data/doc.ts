// The unit the data pipeline works on: one document of one domain from one source. Every loader produces
// Docs and every filter takes and returns Docs, so any source (bundled corpora, a user's folder, the synthetic
// world of src/align/world) flows through the same filters, mix and packer.

/** The domains of the Llama 3 data mix (§3.1.2); other names are allowed and mixed by their weights. */
export type Domain = 'general' | 'reasoning' | 'code' | 'multilingual' | (string & {});

export interface Doc {
  /** Unique within a corpus, stable across runs (e.g. "moby-dick/chapter-12"). */
  id: string;
  domain: Domain;
  /** Where it came from (e.g. "sotu", "spam-assassin/spam-2", "folder:/data/notes"). */
  source: string;
  text: string;
  meta?: Record<string, unknown>;
}

/** Counts tokens of a text; the pipeline takes the real tokenizer's count when one exists. */
export type CountTokens = (text: string) => number;

/** A cheap stand-in for a tokenizer: about 4 UTF-8 bytes per token, the usual figure for English under a
 * 32K–128K BPE vocabulary (Llama 3 §3.2: 3.94 characters per token on English). */
export const estimateTokens: CountTokens = (text) => Math.ceil(Buffer.byteLength(text, 'utf8') / 4);

/** Words as the filters see them: maximal runs of non-space characters. */
export const splitWords = (text: string): string[] => text.split(/\s+/).filter((w) => w.length > 0);
