// Argument checks shared by the reference kernels. They throw RangeError, as the native bindings do
// (native/napi_util.h), so both backends reject the same bad calls instead of reading past an array.

export function checkDim(op: string, name: string, v: number, min = 0): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${op}: ${name}: expected an integer ≥ ${min}, got ${v}`);
}

export function checkLen(op: string, name: string, a: ArrayLike<number> | null, need: number): void {
  if (a === null) throw new RangeError(`${op}: ${name}: expected an array of ${need} elements, got null`);
  if (a.length < need) throw new RangeError(`${op}: ${name}: has ${a.length} elements, needs ${need}`);
}
