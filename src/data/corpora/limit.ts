// Selecting a reproducible subset of a source: every loader takes `limit` so that tests and quick runs read
// a few documents, and the same limit always yields the same documents (the first ones in a sorted order).

export interface SourceOptions {
  /** Keep at most this many documents (the first in the source's natural order). */
  limit?: number;
}

export function takeLimit<T>(items: readonly T[], limit: number | undefined): T[] {
  return limit === undefined ? [...items] : items.slice(0, Math.max(0, limit));
}
