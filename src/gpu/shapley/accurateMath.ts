/**
 * WGSL log1p and expm1 accurate to a few f32 ulps, for the saturating-scale game, whose marginal
 * contributions P(D + d) − P(D) are tiny differences of numbers near 1 when there are many
 * players. Computed as (1 + D)^−α · (−expm1(−α·log1p(d / (1 + D)))) there is no cancellation, but
 * only if log1p and expm1 keep their relative precision near 0, which WGSL's builtins do not
 * promise: log is only absolutely accurate (2^-21) on [0.5, 2], so log(1 + x) for x = 10^-5 would
 * be off by 5 %. Hence the series below (exp itself is only used where its result is not small).
 */

export const ACCURATE_MATH_WGSL = /* wgsl */ `
// fdlibm's split of ln 2: LN2_HI has 7 trailing zero bits, so e · LN2_HI is exact for |e| < 128.
const LN2_HI: f32 = 6.9313812256e-01;
const LN2_LO: f32 = 9.0580006145e-06;

// log((1 + s) / (1 − s)) = 2·atanh(s) for |s| ≤ 0.1716; the first omitted term is < 6e-11 relative.
fn logRatioSeries(s: f32) -> f32 {
  let z = s * s;
  return 2.0 * s + 2.0 * s * z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z * (1.0 / 11.0)))));
}

// log(1 + x) for x > −0.29, within a few ulps (fdlibm's reduction, a series instead of its minimax).
fn log1pAccurate(x: f32) -> f32 {
  if (x < 0.41421356) {
    // 1 + x = (1 + s) / (1 − s) with s = x / (2 + x), |s| ≤ 0.1716.
    return logRatioSeries(x / (2.0 + x));
  }
  let u = 1.0 + x;
  // What rounding 1 + x lost, relative to u: log(u + c·u) = log(u) + c to first order.
  let lost = (x - (u - 1.0)) / u;
  let bits = bitcast<u32>(u);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) {
    m = m * 0.5;
    e = e + 1;
  }
  let fe = f32(e);
  // m − 1 is exact (Sterbenz); log(m) = 2·atanh((m − 1) / (m + 1)).
  return fe * LN2_HI + (logRatioSeries((m - 1.0) / (m + 1.0)) + (fe * LN2_LO + lost));
}

// exp(y) − 1 within a few ulps: Taylor series where the result is small, the builtin elsewhere.
fn expm1Accurate(y: f32) -> f32 {
  if (abs(y) < 0.34657359) {
    // Terms to y^9/9!; the first omitted one is below 7e-12 absolute.
    return y * (1.0 + y * (1.0 / 2.0 + y * (1.0 / 6.0 + y * (1.0 / 24.0 + y * (1.0 / 120.0 + y * (1.0 / 720.0 + y * (1.0 / 5040.0 + y * (1.0 / 40320.0 + y * (1.0 / 362880.0)))))))));
  }
  return exp(y) - 1.0;
}
`;
