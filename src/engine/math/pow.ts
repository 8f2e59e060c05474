/**
 * x^y with the same bits on every JavaScript engine: musl libc's pow (Szabolcs Nagy's algorithm
 * from Arm's optimized-routines, the one glibc ships since 2.28), ported word for word.
 *
 * Why not Math.pow: the standard leaves its precision to the implementation, and the engines
 * differ — V8 (Excel on Windows, the companion) runs fdlibm's pow, JavaScriptCore (Excel on a
 * Mac) the system's — so the same workbook could give different last bits on the two sides of
 * the table. V8's is also slow (≈ 70 ns a call on the bench machine against ≈ 17 ns for glibc's),
 * and the saturating-scale game calls it once per marginal contribution.
 *
 * Precision: below 0.52 ulp (musl's bound without fused multiply-add), so within 1 ulp of the
 * exact power and of Math.pow. Special values follow ECMAScript's Math.pow, not C's: 1^±∞, 1^NaN
 * and (−1)^±∞ are NaN (the three lines marked "JS:" below differ from musl).
 *
 * JavaScript has no 64-bit integers: where musl reads a double's bits, the port reads the high
 * 32-bit word (sign, exponent, top of the significand: enough for every test and table index);
 * where musl builds a double from bits, the port multiplies by a power of two or rounds a scaled
 * value instead (see POW2), and only the rare paths near overflow assemble words. Timings on the
 * bench machine: Math.pow ≈ 50–70 ns, this port ≈ 40 ns, the kernel of powKernel.ts ≈ 23 ns.
 */
import { EXP_TABLE, POW_LOG_TABLE } from './powTables';

const scratch = new Float64Array(1);
const words = new Int32Array(scratch.buffer);
// The word order of a double in memory: little-endian on every platform Office runs on, but a
// big-endian host would only swap these two.
scratch[0] = 1;
const HI = words[1] === 0x3ff00000 ? 1 : 0;
const LO = 1 - HI;

function doubleFromWords(hi: number, lo: number): number {
  words[HI] = hi;
  words[LO] = lo;
  return scratch[0];
}

function doubleFromHex(hex: string): number {
  return doubleFromWords(parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8), 16));
}

const LOG_INVC = Float64Array.from(POW_LOG_TABLE, (row) => doubleFromHex(row[0]));
const LOG_C = Float64Array.from(POW_LOG_TABLE, (row) => doubleFromHex(row[1]));
const LOG_CTAIL = Float64Array.from(POW_LOG_TABLE, (row) => doubleFromHex(row[2]));
const EXP_TAIL = Float64Array.from(EXP_TABLE, (row) => doubleFromHex(row[0]));
const EXP_SCALE_HI = Int32Array.from(EXP_TABLE, (row) => parseInt(row[1].slice(0, 8), 16));
const EXP_SCALE_LO = Int32Array.from(EXP_TABLE, (row) => parseInt(row[1].slice(8), 16));
/** 2^(i/128) itself: the table's bits with i << 45 added back, a double in [1, 2). */
const EXP_SCALE = Float64Array.from(EXP_TABLE, (_, i) => doubleFromWords(EXP_SCALE_HI[i] + (i << 13), EXP_SCALE_LO[i]));

/**
 * The tables as the WebAssembly kernel reads them (assembly/pow.ts): 128 rows of (1/c, log c,
 * log c's tail), then 128 rows of (tail, scale bits read as a double).
 */
export function powTablesForKernel(): Float64Array {
  const out = new Float64Array(128 * 5);
  for (let i = 0; i < 128; i++) {
    out.set([LOG_INVC[i], LOG_C[i], LOG_CTAIL[i]], 3 * i);
    out.set([EXP_TAIL[i], doubleFromWords(EXP_SCALE_HI[i], EXP_SCALE_LO[i])], 384 + 2 * i);
  }
  return out;
}

/**
 * POW2[e + 1074] = 2^e for e in [−1074, 1023], built by doubling from the least subnormal. Where
 * musl adds to a double's exponent field or masks its low bits, the port multiplies by a power
 * of two or rounds a scaled value to an integer instead: the same bits, without assembling a
 * double from two 32-bit stores (which a CPU cannot forward to the 64-bit load that follows, a
 * stall of a dozen cycles each time).
 */
const POW2 = new Float64Array(2098);
POW2[0] = 5e-324;
for (let i = 1; i < POW2.length; i++) POW2[i] = POW2[i - 1] * 2;
const pow2 = (e: number): number => POW2[e + 1074];

// log: x = 2^k · z with z in [OFF, 2·OFF), OFF = 0x3fe6955500000000 (0.7071...); log(z) from
// the table row of z's interval and a polynomial of degree 8 in r = z/c − 1.
const OFF_HI = 0x3fe69555;
const LN2_HI = doubleFromHex('3FE62E42FEFA3800');
const LN2_LO = doubleFromHex('3D2EF35793C76730');
const A0 = -0.5;
const A1 = doubleFromHex('BFE5555555555560');
const A2 = doubleFromHex('3FE0000000000006');
const A3 = doubleFromHex('3FE999999959554E');
const A4 = doubleFromHex('BFE555555529A47A');
const A5 = doubleFromHex('BFF2495B9B4845E9');
const A6 = doubleFromHex('3FF0002B8B263FC3');

// exp: 2^(k/128) from the table times exp(r) from a degree-5 polynomial.
const INV_LN2_N = doubleFromHex('3FF71547652B82FE') * 128;
const NEG_LN2_HI_N = doubleFromHex('BF762E42FEFA0000');
const NEG_LN2_LO_N = doubleFromHex('BD0CF79ABC9E3B3A');
const SHIFT = doubleFromHex('4338000000000000'); // 1.5 · 2^52: adding it rounds to an integer in the low word
const C2 = doubleFromHex('3FDFFFFFFFFFFDBD');
const C3 = doubleFromHex('3FC555555555543C');
const C4 = doubleFromHex('3FA55555CF172B91');
const C5 = doubleFromHex('3F81111167A4D017');
const TWO_TO_1009 = doubleFromHex('7F00000000000000');
const TWO_TO_MINUS_1022 = doubleFromHex('0010000000000000');

/** x^y as ECMAScript's Math.pow defines it, musl's algorithm and bits. */
export function pow(x: number, y: number): number {
  // One function for the common case, so that an optimising compiler keeps the doubles in
  // registers: a call between two functions would box the result in a heap number.
  scratch[0] = x;
  let xHi = words[HI];
  scratch[0] = y;
  const yHi = words[HI];
  let kShift = 0;
  // Special cases: x < 2^-1022, negative, infinite or NaN; or |y| < 2^-65, |y| ≥ 2^63 or NaN.
  if (((xHi >>> 20) - 1) >>> 0 >= 0x7fe || (((yHi >>> 20) & 0x7ff) - 0x3be) >>> 0 >= 0x80) {
    if (!(x > 0 && x < 2.2250738585072014e-308 && (((yHi >>> 20) & 0x7ff) - 0x3be) >>> 0 < 0x80)) return powSpecial(x, y);
    // Subnormal x > 0: musl scales it by 2^52 and takes 52 back from the exponent.
    x *= 4503599627370496;
    scratch[0] = x;
    xHi = words[HI];
    kShift = 52;
  }
  // ---- log(x) = k·ln 2 + log(c) + log1p(z/c − 1), as logHi + logLo with ≈ 15 bits beyond a double ----
  // x = 2^k · z with z in [OFF, 2·OFF): musl's tmp = ix − OFF, whose low word is x's (OFF's is 0).
  const tmpHi = (xHi - OFF_HI) | 0;
  const i = (tmpHi >>> 13) & 127; // (tmp >> 45) mod 128: z's interval
  const k = tmpHi >> 20; // (int64) tmp >> 52
  const z = x * pow2(-k); // exact: a power of two
  const invc = LOG_INVC[i];
  // Split z so that rhi, rlo and rhi² are exact: musl rounds z's bits at the high word, adding 2^31
  // and clearing the low word, i.e. rounds z to 21 bits with ties away from zero.
  const zHi = z < 1 ? Math.floor(z * 2097152 + 0.5) * 4.76837158203125e-7 : Math.floor(z * 1048576 + 0.5) * 9.5367431640625e-7;
  const zLo = z - zHi;
  const rhi = zHi * invc - 1.0;
  const rlo = zLo * invc;
  const r = rhi + rlo;
  const kd = k - kShift;
  const t1 = kd * LN2_HI + LOG_C[i];
  const t2 = t1 + r;
  const lo1 = kd * LN2_LO + LOG_CTAIL[i];
  const lo2 = t1 - t2 + r;
  const ar = A0 * r;
  const ar2 = r * ar;
  const ar3 = r * ar2;
  const arhi = A0 * rhi;
  const arhi2 = rhi * arhi;
  const hi = t2 + arhi2;
  const lo3 = rlo * (ar + arhi);
  const lo4 = t2 - hi + arhi2;
  const p = ar3 * (A1 + r * A2 + ar2 * (A3 + r * A4 + ar2 * (A5 + r * A6)));
  const lo = lo1 + lo2 + lo3 + lo4 + p;
  const logHi = hi + lo;
  const logLo = hi - logHi + lo;

  // ---- y · log(x) as ehi + elo: y and logHi cut to 26 bits (musl clears their 27 low bits), products exact ----
  const yHead = truncateTo26Bits(y, yHi);
  let lHead = 0;
  if (logHi !== 0) {
    scratch[0] = logHi;
    lHead = truncateTo26Bits(logHi, words[HI]);
  }
  const lTail = logHi - lHead + logLo;
  const ehi = yHead * lHead;
  const elo = (y - yHead) * lHead + y * lTail;

  // ---- exp(ehi + elo) ----
  const absX = Math.abs(ehi);
  // musl tests ehi's exponent: below 2^-54 exp rounds to 1, from 2^10 it is out of range, and from
  // 2^9 the scale's exponent may over- or underflow (scaledNearLimits).
  const nearLimits = !(absX >= 5.551115123125783e-17 && absX < 512);
  if (nearLimits) {
    if (absX < 5.551115123125783e-17) return 1;
    if (absX >= 1024) return ehi < 0 ? 0 : Infinity;
  }
  // exp(ehi) = 2^(n/128) · exp(e), e in [−ln 2/256, ln 2/256]; adding SHIFT rounds n to an integer.
  const n = INV_LN2_N * ehi + SHIFT - SHIFT;
  const ki = n | 0;
  let e = ehi + n * NEG_LN2_HI_N + n * NEG_LN2_LO_N;
  e += elo;
  const idx = ki & 127;
  const e2 = e * e;
  const tmp = EXP_TAIL[idx] + e + e2 * (C2 + e * C3) + e2 * e2 * (C4 + e * C5);
  if (nearLimits) {
    // musl's scale bits: the table's plus n << 45; the low word is the table's (n << 45 has none).
    return scaledNearLimits(tmp, (EXP_SCALE_HI[idx] + (ki << 13)) | 0, EXP_SCALE_LO[idx], ki);
  }
  // The same scale as a value: 2^(idx/128) · 2^⌊n/128⌋, exact here since the exponent is in range.
  const scale = EXP_SCALE[idx] * pow2(ki >> 7);
  return scale + scale * tmp;
}

/** 0 if y is not an integer, 1 if it is odd, 2 if even (y finite, not zero). */
function integerKind(y: number): number {
  if (!Number.isInteger(y)) return 0;
  return Math.abs(y) < 9007199254740992 && y % 2 !== 0 ? 1 : 2;
}

/** musl's special cases, in its order, by value rather than by bits. */
function powSpecial(x: number, y: number): number {
  if (y === 0) return 1; // even for x NaN
  if (!Number.isFinite(y)) {
    if (x === 1) return NaN; // JS: 1^±∞ and 1^NaN are NaN (C: 1)
    if (x !== x || y !== y) return NaN;
    if (x === -1) return NaN; // JS: (−1)^±∞ is NaN (C: 1)
    // y = ±∞: 0 when |x| < 1 and y = +∞ or |x| > 1 and y = −∞, else +∞.
    return Math.abs(x) < 1 === y > 0 ? 0 : Infinity;
  }
  if (x === 0 || !Number.isFinite(x)) {
    let x2 = x * x;
    if ((x < 0 || Object.is(x, -0)) && integerKind(y) === 1) x2 = -x2;
    return y < 0 ? 1 / x2 : x2;
  }
  if (x < 0) {
    // Only integer powers of x < 0 are real. musl flips the sign of the result's scale for odd
    // ones, and every step after that is symmetric under negation: −|x|^y, the same bits.
    const kind = integerKind(y);
    if (kind === 0) return NaN;
    const magnitude = pow(-x, y);
    return kind === 1 ? -magnitude : magnitude;
  }
  // What is left (pow handles subnormal x with y in range): x > 0 finite, and |y| < 2^-65, where
  // x^y rounds to 1, or |y| ≥ 2^63, where it is 0 or ∞ unless x = 1.
  if (x === 1 || Math.abs(y) < 1) return 1;
  return x > 1 === y > 0 ? Infinity : 0;
}

/** v with the 27 low bits of its significand cleared (v normal, hi its high word). */
function truncateTo26Bits(v: number, hi: number): number {
  const e = ((hi >>> 20) & 0x7ff) - 1023 - 25; // the exponent of the last bit kept
  return Math.trunc(v * pow2(-e)) * pow2(e);
}

/** scale · (1 + tmp) when scale's exponent is out of range: rescaled, with care in the subnormals. */
function scaledNearLimits(tmp: number, scaleHi: number, scaleLo: number, ki: number): number {
  if (ki >= 0) {
    // n > 0: the exponent may have overflowed by up to 460; take 1009 off and multiply back.
    const scale = doubleFromWords(scaleHi - (1009 << 20), scaleLo);
    return TWO_TO_1009 * (scale + scale * tmp);
  }
  // n < 0: add 1022 to the exponent, round at the subnormal precision, then scale down.
  const biasedHi = (scaleHi + (1022 << 20)) | 0;
  const scale = doubleFromWords(biasedHi, scaleLo);
  let y = scale + scale * tmp;
  if (Math.abs(y) < 1.0) {
    // Round y to the subnormal precision before scaling it down, to avoid a double rounding.
    const one = y < 0 ? -1.0 : 1.0;
    let lo = scale - y + scale * tmp;
    const hi = one + y;
    lo = one - hi + y + lo;
    y = hi + lo - one;
    if (y === 0) y = biasedHi < 0 ? -0 : 0;
  }
  return TWO_TO_MINUS_1022 * y;
}
