import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { pow } from '../../../src/engine/math/pow';
import { enginePow, powKernel } from '../../../src/engine/math/powKernel';
import { POW_WASM } from '../../../src/engine/math/powWasm.generated';
import { permutationShapley } from '../../../src/engine/shapley/sampling';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../../scripts/build-wasm.js') as { compile(name: string): Buffer };

const bits = new BigInt64Array(1);
const asDouble = new Float64Array(bits.buffer);
function bitsOf(x: number): bigint {
  asDouble[0] = x;
  return bits[0];
}
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulpsApart(a: number, b: number): bigint {
  const d = bitsOf(a) - bitsOf(b);
  return d < 0n ? -d : d;
}

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-310, -1e-310, 1.7976931348623157e308, 1e-20, 2 ** 63, -(2 ** 63), 2 ** 53 + 2, 2 ** -70, 0.1, 1 + 2 ** -52, 1 - 2 ** -53, 700, -700, 1100, -1100, 1075.5];

/** Bases and exponents of every kind: ordinary, huge, tiny, subnormal, negative, near 1, special. */
const anyDouble = fc.oneof(
  fc.double({ noNaN: false }),
  fc.double({ min: -40, max: 40, noNaN: true }),
  fc.constantFrom(...SPECIAL),
  fc.integer({ min: -60, max: 60 }),
  fc.double({ min: 0.999, max: 1.001, noNaN: true }),
);

describe('pow: musl’s algorithm, the same bits everywhere', () => {
  afterEach(() => powKernel(true));

  it('the kernel is what assembly/pow.ts compiles to (npm run build:wasm), small enough to compile on a page’s main thread', () => {
    expect(Buffer.from(POW_WASM).equals(build.compile('pow'))).toBe(true);
    expect(POW_WASM.length).toBeLessThan(4096);
  }, 120_000);

  it('loads here (Node has WebAssembly), and can be turned off', () => {
    expect(powKernel()).toBe('webassembly');
    expect(powKernel(false)).toBe('typescript');
    expect(enginePow()).toBe(pow);
    expect(powKernel(true)).toBe('webassembly');
  });

  it('the kernel and the TypeScript port agree bit for bit, on any doubles', () => {
    const kernel = enginePow();
    expect(kernel).not.toBe(pow);
    fc.assert(
      fc.property(anyDouble, anyDouble, (x, y) => {
        expect(Object.is(kernel(x, y), pow(x, y))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const x of SPECIAL) for (const y of SPECIAL) expect([x, y, kernel(x, y)]).toEqual([x, y, pow(x, y)]);
  });

  it('equals AssemblyScript’s own port of musl’s pow, written by others, bit for bit', () => {
    // AssemblyScript's Math.pow is musl's pow with ECMAScript's special values, but it answers
    // y = 2, 0.5, −1, 1 and 0 by shortcuts (x·x, sqrt, 1/x), which musl does not take.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'partage-aspow-'));
    try {
      fs.writeFileSync(path.join(dir, 'pow.ts'), 'export function p(x: f64, y: f64): f64 { return Math.pow(x, y); }\n');
      execFileSync(process.execPath, [require.resolve('assemblyscript/bin/asc.js'), 'pow.ts', '-O3', '--runtime', 'stub', '-o', 'pow.wasm'], { cwd: dir, stdio: 'ignore' });
      const theirs = (new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path.join(dir, 'pow.wasm'))), {}).exports as { p(x: number, y: number): number }).p;
      const shortcut = (y: number) => [2, 0.5, -1, 1, 0].includes(y);
      fc.assert(
        fc.property(anyDouble, anyDouble, (x, y) => {
          fc.pre(!shortcut(y));
          expect(Object.is(pow(x, y), theirs(x, y))).toBe(true);
        }),
        { numRuns: 20_000 },
      );
      // The saturating-scale game's own range: bases from 1 up, exponents −α.
      for (let t = 0; t < 20_000; t++) {
        const x = 1 + ((t * 7919) % 100_003) / 997;
        const y = -(((t * 104_729) % 3001) + 1) / 1000;
        if (!shortcut(y)) expect(Object.is(pow(x, y), theirs(x, y))).toBe(true);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives ECMAScript’s special values (Math.pow’s, which the standard fixes exactly)', () => {
    for (const x of SPECIAL) {
      for (const y of SPECIAL) {
        const expected = Math.pow(x, y);
        // The standard fixes NaN, the infinities, zeros and y = 0; other results are only
        // approximated (1 ulp, below): (1 − 2^-53)^-1 is 1 here, as in musl and glibc, and 1 + 2^-52 in V8.
        const fixed = !Number.isFinite(expected) || expected === 0 || y === 0 || x === 0 || !Number.isFinite(x);
        if (fixed) expect([x, y, pow(x, y)]).toEqual([x, y, expected]);
      }
    }
  });

  it('is within 1 ulp of Math.pow on finite results', () => {
    fc.assert(
      fc.property(anyDouble, anyDouble, (x, y) => {
        const expected = Math.pow(x, y);
        fc.pre(Number.isFinite(expected) && expected !== 0);
        expect(ulpsApart(pow(x, y), expected) <= 1n).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is within 0.52 ulp of the exact power for integer exponents and square roots (exact rational arithmetic)', () => {
    // x = m · 2^e exactly; ours = M · 2^E. |ours − x^y| ≤ 0.52 · 2^E is checked as an
    // inequality between integers, scaled by 100 · 2^(…) and raised to powers where needed.
    const decompose = (v: number): [bigint, number] => {
      const b = bitsOf(v);
      const exponent = Number((b >> 52n) & 0x7ffn);
      const fraction = b & ((1n << 52n) - 1n);
      return exponent === 0 ? [fraction, -1074] : [fraction | (1n << 52n), exponent - 1075];
    };
    /** a · 2^p as a fraction [numerator, denominator] of BigInts. */
    const fraction = (a: bigint, p: number): [bigint, bigint] => (p >= 0 ? [a << BigInt(p), 1n] : [a, 1n << BigInt(-p)]);
    fc.assert(
      fc.property(fc.double({ min: 1e-30, max: 1e30, noNaN: true }), fc.oneof(fc.integer({ min: -7, max: 7 }), fc.constantFrom(0.5, -0.5)), (x, y) => {
        const ours = pow(x, y);
        fc.pre(ours > 1e-300 && ours < 1e300);
        const [m, e] = decompose(x);
        const [M, E] = decompose(ours);
        // ours ± 0.52 ulp: (100·M ± 52) · 2^E / 100, the ulp being 2^E.
        const [lowN, lowD] = fraction(100n * M - 52n, E);
        const [highN, highD] = fraction(100n * M + 52n, E);
        const [xN, xD] = fraction(m, e);
        if (Number.isInteger(y)) {
          // low/100 ≤ x^y ≤ high/100, with x^y = xN^y / xD^y (or its inverse for y < 0).
          const k = BigInt(Math.abs(y));
          const [pN, pD] = y >= 0 ? [xN ** k, xD ** k] : [xD ** k, xN ** k];
          expect(lowN * pD <= 100n * lowD * pN).toBe(true);
          expect(100n * highD * pN <= highN * pD).toBe(true);
        } else {
          // y = ±1/2: compare squares, low² ≤ 100² · x^(±1) ≤ high².
          const [pN, pD] = y > 0 ? [xN, xD] : [xD, xN];
          expect(lowN * lowN * pD <= 10_000n * lowD * lowD * pN).toBe(true);
          expect(10_000n * highD * highD * pN <= highN * highN * pD).toBe(true);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('leaves the saturating-scale game’s sampled values the same with and without the kernel, bit for bit', () => {
    const sizes = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7919) % 5000));
    const run = () => permutationShapley(saturatingScaleGame(sizes, 20_000, 0.37), { seed: 3, maxPermutations: 500 });
    const kernel = run();
    powKernel(false);
    const typescript = run();
    expect(Array.from(kernel.values)).toEqual(Array.from(typescript.values));
    expect(Array.from(kernel.standardErrors)).toEqual(Array.from(typescript.standardErrors));
  });
});
