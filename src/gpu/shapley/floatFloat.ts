/**
 * Float-float ("double-single") arithmetic: a number carried as an unevaluated sum hi + lo of two
 * f32, |lo| ≤ ulp(hi)/2, which gives ~48 significant bits where WGSL has no f64. The kernels keep
 * coalition values this way so that a difference v(S ∪ i) − v(S) of two large, close values is
 * not lost to f32 rounding, and accumulate sums this way so that long sums keep their precision.
 *
 * The error-free transformations (Knuth's TwoSum, Dekker's Fast2Sum) need IEEE round-to-nearest
 * f32 addition evaluated as written. WGSL does not let implementations reassociate floating-point
 * expressions, and Dawn's backends (SPIR-V for Vulkan, MSL with fast math off, HLSL) keep them
 * as written; the tests check the resulting precision on SwiftShader, and a driver that broke the
 * transformations would show up there as f32-sized errors.
 *
 * Host side: values are scaled by a power of two (exact in float64) so that the largest has
 * magnitude in [0.5, 1): then no value overflows f32 and none loses the low word to underflow
 * unless it is ~2^-100 times smaller than the largest, where its absolute error is negligible.
 */

export const FLOAT_FLOAT_WGSL = /* wgsl */ `
// s + e = a + b exactly (Knuth's TwoSum; no condition on the magnitudes).
fn twoSum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}

// s + e = a + b exactly when |a| >= |b| or a = 0 (Dekker's Fast2Sum).
fn fastTwoSum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  return vec2<f32>(s, b - (s - a));
}

// x + y for float-float x and y, with a relative error of a few 2^-48 (the accurate variant,
// which also holds under cancellation).
fn ffAdd(x: vec2<f32>, y: vec2<f32>) -> vec2<f32> {
  let s = twoSum(x.x, y.x);
  let t = twoSum(x.y, y.y);
  let r = fastTwoSum(s.x, s.y + t.x);
  return fastTwoSum(r.x, r.y + t.y);
}

fn ffSub(x: vec2<f32>, y: vec2<f32>) -> vec2<f32> {
  return ffAdd(x, -y);
}

// x + b for float-float x and f32 b.
fn ffAddF(x: vec2<f32>, b: f32) -> vec2<f32> {
  let s = twoSum(x.x, b);
  return fastTwoSum(s.x, s.y + x.y);
}
`;

/** The largest |x| of `values` over [from, from + count). */
export function largestMagnitude(values: ArrayLike<number>, from = 0, count = values.length - from): number {
  let largest = 0;
  for (let k = from; k < from + count; k++) {
    const x = Math.abs(values[k]);
    if (x > largest) largest = x;
  }
  return largest;
}

/**
 * The power of two 2^-e that brings `largest` into [0.5, 1) (1 for 0): multiplying by it and,
 * later, by its inverse is exact in float64.
 */
export function powerOfTwoScale(largest: number): number {
  if (!(largest > 0) || !Number.isFinite(largest)) return 1;
  let exponent = Math.floor(Math.log2(largest)) + 1;
  // log2 may be off by one near powers of two; settle it exactly.
  while (largest * 2 ** -exponent >= 1) exponent++;
  while (largest * 2 ** -exponent < 0.5) exponent--;
  // Keep the scale finite for tables of subnormal numbers (their values then stay tiny).
  return 2 ** -Math.max(-1000, Math.min(1000, exponent));
}

/**
 * out[2k], out[2k+1] = (hi, lo) of values[from + k] × scale, k < count: hi is the f32 nearest to
 * the scaled value, lo the f32 nearest to what hi missed.
 */
export function splitFloats(values: ArrayLike<number>, from: number, count: number, scale: number, out: Float32Array): Float32Array {
  const fround = Math.fround;
  for (let k = 0; k < count; k++) {
    const x = values[from + k] * scale;
    const hi = fround(x);
    out[2 * k] = hi;
    out[2 * k + 1] = fround(x - hi);
  }
  return out;
}
