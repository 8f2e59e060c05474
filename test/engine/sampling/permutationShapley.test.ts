import { EngineInputError } from '../../../src/engine/errors';
import { functionGame, type Game } from '../../../src/engine/games/game';
import { tableGame } from '../../../src/engine/games/table';
import {
  PERMUTATION_CAP,
  SAMPLING_BLOCK_SIZE,
  permutationShapley,
  type PermutationSamplingOptions,
  type SamplingProgress,
} from '../../../src/engine/shapley/sampling';
import { ENGINE_VERSION } from '../../../src/engine/version';
import { lcgTable, permutationMoments, popcount } from './allPermutations';

/** A game given by v(mask), as a table (fast walker) plus the same function for the reference. */
function gameOf(n: number, v: (mask: number) => number): { game: Game; v: (mask: number) => number } {
  const values = new Float64Array(2 ** n);
  for (let mask = 0; mask < values.length; mask++) values[mask] = v(mask);
  return { game: tableGame(values, n), v: (mask) => values[mask] };
}

const sumOver = (mask: number, w: readonly number[]): number => w.reduce((s, wi, i) => (mask & (1 << i) ? s + wi : s), 0);

const games: Record<string, { n: number; v: (mask: number) => number }> = {
  'random table, 5 players': { n: 5, v: (mask) => lcgTable(5, 11)[mask] },
  // Weighted majority [4, 3, 2, 2, 1, 1], quota 7: 0/1 values, heavy-tailed marginal contributions.
  'weighted voting, 6 players': { n: 6, v: (mask) => (sumOver(mask, [4, 3, 2, 2, 1, 1]) >= 7 ? 1 : 0) },
  // Glove game, 2 left-glove holders (players 0, 1) and 4 right-glove holders.
  'glove game, 6 players': { n: 6, v: (mask) => Math.min(popcount(mask & 0b11), popcount(mask & 0b111100)) },
  'saturating scale, 6 players': { n: 6, v: (mask) => 1 - (1 + sumOver(mask, [1, 2, 3, 5, 8, 13]) / 10) ** -1 },
  'non-zero empty coalition, 4 players': { n: 4, v: (mask) => 3 + (mask * 37) % 11 },
};

describe('permutationShapley', () => {
  describe.each(Object.entries(games))('%s', (_name, { n, v }) => {
    const { game } = gameOf(n, v);
    const exact = permutationMoments(n, v);

    it.each([false, true])('lands within 4 standard errors of the exact value (antithetic: %s)', (antithetic) => {
      const r = permutationShapley(game, { seed: 20250101, maxPermutations: 3000, antithetic });
      for (let i = 0; i < n; i++) {
        expect(Math.abs(r.values[i] - exact.shapley[i])).toBeLessThanOrEqual(4 * r.standardErrors[i] + 1e-12);
      }
    });

    it.each([false, true])('estimates sum to v(N) − v(∅) (antithetic: %s)', (antithetic) => {
      const r = permutationShapley(game, { seed: 3, maxPermutations: 1000, antithetic });
      const total = r.values.reduce((s, x) => s + x, 0);
      expect(total).toBeCloseTo(v(2 ** n - 1) - v(0), 10);
    });
  });

  it('reports a standard error that is the true spread over sqrt(samples), shrinking like 1/sqrt(m)', () => {
    const n = 6;
    const { game, v } = gameOf(n, (mask) => lcgTable(n, 5)[mask]);
    const { plainVariance } = permutationMoments(n, v);
    const small = permutationShapley(game, { seed: 8, maxPermutations: 1024 });
    const large = permutationShapley(game, { seed: 8, maxPermutations: 16 * 1024 });
    for (let i = 0; i < n; i++) {
      // 16× the samples → a quarter of the standard error (±10% for the estimate of the spread).
      expect(small.standardErrors[i] / large.standardErrors[i]).toBeGreaterThan(3.6);
      expect(small.standardErrors[i] / large.standardErrors[i]).toBeLessThan(4.4);
      const trueError = Math.sqrt(plainVariance[i] / large.samples);
      expect(large.standardErrors[i] / trueError).toBeGreaterThan(0.95);
      expect(large.standardErrors[i] / trueError).toBeLessThan(1.05);
    }
  });

  describe('antithetic pairs', () => {
    // Reversing an order turns the players before i, P, into the players after i, N∖(P∪{i}).
    // For v(S) = f(W(S)) with W additive, i's marginal contribution depends on W(P); when f is
    // quadratic it is linear in W(P), and W(P) + W(N∖(P∪{i})) = W(N) − w_i is fixed, so the pair
    // average does not vary at all. Concave-but-smooth f (a saturating scale) is close to
    // quadratic over the range, so pairs remove most of the variance.
    it('are exact on a quadratic game, where plain permutations are not', () => {
      const w = [1, 2, 3, 4, 5];
      const { game, v } = gameOf(5, (mask) => sumOver(mask, w) ** 2);
      const exact = permutationMoments(5, v);
      const plain = permutationShapley(game, { seed: 1, maxPermutations: 512 });
      const pairs = permutationShapley(game, { seed: 1, maxPermutations: 512, antithetic: true });
      for (let i = 0; i < 5; i++) {
        expect(exact.plainVariance[i]).toBeGreaterThan(100);
        expect(exact.antitheticVariance[i]).toBeLessThan(1e-9);
        expect(plain.standardErrors[i]).toBeGreaterThan(0.1);
        expect(pairs.standardErrors[i]).toBeLessThan(1e-9);
        expect(pairs.values[i]).toBeCloseTo(exact.shapley[i], 9);
      }
    });

    it('cut the standard error at equal cost on a saturating-scale game', () => {
      const sizes = [1, 2, 3, 5, 8, 13];
      const f = (mask: number): number => 1 - (1 + sumOver(mask, sizes) / 20) ** -0.5;
      const { game, v } = gameOf(6, f);
      const exact = permutationMoments(6, v);
      const plain = permutationShapley(game, { seed: 2, maxPermutations: 4096 });
      const pairs = permutationShapley(game, { seed: 2, maxPermutations: 4096, antithetic: true });
      expect(pairs.permutations).toBe(plain.permutations);
      expect(pairs.samples).toBe(plain.samples / 2);
      for (let i = 0; i < 6; i++) {
        // The exact variances say by how much pairs should win (a pair's variance below a tenth
        // of a single permutation's); at equal cost (a pair is two permutations) the standard
        // error should then shrink by sqrt(2 · 0.1) ≈ 0.45 or better.
        expect(exact.antitheticVariance[i]).toBeLessThan(0.1 * exact.plainVariance[i]);
        expect(pairs.standardErrors[i]).toBeLessThan(0.5 * plain.standardErrors[i]);
        const predicted = Math.sqrt(exact.antitheticVariance[i] / pairs.samples);
        expect(pairs.standardErrors[i] / predicted).toBeGreaterThan(0.9);
        expect(pairs.standardErrors[i] / predicted).toBeLessThan(1.1);
      }
    });
  });

  describe('stopping', () => {
    const n = 6;
    const { game } = gameOf(n, (mask) => lcgTable(n, 77)[mask]);

    it('stops at exactly maxPermutations, also mid-block', () => {
      const r = permutationShapley(game, { seed: 4, maxPermutations: 1000 });
      expect(r.permutations).toBe(1000);
      expect(r.samples).toBe(1000);
      expect(r.marginalContributions).toBe(6000);
      expect(r.stoppedBy).toBe('maxPermutations');
      expect(r.method).toBe('permutation');
      expect(r.seed).toBe(4);
      expect(r.engineVersion).toBe(ENGINE_VERSION);
    });

    it('counts both permutations of an antithetic pair, rounding an odd budget down', () => {
      const r = permutationShapley(game, { seed: 4, maxPermutations: 1001, antithetic: true });
      expect(r.permutations).toBe(1000);
      expect(r.samples).toBe(500);
      expect(r.marginalContributions).toBe(6000);
      expect(r.method).toBe('antithetic-permutation');
    });

    it('stops on the first block whose standard errors all meet the target', () => {
      const target = 0.01;
      const r = permutationShapley(game, { seed: 5, targetStandardError: target });
      expect(r.stoppedBy).toBe('targetStandardError');
      expect(Math.max(...r.standardErrors)).toBeLessThanOrEqual(target);
      expect(r.permutations % SAMPLING_BLOCK_SIZE).toBe(0);
      expect(r.permutations).toBeGreaterThan(SAMPLING_BLOCK_SIZE);
      // One block fewer had not met it, so it did not run longer than needed.
      const earlier = permutationShapley(game, { seed: 5, maxPermutations: r.permutations - SAMPLING_BLOCK_SIZE });
      expect(Math.max(...earlier.standardErrors)).toBeGreaterThan(target);
    });

    it('prefers the target when both rules hold, and the maximum when the target is out of reach', () => {
      const reached = permutationShapley(game, { seed: 5, targetStandardError: 1, maxPermutations: 256 });
      expect(reached.stoppedBy).toBe('targetStandardError');
      const missed = permutationShapley(game, { seed: 5, targetStandardError: 1e-6, maxPermutations: 600 });
      expect(missed.stoppedBy).toBe('maxPermutations');
      expect(missed.permutations).toBe(600);
    });

    it('does not stop on the standard error before minPermutations', () => {
      // An additive game: every marginal contribution is the player's weight, so the standard
      // error is 0 from the second sample on.
      const additive = gameOf(n, (mask) => sumOver(mask, [1, 2, 3, 4, 5, 6])).game;
      const quick = permutationShapley(additive, { seed: 6, targetStandardError: 1e-9 });
      expect(quick.permutations).toBe(SAMPLING_BLOCK_SIZE);
      expect(Array.from(quick.values)).toEqual([1, 2, 3, 4, 5, 6]);
      const patient = permutationShapley(additive, { seed: 6, targetStandardError: 1e-9, minPermutations: 1000 });
      expect(patient.stoppedBy).toBe('targetStandardError');
      expect(patient.permutations).toBe(4 * SAMPLING_BLOCK_SIZE);
    });

    it('ends an unreachable target at PERMUTATION_CAP', () => {
      const small = gameOf(2, (mask) => [0, 1, 3, 10][mask]).game;
      const r = permutationShapley(small, { seed: 9, targetStandardError: 1e-12 });
      expect(r.stoppedBy).toBe('maxPermutations');
      expect(r.permutations).toBe(PERMUTATION_CAP);
      expect(Math.max(...r.standardErrors)).toBeGreaterThan(1e-12);
    });

    it('reports progress after every block and cancels when the callback returns false', () => {
      const seen: SamplingProgress[] = [];
      const r = permutationShapley(game, {
        seed: 10,
        maxPermutations: 5000,
        onProgress: (p) => {
          seen.push(p);
          return seen.length < 3;
        },
      });
      expect(r.stoppedBy).toBe('cancelled');
      expect(r.permutations).toBe(3 * SAMPLING_BLOCK_SIZE);
      expect(seen.map((p) => p.permutations)).toEqual([256, 512, 768]);
      expect(seen[2].marginalContributions).toBe(768 * n);
      expect(seen[2].largestStandardError).toBe(Math.max(...r.standardErrors));
      // Cancelling keeps the work done: the result is that of the shorter run.
      const shorter = permutationShapley(game, { seed: 10, maxPermutations: 768 });
      expect(Array.from(r.values)).toEqual(Array.from(shorter.values));
    });

    it('lets a callback that returns nothing run to the end', () => {
      let calls = 0;
      const r = permutationShapley(game, { seed: 10, maxPermutations: 600, onProgress: () => void calls++ });
      expect(r.stoppedBy).toBe('maxPermutations');
      expect(calls).toBe(3);
    });
  });

  it('is reproducible from its seed, and another seed gives another estimate', () => {
    const { game } = gameOf(5, (mask) => lcgTable(5, 3)[mask]);
    const a = permutationShapley(game, { seed: 42, maxPermutations: 700, antithetic: true });
    const b = permutationShapley(game, { seed: 42, maxPermutations: 700, antithetic: true });
    const c = permutationShapley(game, { seed: 43, maxPermutations: 700, antithetic: true });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.standardErrors)).toEqual(Array.from(b.standardErrors));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
  });

  it('works through a game whose walker re-evaluates from scratch', () => {
    const n = 4;
    const v = (members: readonly number[]): number => members.reduce((s, p) => s + p + 1, 0) ** 1.5;
    const game = functionGame(n, v);
    const exact = permutationMoments(n, (mask) => v([...Array(n).keys()].filter((p) => mask & (1 << p))));
    const r = permutationShapley(game, { seed: 12, maxPermutations: 2000 });
    for (let i = 0; i < n; i++) expect(Math.abs(r.values[i] - exact.shapley[i])).toBeLessThanOrEqual(4 * r.standardErrors[i]);
  });

  it('handles one player (the whole value, exactly) and none', () => {
    const one = permutationShapley(gameOf(1, (mask) => (mask ? 5 : 2)).game, { seed: 0, maxPermutations: 10 });
    expect(Array.from(one.values)).toEqual([3]);
    expect(Array.from(one.standardErrors)).toEqual([0]);
    const none = permutationShapley(gameOf(0, () => 0).game, { seed: 0, targetStandardError: 0.1 });
    expect(none.values.length).toBe(0);
    expect(none.stoppedBy).toBe('targetStandardError');
  });

  it('gives NaN standard errors from a single sample rather than a false zero', () => {
    const { game } = gameOf(3, (mask) => lcgTable(3, 1)[mask]);
    const r = permutationShapley(game, { seed: 0, maxPermutations: 1 });
    expect(r.standardErrors.every(Number.isNaN)).toBe(true);
  });

  it('refuses a game that yields non-finite values', () => {
    const { game } = gameOf(3, (mask) => (mask === 5 ? NaN : mask));
    expect(() => permutationShapley(game, { seed: 0, maxPermutations: 100 })).toThrow(expect.objectContaining({ field: 'values' }));
  });

  describe('input errors', () => {
    const { game } = gameOf(3, (mask) => mask);
    const fails = (options: PermutationSamplingOptions, field: string): void => {
      let error: unknown;
      try {
        permutationShapley(game, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EngineInputError);
      expect((error as EngineInputError).field).toBe(field);
      expect((error as EngineInputError).index).toBeUndefined();
    };

    it('needs a stopping rule', () => fails({ seed: 1 }, 'maxPermutations'));
    it.each([-1, 1.5, 2 ** 53, NaN])('rejects the seed %p', (seed) => fails({ seed, maxPermutations: 10 }, 'seed'));
    it.each([0, -5, 2.5, NaN, Infinity])('rejects maxPermutations %p', (m) => fails({ seed: 1, maxPermutations: m }, 'maxPermutations'));
    it('rejects an antithetic budget below one pair', () => fails({ seed: 1, maxPermutations: 1, antithetic: true }, 'maxPermutations'));
    it.each([0, -0.1, NaN, Infinity])('rejects targetStandardError %p', (t) => fails({ seed: 1, targetStandardError: t }, 'targetStandardError'));
    it.each([-1, 0.5, NaN])('rejects minPermutations %p', (m) => fails({ seed: 1, maxPermutations: 10, minPermutations: m }, 'minPermutations'));
  });
});
