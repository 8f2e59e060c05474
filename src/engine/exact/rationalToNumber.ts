/**
 * The float64 nearest to num / den (ties to even), the way IEEE division would round it if it
 * could divide arbitrary integers. Exact results are rounded once, here, and nowhere else, so
 * that a sum or a product of many terms does not depend on the order it was computed in.
 */
export function rationalToNumber(num: bigint, den: bigint): number {
  if (den === 0n) throw new RangeError('rationalToNumber: zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (num === 0n) return 0;
  const negative = num < 0n;
  const n = negative ? -num : num;

  // With s chosen so, n·2^s/den lies in [2^53, 2^55): its integer part carries the 53 bits
  // of the significand plus at least one rounding bit.
  const s = 54 - (bitLength(n) - bitLength(den));
  const scaledNum = s >= 0 ? n << BigInt(s) : n;
  const scaledDen = s >= 0 ? den : den << BigInt(-s);
  const q = scaledNum / scaledDen;
  const sticky = scaledNum % scaledDen !== 0n;

  let shiftOut = bitLength(q) - 53;
  // Below 2^-1022 the significand loses bits (subnormals): the last kept bit is 2^-1074.
  if (shiftOut - s < -1074) shiftOut = s - 1074;
  const lsbExponent = shiftOut - s;

  const shift = BigInt(shiftOut);
  let mantissa = q >> shift;
  const rest = q - (mantissa << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (sticky || (mantissa & 1n) === 1n))) mantissa += 1n;

  // mantissa ≤ 2^53 converts exactly, and a product with a power of two is exact unless it
  // overflows, in which case Infinity is the correctly rounded answer.
  const magnitude = Number(mantissa) * powerOfTwo(lsbExponent);
  return negative ? -magnitude : magnitude;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** 2^k built from its bit pattern: Math.pow is only "implementation-approximated" by the spec. */
export function powerOfTwo(k: number): number {
  if (k > 1023) return Infinity;
  if (k < -1074) return 0;
  const view = new DataView(new ArrayBuffer(8));
  if (k >= -1022) {
    view.setUint32(0, (k + 1023) << 20);
  } else {
    const bit = k + 1074; // position of the single set bit among the 52 fraction bits
    if (bit >= 32) view.setUint32(0, 1 << (bit - 32));
    else view.setUint32(4, 2 ** bit);
  }
  return view.getFloat64(0);
}
