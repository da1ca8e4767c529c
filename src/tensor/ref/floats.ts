// The reference kernels accept Float64Array wherever the contract says Float32Array: the backward passes are
// checked against central finite differences, which need float64 inputs to mean anything (an f32 perturbation
// of 1e-6 is lost in rounding). Every kernel computes in float64; only the stores round when arrays are f32.
export type Floats = Float32Array | Float64Array;
