/**
 * x^y as a WebAssembly kernel (AssemblyScript, built by `npm run build:wasm` into
 * src/engine/math/powWasm.generated.ts): musl libc's pow, the algorithm and the bits of the
 * engine's TypeScript port (src/engine/math/pow.ts, which explains the choice), with ECMAScript's
 * special values. In WebAssembly a double's bits are one reinterpretation away, where the
 * TypeScript port goes through memory; a call from JavaScript costs less than the difference.
 *
 * The tables are not compiled in: 5 KB of them would take the module past the 4 KB a browser
 * page may compile synchronously. The loader (src/engine/math/powKernel.ts) writes them from
 * src/engine/math/powTables.ts at tables(): 128 rows of (1/c, log c, log c's tail) for log, then
 * 128 rows of (tail, scale bits) for exp.
 */

// @ts-ignore: decorator
@inline const LOG_ROW: usize = 24;
// @ts-ignore: decorator
@inline const EXP_ROW: usize = 16;
// @ts-ignore: decorator
@inline const SIGN_BIAS: u64 = 0x800 << 7;

/** Where the loader writes the tables: 5,120 bytes. */
export function tables(): usize {
  return (__heap_base + 15) & ~15;
}

// @ts-ignore: decorator
@inline function asDouble(bits: u64): f64 {
  return reinterpret<f64>(bits);
}

// @ts-ignore: decorator
@inline function asBits(x: f64): u64 {
  return reinterpret<u64>(x);
}

/** 0 if iy is not an integer's bits, 1 if an odd one's, 2 if an even one's (finite, non-zero). */
function integerKind(iy: u64): i32 {
  const e = (iy >> 52) & 0x7ff;
  if (e < 0x3ff) return 0;
  if (e > 0x3ff + 52) return 2;
  const unit: u64 = u64(1) << (0x3ff + 52 - e);
  if (iy & (unit - 1)) return 0;
  if (iy & unit) return 1;
  return 2;
}

// @ts-ignore: decorator
@inline function isZeroInfOrNaN(i: u64): bool {
  return (i << 1) - 1 >= 0xffe0000000000000 - 1;
}

function outOfRange(signBias: u64, overflow: bool): f64 {
  const y = overflow ? asDouble(0x7000000000000000) : asDouble(0x1000000000000000);
  return (signBias ? -y : y) * y;
}

function scaledNearLimits(tmp: f64, sbits: u64, ki: u64): f64 {
  if (!(ki & 0x80000000)) {
    const scale = asDouble(sbits - (u64(1009) << 52));
    return asDouble(0x7f00000000000000) * (scale + scale * tmp);
  }
  const biased = sbits + (u64(1022) << 52);
  const scale = asDouble(biased);
  let y = scale + scale * tmp;
  if (abs(y) < 1.0) {
    const one = y < 0 ? -1.0 : 1.0;
    let lo = scale - y + scale * tmp;
    const hi = one + y;
    lo = one - hi + y + lo;
    y = hi + lo - one;
    if (y == 0) y = asDouble(biased & 0x8000000000000000);
  }
  return asDouble(0x0010000000000000) * y;
}

export function pow(x: f64, y: f64): f64 {
  let ix = asBits(x);
  const iy = asBits(y);
  let topx = ix >> 52;
  const topy = iy >> 52;
  let signBias: u64 = 0;
  if (topx - 1 >= 0x7ff - 1 || (topy & 0x7ff) - 0x3be >= 0x43e - 0x3be) {
    if (isZeroInfOrNaN(iy)) {
      if (iy << 1 == 0) return 1.0;
      if (ix == 0x3ff0000000000000) return NaN; // JS: 1^±∞ and 1^NaN are NaN (C: 1)
      if (ix << 1 > 0xffe0000000000000 || iy << 1 > 0xffe0000000000000) return x + y;
      if (ix << 1 == 0x7fe0000000000000) return NaN; // JS: (−1)^±∞ is NaN (C: 1)
      if ((ix << 1 < 0x7fe0000000000000) == !(iy >> 63)) return 0;
      return y * y;
    }
    if (isZeroInfOrNaN(ix)) {
      let x2 = x * x;
      if (ix >> 63 && integerKind(iy) == 1) x2 = -x2;
      return <i64>iy < 0 ? 1 / x2 : x2;
    }
    if (<i64>ix < 0) {
      const kind = integerKind(iy);
      if (kind == 0) return NaN;
      if (kind == 1) signBias = SIGN_BIAS;
      ix &= 0x7fffffffffffffff;
      topx &= 0x7ff;
    }
    if ((topy & 0x7ff) - 0x3be >= 0x43e - 0x3be) {
      if (ix == 0x3ff0000000000000) return 1;
      if ((topy & 0x7ff) < 0x3be) return 1;
      return (ix > 0x3ff0000000000000) == (topy < 0x800) ? Infinity : 0;
    }
    if (topx == 0) {
      ix = asBits(x * 4503599627370496.0) & 0x7fffffffffffffff;
      ix -= u64(52) << 52;
    }
  }

  // log(x) as hi + lo.
  const logTable = tables();
  const tmp = ix - 0x3fe6955500000000;
  const row = logTable + <usize>((tmp >> 45) & 127) * LOG_ROW;
  const k = <i64>tmp >> 52;
  const iz = ix - (tmp & (u64(0xfff) << 52));
  const z = asDouble(iz);
  const kd = <f64>k;
  const invc = load<f64>(row);
  const logc = load<f64>(row, 8);
  const logctail = load<f64>(row, 16);
  const zhi = asDouble((iz + (u64(1) << 31)) & 0xffffffff00000000);
  const zlo = z - zhi;
  const rhi = zhi * invc - 1.0;
  const rlo = zlo * invc;
  const r = rhi + rlo;
  const t1 = kd * asDouble(0x3fe62e42fefa3800) + logc;
  const t2 = t1 + r;
  const lo1 = kd * asDouble(0x3d2ef35793c76730) + logctail;
  const lo2 = t1 - t2 + r;
  const ar = -0.5 * r;
  const ar2 = r * ar;
  const ar3 = r * ar2;
  const arhi = -0.5 * rhi;
  const arhi2 = rhi * arhi;
  const hi = t2 + arhi2;
  const lo3 = rlo * (ar + arhi);
  const lo4 = t2 - hi + arhi2;
  const p =
    ar3 *
    (asDouble(0xbfe5555555555560) +
      r * asDouble(0x3fe0000000000006) +
      ar2 * (asDouble(0x3fe999999959554e) + r * asDouble(0xbfe555555529a47a) + ar2 * (asDouble(0xbff2495b9b4845e9) + r * asDouble(0x3ff0002b8b263fc3))));
  const lo = lo1 + lo2 + lo3 + lo4 + p;
  const logHi = hi + lo;
  const logLo = hi - logHi + lo;

  // y · log(x) as ehi + elo (Dekker's split at 27 bits, no fused multiply-add).
  const yhi = asDouble(iy & 0xfffffffff8000000);
  const ylo = y - yhi;
  const lhi = asDouble(asBits(logHi) & 0xfffffffff8000000);
  const llo = logHi - lhi + logLo;
  const ehi = yhi * lhi;
  const elo = ylo * lhi + y * llo;

  // exp(ehi + elo).
  const ux = asBits(ehi);
  let abstop = <u32>(ux >> 52) & 0x7ff;
  if (abstop - 0x3c9 >= 0x3f) {
    if (abstop - 0x3c9 >= 0x80000000) return signBias ? -1.0 : 1.0;
    if (abstop >= 0x409) return outOfRange(signBias, <i64>ux >= 0);
    abstop = 0;
  }
  let n = asDouble(0x3ff71547652b82fe) * 128 * ehi + 6755399441055744.0;
  const ki = asBits(n);
  n -= 6755399441055744.0;
  let e = ehi + n * asDouble(0xbf762e42fefa0000) + n * asDouble(0xbd0cf79abc9e3b3a);
  e += elo;
  const expRow = logTable + 128 * LOG_ROW + <usize>(ki & 127) * EXP_ROW;
  const top = (ki + signBias) << 45;
  const tail = load<f64>(expRow);
  const sbits = load<u64>(expRow, 8) + top;
  const e2 = e * e;
  const t = tail + e + e2 * (asDouble(0x3fdffffffffffdbd) + e * asDouble(0x3fc555555555543c)) + e2 * e2 * (asDouble(0x3fa55555cf172b91) + e * asDouble(0x3f81111167a4d017));
  if (abstop == 0) return scaledNearLimits(t, sbits, ki);
  const scale = asDouble(sbits);
  return scale + scale * t;
}
