/**
 * Exact rational numbers over BigInt, for test expectations that must not share rounding with
 * the engine. Always normalised: gcd(num, den) = 1 and den > 0, so `equals` is structural.
 */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den: bigint = 1n) {
    if (den === 0n) throw new RangeError('Rational with zero denominator');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    this.num = g > 1n ? num / g : num;
    this.den = g > 1n ? den / g : den;
  }

  static readonly ZERO = new Rational(0n);
  static readonly ONE = new Rational(1n);

  add(o: Rational): Rational {
    return new Rational(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return new Rational(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return new Rational(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('Rational division by zero');
    return new Rational(this.num * o.den, this.den * o.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  equals(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  compare(o: Rational): number {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  /**
   * Nearest-ish double (within 1 ulp): `Number(num) / Number(den)` would lose everything once
   * numerator or denominator exceed 2^1024 or round twice when they exceed 2^53, so divide with
   * 64 extra bits of quotient first.
   */
  toNumber(): number {
    if (this.num === 0n) return 0;
    const neg = this.num < 0n;
    const a = neg ? -this.num : this.num;
    const shift = BigInt(Math.max(0, bitLength(this.den) - bitLength(a) + 64));
    const q = (a << shift) / this.den;
    // q has ≥ 64 significant bits; scale it down by 2^shift in two steps to avoid overflow/underflow.
    const qBits = bitLength(q);
    const drop = BigInt(Math.max(0, qBits - 64));
    const top = Number(q >> drop);
    const value = top * 2 ** (Number(drop) - Number(shift));
    return neg ? -value : value;
  }

  toString(): string {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

export function rat(num: bigint | number, den: bigint | number = 1n): Rational {
  return new Rational(toBigInt(num), toBigInt(den));
}

/** The exact value of a double (every finite double is a dyadic rational). */
export function ratFromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (Number.isInteger(x)) return new Rational(BigInt(x));
  let den = 1n;
  let y = x;
  // Multiplying by 2 is exact for doubles, and at most 1074 doublings reach an integer.
  while (!Number.isInteger(y)) {
    y *= 2;
    den *= 2n;
  }
  return new Rational(BigInt(y), den);
}

export function sumRationals(xs: readonly Rational[]): Rational {
  let s = Rational.ZERO;
  for (const x of xs) s = s.add(x);
  return s;
}

export function factorial(n: number): bigint {
  let f = 1n;
  for (let k = 2; k <= n; k++) f *= BigInt(k);
  return f;
}

export function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  k = Math.min(k, n - k);
  let c = 1n;
  for (let j = 1; j <= k; j++) c = (c * BigInt(n - k + j)) / BigInt(j);
  return c;
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

function toBigInt(x: bigint | number): bigint {
  if (typeof x === 'bigint') return x;
  if (!Number.isInteger(x)) throw new RangeError(`rat() takes integers, got ${x}`);
  return BigInt(x);
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * The float64 nearest to r, for fractions whose numerator and denominator are exact in float64:
 * then one IEEE division rounds correctly (unlike toNumber, which may be 1 ulp off).
 */
export function nearestDouble(r: Rational): number {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  const num = r.num < 0n ? -r.num : r.num;
  if (num > limit || r.den > limit) throw new RangeError(`nearestDouble: ${r} is too large for one exact division`);
  return Number(r.num) / Number(r.den);
}
