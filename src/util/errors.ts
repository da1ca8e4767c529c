// Typed errors. Every message names the file (when there is one), the field and what was expected, so that a
// user can fix the input without reading our code. Only src/cli/ turns these into exit codes.

export class LlamatsError extends Error {
  override name = 'LlamatsError';
}

/** A file that is truncated, corrupt, hostile or of the wrong kind. */
export class FileFormatError extends LlamatsError {
  override name = 'FileFormatError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(`${file}: ${field}: expected ${expected}${got === undefined ? '' : `, got ${got}`}`);
  }
}

/** A configuration object (JSON file, CLI flags, HTTP body) with a bad or missing field. */
export class ConfigError extends LlamatsError {
  override name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(`${source}: ${field}: expected ${expected}${got === undefined ? '' : `, got ${got}`}`);
  }
}

/** Tensors whose shapes do not fit the operation. */
export class ShapeError extends LlamatsError {
  override name = 'ShapeError';
  constructor(op: string, what: string, expected: readonly number[] | string, got: readonly number[] | string) {
    const fmt = (s: readonly number[] | string) => (typeof s === 'string' ? s : `[${s.join(', ')}]`);
    super(`${op}: ${what}: expected ${fmt(expected)}, got ${fmt(got)}`);
  }
}

/** A numerical failure (NaN/Inf) detected during training or inference. */
export class NonFiniteError extends LlamatsError {
  override name = 'NonFiniteError';
}

/** Throws a ShapeError unless `cond` holds. */
export function checkShape(cond: boolean, op: string, what: string, expected: readonly number[] | string, got: readonly number[] | string): asserts cond {
  if (!cond) throw new ShapeError(op, what, expected, got);
}
