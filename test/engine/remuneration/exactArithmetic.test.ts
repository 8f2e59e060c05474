import fc from 'fast-check';
import {
  addDecimals,
  compareDecimals,
  decimalOf,
  decimalRatioToNumber,
  decimalToNumber,
  multiplyDecimals,
} from '../../../src/engine/exact/decimal';
import { powerOfTwo, rationalToNumber } from '../../../src/engine/exact/rationalToNumber';

const SAFE = 2n ** 53n - 1n;
const MIN_SUBNORMAL = Number.MIN_VALUE;

describe('rationalToNumber', () => {
  it('agrees with IEEE division whenever both integers are exactly representable', () => {
    // IEEE 754 division is correctly rounded, so it is an independent oracle on this range.
    fc.assert(
      fc.property(fc.bigInt(-SAFE, SAFE), fc.bigInt(-SAFE, SAFE).filter((d) => d !== 0n), (n, d) => {
        // An exact zero has no sign, where IEEE gives 0 / -d = -0.
        expect(rationalToNumber(n, d)).toBe(n === 0n ? 0 : Number(n) / Number(d));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with IEEE division after exact scaling by powers of two', () => {
    fc.assert(
      fc.property(
        fc.bigInt(1n, SAFE),
        fc.bigInt(1n, SAFE),
        fc.integer({ min: -900, max: 900 }),
        (n, d, k) => {
          const scaled = k >= 0 ? rationalToNumber(n << BigInt(k), d) : rationalToNumber(n, d << BigInt(-k));
          // A power of two from a BigInt is exact, and so is scaling by it in the normal range.
          const factor = k >= 0 ? Number(2n ** BigInt(k)) : 1 / Number(2n ** BigInt(-k));
          expect(scaled).toBe((Number(n) / Number(d)) * factor);
        },
      ),
    );
  });

  it('rounds long decimals like the platform parser does', () => {
    // V8's string-to-number conversion is correctly rounded for any number of digits.
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{20,40}$/), fc.integer({ min: 0, max: 60 }), (digits, scale) => {
        expect(rationalToNumber(BigInt(digits), 10n ** BigInt(scale))).toBe(Number(`${digits}e-${scale}`));
      }),
    );
  });

  it('breaks ties to the even significand', () => {
    expect(rationalToNumber(2n ** 53n + 1n, 1n)).toBe(2 ** 53);
    expect(rationalToNumber(2n ** 53n + 3n, 1n)).toBe(2 ** 53 + 4);
    expect(rationalToNumber(2n ** 54n + 2n, 2n)).toBe(2 ** 53);
    expect(rationalToNumber((2n ** 53n + 1n) * 3n, 3n)).toBe(2 ** 53);
    expect(rationalToNumber(-(2n ** 53n + 3n), 1n)).toBe(-(2 ** 53 + 4));
  });

  it('rounds into the subnormal range with ties to even', () => {
    expect(rationalToNumber(1n, 2n ** 1074n)).toBe(MIN_SUBNORMAL);
    expect(rationalToNumber(1n, 2n ** 1075n)).toBe(0); // exactly half the smallest subnormal: even is 0
    expect(rationalToNumber(3n, 2n ** 1076n)).toBe(MIN_SUBNORMAL); // 0.75 of it
    expect(rationalToNumber(3n, 2n ** 1075n)).toBe(2 * MIN_SUBNORMAL); // 1.5 of it: even is 2
    expect(rationalToNumber(5n, 2n ** 1075n)).toBe(2 * MIN_SUBNORMAL); // 2.5 of it: even is 2
    expect(rationalToNumber(1n, 2n ** 1022n)).toBe(2.2250738585072014e-308);
    expect(rationalToNumber(-1n, 2n ** 1074n)).toBe(-MIN_SUBNORMAL);
  });

  it('overflows to Infinity exactly where IEEE rounding does', () => {
    const max = (2n ** 53n - 1n) << 971n;
    expect(rationalToNumber(max, 1n)).toBe(Number.MAX_VALUE);
    // Halfway between MAX_VALUE and 2^1024: ties to even go up, to Infinity.
    expect(rationalToNumber(max + 2n ** 970n, 1n)).toBe(Infinity);
    expect(rationalToNumber(max + 2n ** 970n - 1n, 1n)).toBe(Number.MAX_VALUE);
    expect(rationalToNumber(-(2n ** 1024n), 1n)).toBe(-Infinity);
  });

  it('builds powers of two bit for bit', () => {
    for (const k of [-1074, -1073, -1050, -1023, -1022, -1, 0, 1, 52, 1023]) {
      expect(powerOfTwo(k)).toBe(Number(`${rationalToNumberString(k)}`));
    }
    expect(powerOfTwo(1024)).toBe(Infinity);
    expect(powerOfTwo(-1075)).toBe(0);
  });
});

/** 2^k written out in decimal, parsed by the platform as an independent reference. */
function rationalToNumberString(k: number): string {
  if (k >= 0) return (2n ** BigInt(k)).toString();
  // 2^-m = 5^m / 10^m exactly.
  return `${(5n ** BigInt(-k)).toString()}e${k}`;
}

describe('decimalOf', () => {
  it('reads a float64 as the decimal it displays as', () => {
    expect(decimalOf(0.1)).toEqual({ coefficient: 1n, exponent: -1 });
    expect(decimalOf(0.55)).toEqual({ coefficient: 55n, exponent: -2 });
    expect(decimalOf(123.456)).toEqual({ coefficient: 123456n, exponent: -3 });
    expect(decimalOf(-2.5)).toEqual({ coefficient: -25n, exponent: -1 });
    expect(decimalOf(1e21)).toEqual({ coefficient: 1n, exponent: 21 });
    expect(decimalOf(1.5e-7)).toEqual({ coefficient: 15n, exponent: -8 });
    expect(decimalOf(0)).toEqual({ coefficient: 0n, exponent: 0 });
    expect(decimalOf(1e9)).toEqual({ coefficient: 1000000000n, exponent: 0 });
    expect(() => decimalOf(NaN)).toThrow(RangeError);
    expect(() => decimalOf(Infinity)).toThrow(RangeError);
  });

  it('reads back as the same float64', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(decimalToNumber(decimalOf(x))).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 2000 },
    );
  });

  it('orders decimals as their float64s are ordered', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (x, y) => {
        expect(compareDecimals(decimalOf(x), decimalOf(y))).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('adds and multiplies typed decimals without binary error', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in float64; as decimals it is 3/10.
    expect(decimalToNumber(addDecimals(decimalOf(0.1), decimalOf(0.2)))).toBe(0.3);
    expect(compareDecimals(multiplyDecimals(decimalOf(3), decimalOf(0.1)), decimalOf(0.3))).toBe(0);
    expect(decimalRatioToNumber(decimalOf(154e6), decimalOf(1e9))).toBe(0.154);
    expect(decimalRatioToNumber(decimalOf(1), decimalOf(0.003))).toBe(1000 / 3);
  });
});
