import { EngineInputError } from '../../../src/engine/errors';
import { mulhi32, philox4x32, philox4x32Into, seedKey } from '../../../src/engine/random/philox';
import { philoxReference } from './philoxReference';

// Known-answer vectors of Random123's kat_vectors file (philox4x32, R = 10):
// counter (4 words), key (2 words) → output (4 words).
const KAT: Array<[number[], number[], number[]]> = [
  [[0x00000000, 0x00000000, 0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

function words(seed: number, count: number): number[] {
  // A simple xorshift stream for test inputs, unrelated to Philox.
  let x = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  });
}

describe('philox4x32 (Philox4x32-10)', () => {
  it.each(KAT)('matches Random123 known answer %# (zeros, all ones, digits of pi)', (counter, key, expected) => {
    expect(Array.from(philox4x32(counter, key))).toEqual(expected);
    expect(Array.from(philox4x32(Uint32Array.from(counter), Uint32Array.from(key)))).toEqual(expected);
  });

  it('agrees with the BigInt reference, which itself reproduces the known answers', () => {
    for (const [counter, key, expected] of KAT) expect(philoxReference(counter, key)).toEqual(expected);
    const input = words(2024, 6 * 500);
    for (let t = 0; t < 500; t++) {
      const counter = input.slice(6 * t, 6 * t + 4);
      const key = input.slice(6 * t + 4, 6 * t + 6);
      expect(Array.from(philox4x32(counter, key))).toEqual(philoxReference(counter, key));
    }
  });

  it('writes into the array it is given', () => {
    const out = new Uint32Array(4);
    expect(philox4x32([0, 0, 0, 0], [0, 0], out)).toBe(out);
    philox4x32Into(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(Array.from(out)).toEqual(KAT[2][2]);
  });
});

describe('mulhi32', () => {
  const exact = (a: number, b: number): number => Number((BigInt(a) * BigInt(b)) >> 32n);

  it('is the exact high word of the 64-bit product at the edges', () => {
    const edges = [0, 1, 2, 0xffff, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0xd2511f53, 0xcd9e8d57];
    for (const a of edges) for (const b of edges) expect(mulhi32(a, b)).toBe(exact(a, b));
  });

  it('is exact on random operands, and on signed int32 views of the same bits', () => {
    const input = words(7, 4000);
    for (let t = 0; t < 2000; t++) {
      const a = input[2 * t];
      const b = input[2 * t + 1];
      expect(mulhi32(a, b)).toBe(exact(a, b));
      expect(mulhi32(a | 0, b | 0)).toBe(exact(a, b));
    }
  });

  it('maps a word to [0, m) as floor(u·m / 2^32)', () => {
    expect(mulhi32(0, 7)).toBe(0);
    expect(mulhi32(0xffffffff, 7)).toBe(6);
    expect(mulhi32(0x80000000, 2)).toBe(1);
    expect(mulhi32(0x7fffffff, 2)).toBe(0);
  });
});

describe('seedKey', () => {
  it('splits the seed into its low and high 32 bits', () => {
    expect(Array.from(seedKey(0))).toEqual([0, 0]);
    expect(Array.from(seedKey(42))).toEqual([42, 0]);
    expect(Array.from(seedKey(2 ** 32))).toEqual([0, 1]);
    expect(Array.from(seedKey(2 ** 32 + 5))).toEqual([5, 1]);
    expect(Array.from(seedKey(Number.MAX_SAFE_INTEGER))).toEqual([0xffffffff, 0x1fffff]);
  });

  it.each([-1, 1.5, 2 ** 53, NaN, Infinity, '7' as unknown as number, undefined as unknown as number])(
    'rejects %p as a seed, naming the seed argument',
    (seed) => {
      let error: unknown;
      try {
        seedKey(seed);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EngineInputError);
      expect((error as EngineInputError).field).toBe('seed');
      expect((error as EngineInputError).index).toBeUndefined();
    },
  );
});
