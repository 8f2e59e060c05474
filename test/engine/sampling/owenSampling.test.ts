/**
 * Owen sampling (engine/shapley/owenSampling.ts and the `unions` option of permutationShapley).
 *
 * Expected values come from outside the engine: the consistent orders from the recipe written out
 * again with BigInt Philox (philoxReference.ts), their distribution from counts against the exact
 * number of consistent orders (chi-square), the sampled values from bruteForceOwenExact (every
 * order of the players, keeping the consistent ones), block statistics from a two-pass mean and
 * spread over marginal contributions recomputed by hand along the orders.
 */
import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { coverageGame } from '../../../src/engine/games/coverage';
import type { Game } from '../../../src/engine/games/game';
import { knnGame } from '../../../src/engine/games/knn';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { randomPermutation } from '../../../src/engine/random/permutation';
import { seedKey } from '../../../src/engine/random/philox';
import { owenValue } from '../../../src/engine/shapley/owen';
import { consistentOrder, unionIndices, unionStructure } from '../../../src/engine/shapley/owenSampling';
import { SAMPLING_BLOCK_SIZE, permutationShapley, samplingRun } from '../../../src/engine/shapley/sampling';
import {
  accumulatorFromJSON,
  accumulatorToJSON,
  createAccumulator,
  estimate,
  mergeBlock,
  sampleBlock,
  type BlockStats,
  type SamplingPlan,
} from '../../../src/engine/shapley/samplingAccumulator';
import { bruteForceOwenExact, bruteForceShapleyExact, membersOf } from '../../helpers/bruteForce';
import { lcgTable, marginalsAlong } from './allPermutations';
import { philoxReferenceBig } from './philoxReference';

/** Permutation k of 0..size-1 from counter stream `stream`, straight from the documented recipe. */
function referencePermutation(seed: number, k: number, size: number, stream: number): number[] {
  const mask = 0xffffffffn;
  const key = [BigInt(seed) & mask, BigInt(seed) >> 32n];
  const order = [...Array(size).keys()];
  let t = 0;
  let block: bigint[] = [];
  for (let j = size - 1; j >= 1; j--) {
    if (t % 4 === 0) block = philoxReferenceBig([BigInt(k) & mask, BigInt(k) >> 32n, BigInt(t / 4), BigInt(stream)], key);
    const u = block[t % 4];
    t++;
    const r = Number((u * BigInt(j + 1)) >> 32n);
    [order[j], order[r]] = [order[r], order[j]];
  }
  return order;
}

/**
 * Consistent order k from the recipe in owenSampling.ts's header: unions numbered by first
 * appearance of their label (as text), the union order from stream 1, union u's members (in
 * increasing player index) ordered by stream 2 + u.
 */
function referenceConsistentOrder(seed: number, k: number, labels: ReadonlyArray<string | number>): number[] {
  const names: string[] = [];
  const unionOf = labels.map((label) => {
    if (!names.includes(String(label))) names.push(String(label));
    return names.indexOf(String(label));
  });
  const members = names.map((_, u) => unionOf.flatMap((x, i) => (x === u ? [i] : [])));
  return referencePermutation(seed, k, names.length, 1).flatMap((u) => referencePermutation(seed, k, members[u].length, 2 + u).map((r) => members[u][r]));
}

/** Each union's members stand together: once a union is left, none of its members comes again. */
function isConsistent(order: ArrayLike<number>, unionOf: readonly number[]): boolean {
  const closed = new Set<number>();
  for (let k = 1; k < order.length; k++) {
    const before = unionOf[order[k - 1]];
    const here = unionOf[order[k]];
    if (here !== before) {
      closed.add(before);
      if (closed.has(here)) return false;
    }
  }
  return true;
}

function chiSquare(counts: Iterable<number>, expected: number): number {
  let sum = 0;
  for (const c of counts) sum += (c - expected) ** 2 / expected;
  return sum;
}

function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

const bitsOf = (x: Float64Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, 2 * x.length));

describe('consistent orders', () => {
  it('follow the documented recipe exactly (the one a GPU kernel must replicate)', () => {
    const cases: Array<[number, number, Array<string | number>]> = [
      [0, 0, ['a', 'a', 'b', 'c', 'c', 'c']],
      [1, 1, [7, 3, 7, 3, 3]],
      [12345, 678, ['x']],
      [2 ** 40 + 3, 2 ** 35 + 17, ['p', 'q', 'r', 's', 't', 'u', 'v']],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, [...'aaaaaaaaaabbbbbbbbbbbbc']],
      [99, 5, [1, '1', 2, '02', 2, 1]],
    ];
    for (const [seed, k, labels] of cases) expect(Array.from(consistentOrder(seed, k, labels))).toEqual(referenceConsistentOrder(seed, k, labels));
    for (let k = 0; k < 150; k++) {
      const labels = Array.from({ length: 1 + (k % 17) }, (_, i) => (i * 7 + k) % (1 + (k % 6)));
      expect(Array.from(consistentOrder(2024, k, labels))).toEqual(referenceConsistentOrder(2024, k, labels));
    }
  });

  it('are permutations in which every union stands together, and so are their reverses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (labels, seed, k) => {
          const order = Array.from(consistentOrder(seed, k, labels));
          expect([...order].sort((a, b) => a - b)).toEqual([...labels.keys()]);
          const unionOf = unionIndices(labels);
          expect(isConsistent(order, unionOf)).toBe(true);
          expect(isConsistent([...order].reverse(), unionOf)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('draw the 72 consistent orders of unions {0,1} {2} {3,4,5} uniformly (chi-square, 71 degrees of freedom)', () => {
    const labels = ['x', 'x', 'y', 'z', 'z', 'z'];
    const draws = 72_000;
    const orders = Array.from({ length: draws }, (_, k) => Array.from(consistentOrder(777, k, labels)));
    const counts = tally(orders.map((o) => o.join('')));
    // 3! union orders × 2! × 1! × 3! member orders.
    expect(counts.size).toBe(72);
    // 0.1% and 99.9% quantiles of chi-square(71).
    expect(chiSquare(counts.values(), draws / 72)).toBeGreaterThan(39.77);
    expect(chiSquare(counts.values(), draws / 72)).toBeLessThan(113.58);

    // The union order alone (3! = 6 orders) and union {3,4,5}'s member order alone (6 orders).
    const unionOf = unionIndices(labels);
    const unionOrders = tally(orders.map((o) => o.map((p) => unionOf[p]).filter((u, i, a) => i === 0 || a[i - 1] !== u).join('')));
    const memberOrders = tally(orders.map((o) => o.filter((p) => p >= 3).join('')));
    for (const marginal of [unionOrders, memberOrders]) {
      expect(marginal.size).toBe(6);
      // 0.1% and 99.9% quantiles of chi-square(5).
      expect(chiSquare(marginal.values(), draws / 6)).toBeGreaterThan(0.21);
      expect(chiSquare(marginal.values(), draws / 6)).toBeLessThan(20.52);
    }
  });

  it('draw the 24 consistent orders of interleaved unions {0,2} {1,3,4} uniformly (chi-square, 23 degrees of freedom)', () => {
    const draws = 24_000;
    const counts = tally(Array.from({ length: draws }, (_, k) => consistentOrder(31337, k, [7, 3, 7, 3, 3]).join('')));
    expect(counts.size).toBe(24);
    expect(chiSquare(counts.values(), draws / 24)).toBeGreaterThan(7.53);
    expect(chiSquare(counts.values(), draws / 24)).toBeLessThan(49.73);
  });

  it('put each of 8 singleton unions at each place equally often (chi-square, 7 degrees of freedom)', () => {
    const n = 8;
    const draws = 16_000;
    const atPlace = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const labels = [...Array(n).keys()];
    for (let k = 0; k < draws; k++) consistentOrder(5, k, labels).forEach((player, place) => atPlace[player][place]++);
    for (const places of atPlace) expect(chiSquare(places, draws / n)).toBeLessThan(24.32); // 99.9% quantile of chi-square(7)
  });

  it('come from counter streams of their own: not the plain Shapley permutations of the same seed and index', () => {
    const n = 12;
    const key = seedKey(42);
    const singletons = [...Array(n).keys()];
    const oneUnion = new Array<number>(n).fill(0);
    for (let k = 0; k < 100; k++) {
      const plain = randomPermutation(key, k, n, new Int32Array(n)).join();
      // Singletons draw their order from stream 1, one union from stream 2.
      expect(consistentOrder(42, k, singletons).join()).toBe(randomPermutation(key, k, n, new Int32Array(n), 1).join());
      expect(consistentOrder(42, k, oneUnion).join()).toBe(randomPermutation(key, k, n, new Int32Array(n), 2).join());
      expect(consistentOrder(42, k, singletons).join()).not.toBe(plain);
      expect(consistentOrder(42, k, oneUnion).join()).not.toBe(plain);
    }
    // Stream 0 is the plain permutation, given or not.
    expect(Array.from(randomPermutation(key, 9, n, new Int32Array(n), 0))).toEqual(Array.from(randomPermutation(key, 9, n, new Int32Array(n))));
  });
});

interface OwenCase {
  name: string;
  game: Game;
  unions: Array<string | number>;
}

const train = { features: [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [0.5, 0.2]], labels: [0, 0, 1, 1, 1, 0] };
const test = { features: [[0.1, 0.1], [0.9, 1.1], [1.8, 1.9]], labels: [0, 1, 1] };
const elements = [{ weight: 3, coveredBy: [0, 1] }, { weight: 2, coveredBy: [2] }, { weight: 1.5, coveredBy: [1, 2, 3] }, { weight: 4, coveredBy: [3, 4] }];

const cases: OwenCase[] = [
  { name: 'table, 6 players', game: tableGame(lcgTable(6, 4242, -5, 5), 6), unions: ['a', 'a', 'b', 'b', 'b', 'c'] },
  { name: 'voting, 6 players', game: votingGame([4, 4, 4, 2, 2, 1], 12), unions: [0, 1, 0, 2, 2, 1] },
  { name: 'saturating scale, 5 players', game: saturatingScaleGame([10, 200, 3000, 45, 5], 500, 0.7), unions: ['big', 'small', 'big', 'small', 'small'] },
  { name: 'coverage, 5 players', game: coverageGame(5, elements), unions: [1, 1, 2, 2, 3] },
  { name: 'knn, 6 players', game: knnGame(train, test, 2), unions: ['p', 'q', 'p', 'q', 'r', 'r'] },
];

const vOf = (game: Game) => (mask: number) => game.value(membersOf(mask, game.n));
const exactOwen = (game: Game, unions: Array<string | number>) => bruteForceOwenExact(game.n, unionIndices(unions), vOf(game)).map((r) => r.toNumber());
const exactShapley = (game: Game) => bruteForceShapleyExact(game.n, vOf(game)).map((r) => r.toNumber());

describe.each(cases.map((c) => [c.name, c] as const))('Owen sampling of a %s game', (_name, { game, unions }) => {
  const owen = exactOwen(game, unions);

  it.each([false, true])('lands within 4 standard errors of the exact Owen value (antithetic: %s)', (antithetic) => {
    const r = permutationShapley(game, { seed: 20261203, maxPermutations: 20_000, antithetic, unions });
    expect(r.method).toBe(antithetic ? 'antithetic-owen-permutation' : 'owen-permutation');
    expect(r.unions).toEqual(unionIndices(unions));
    for (let i = 0; i < game.n; i++) expect(Math.abs(r.values[i] - owen[i])).toBeLessThanOrEqual(4 * r.standardErrors[i] + 1e-12);
    // Each consistent order's contributions sum to v(N) − v(∅), so the estimates do too.
    const total = r.values.reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(game.value([...Array(game.n).keys()]) - game.value([]), 9);
  });

  it('gives the same bits for the same seed, others for another seed', () => {
    const a = permutationShapley(game, { seed: 8, maxPermutations: 1000, unions });
    const b = permutationShapley(game, { seed: 8, maxPermutations: 1000, unions: [...unions] });
    const c = permutationShapley(game, { seed: 9, maxPermutations: 1000, unions });
    expect(bitsOf(b.values)).toEqual(bitsOf(a.values));
    expect(bitsOf(b.standardErrors)).toEqual(bitsOf(a.standardErrors));
    expect(bitsOf(c.values)).not.toEqual(bitsOf(a.values));
  });
});

describe('Owen sampling tells the Owen value from the Shapley value', () => {
  it.each(cases.filter((c) => ['table, 6 players', 'voting, 6 players', 'knn, 6 players'].includes(c.name)).map((c) => [c.name, c] as const))(
    '%s: some player is many standard errors from its Shapley value, none from its Owen value',
    (_name, { game, unions }) => {
      const owen = exactOwen(game, unions);
      const shapley = exactShapley(game);
      const r = permutationShapley(game, { seed: 4, maxPermutations: 40_000, unions });
      // In standard errors; a player whose contribution never varies (SE 0) must be exact.
      const distance = (exact: number[]) => Math.max(...exact.map((x, i) => (Math.abs(r.values[i] - x) < 1e-12 ? 0 : Math.abs(r.values[i] - x) / r.standardErrors[i])));
      expect(distance(owen)).toBeLessThan(4);
      expect(distance(shapley)).toBeGreaterThan(10);
    },
  );
});

describe('past brute force', () => {
  it('lands within 4 standard errors of the exact Owen value of a 16-player table with 4 unions (shapley/owen.ts)', () => {
    const n = 16;
    const values = lcgTable(n, 2718, 0, 100);
    const labels = Array.from({ length: n }, (_, i) => `u${(i * 5) % 4}`);
    const unionOf = unionIndices(labels);
    const members = [0, 1, 2, 3].map((u) => [...Array(n).keys()].filter((i) => unionOf[i] === u));
    const exact = owenValue(values, n, members);
    const r = permutationShapley(tableGame(values, n), { seed: 16, maxPermutations: 20_000, unions: labels });
    for (let i = 0; i < n; i++) expect(Math.abs(r.values[i] - exact[i])).toBeLessThanOrEqual(4 * r.standardErrors[i]);
  });
});

describe('singleton unions and a single union', () => {
  const game = tableGame(lcgTable(5, 77, 0, 10), 5);
  const shapley = exactShapley(game);

  it.each<[string, Array<string | number>]>([
    ['every player alone', [0, 1, 2, 3, 4]],
    ['all in one union', ['all', 'all', 'all', 'all', 'all']],
  ])('%s: the Shapley value, within 4 standard errors', (_name, unions) => {
    // The brute-force Owen value agrees with the Shapley value here, as the definition says.
    expect(exactOwen(game, unions)).toEqual(shapley);
    for (const antithetic of [false, true]) {
      const r = permutationShapley(game, { seed: 55, maxPermutations: 20_000, antithetic, unions });
      for (let i = 0; i < 5; i++) expect(Math.abs(r.values[i] - shapley[i])).toBeLessThanOrEqual(4 * r.standardErrors[i] + 1e-12);
    }
  });

  it('a one-player game in its own union: every sample is v({0}) − v(∅)', () => {
    const r = permutationShapley(tableGame(Float64Array.from([1, 4]), 1), { seed: 1, maxPermutations: 10, unions: ['solo'] });
    expect(Array.from(r.values)).toEqual([3]);
    expect(Array.from(r.standardErrors)).toEqual([0]);
  });
});

describe('Owen sampling blocks', () => {
  const n = 6;
  const table = lcgTable(n, 4242, -5, 5);
  const labels = ['a', 'a', 'b', 'b', 'b', 'c'];
  const unions = unionIndices(labels);

  /** The samples of [0, count) recomputed from consistentOrder and v(mask) directly. */
  function samplesByHand(plan: SamplingPlan, count: number): number[][] {
    const v = (mask: number) => table[mask];
    return Array.from({ length: count }, (_, s) => {
      const order = Array.from(consistentOrder(plan.seed, s, labels));
      const forward = marginalsAlong(order, v);
      if (!plan.antithetic) return forward;
      const backward = marginalsAlong([...order].reverse(), v);
      return forward.map((x, i) => (x + backward[i]) / 2);
    });
  }

  it.each([false, true])('walk consistent order s for sample s, and its reverse when antithetic (antithetic: %s)', (antithetic) => {
    const plan: SamplingPlan = { seed: 31, blockSize: 64, antithetic, unions };
    const acc = createAccumulator(n, plan);
    for (let b = 0; b < 3; b++) mergeBlock(acc, sampleBlock(tableGame(table, n), plan, b));
    mergeBlock(acc, sampleBlock(tableGame(table, n), plan, 3, 10));
    const rows = samplesByHand(plan, 3 * 64 + 10);
    const e = estimate(acc);
    for (let i = 0; i < n; i++) {
      const mean = rows.reduce((s, r) => s + r[i], 0) / rows.length;
      const m2 = rows.reduce((s, r) => s + (r[i] - mean) ** 2, 0);
      expect(e.values[i]).toBeCloseTo(mean, 12);
      expect(e.standardErrors[i]).toBeCloseTo(Math.sqrt(m2 / (rows.length - 1) / rows.length), 12);
    }
  });

  it.each([false, true])('give permutationShapley bit for bit however blocks are spread, and through a checkpoint (antithetic: %s)', (antithetic) => {
    const perSample = antithetic ? 2 : 1;
    const samples = 5 * SAMPLING_BLOCK_SIZE + 7;
    const run = permutationShapley(tableGame(table, n), { seed: 77, maxPermutations: samples * perSample, antithetic, unions: labels });
    const { plan } = samplingRun({ seed: 77, maxPermutations: samples * perSample, antithetic, unions: labels });
    expect(plan.unions).toEqual(unions);
    // Blocks computed backwards by two "workers" with their own game objects.
    const blocks = new Map<number, BlockStats>();
    for (let b = 5; b >= 0; b--) blocks.set(b, sampleBlock(tableGame(Float64Array.from(table), n), plan, b, b === 5 ? 7 : SAMPLING_BLOCK_SIZE));
    const first = createAccumulator(n, plan);
    for (let b = 0; b < 3; b++) mergeBlock(first, blocks.get(b)!);
    const json = JSON.parse(JSON.stringify(accumulatorToJSON(first)));
    expect(json.unions).toEqual(unions);
    const restored = accumulatorFromJSON(json);
    for (let b = 3; b <= 5; b++) mergeBlock(restored, blocks.get(b)!);
    expect(bitsOf(estimate(restored).values)).toEqual(bitsOf(run.values));
    expect(bitsOf(estimate(restored).standardErrors)).toEqual(bitsOf(run.standardErrors));
  });

  it('stop on a target standard error at the block where the errors first meet it', () => {
    const r = permutationShapley(tableGame(table, n), { seed: 3, targetStandardError: 0.05, unions: labels });
    expect(r.stoppedBy).toBe('targetStandardError');
    expect(Math.max(...r.standardErrors)).toBeLessThanOrEqual(0.05);
    const oneBlockLess = permutationShapley(tableGame(table, n), { seed: 3, maxPermutations: r.permutations - SAMPLING_BLOCK_SIZE, unions: labels });
    expect(Math.max(...oneBlockLess.standardErrors)).toBeGreaterThan(0.05);
  });

  it('keep plain checkpoints and blocks as they were: no unions field', () => {
    const plan: SamplingPlan = { seed: 31, blockSize: 8, antithetic: false };
    const block = sampleBlock(tableGame(table, n), plan, 0);
    expect('unions' in block).toBe(false);
    expect('unions' in accumulatorToJSON(mergeBlock(createAccumulator(n, plan), block))).toBe(false);
    expect('unions' in samplingRun({ seed: 1, maxPermutations: 10 }).plan).toBe(false);
  });

  describe('refuse what does not belong to the run', () => {
    const plan: SamplingPlan = { seed: 31, blockSize: 8, antithetic: false, unions };
    const game = tableGame(table, n);
    const refused = (call: () => unknown, field: string, message: RegExp) => {
      expect(call).toThrow(EngineInputError);
      expect(call).toThrow(expect.objectContaining({ field }));
      expect(call).toThrow(message);
    };

    it('a block of plain Shapley sampling, or of other unions, in an Owen run; an Owen block in a plain run', () => {
      refused(() => mergeBlock(createAccumulator(n, plan), sampleBlock(game, { ...plan, unions: undefined }, 0)), 'block', /unions none.*the run has \[0, 0, 1, 1, 1, 2\]/);
      refused(() => mergeBlock(createAccumulator(n, plan), sampleBlock(game, { ...plan, unions: [0, 0, 1, 1, 2, 2] }, 0)), 'block', /unions \[0, 0, 1, 1, 2, 2\]/);
      refused(() => mergeBlock(createAccumulator(n, { ...plan, unions: undefined }), sampleBlock(game, plan, 0)), 'block', /plain Shapley sampling/);
    });

    it('unions for another number of players, or not numbered by first appearance', () => {
      refused(() => sampleBlock(game, { ...plan, unions: [0, 0, 1] }, 0), 'unions', /each of the 6 players, got 3/);
      refused(() => createAccumulator(5, plan), 'unions', /each of the 5 players, got 6/);
      refused(() => permutationShapley(game, { seed: 1, maxPermutations: 10, unions: ['a', 'b'] }), 'unions', /each of the 6 players, got 2/);
      refused(() => unionStructure([1, 0], 2), 'unions', /item 1: .*first appearance: expected 0 to 0, got 1/);
      refused(() => unionStructure([0, 2, 1], 3), 'unions', /item 2: .*expected 0 to 1, got 2/);
      refused(() => accumulatorFromJSON({ ...accumulatorToJSON(createAccumulator(n, plan)), unions: 'a' }), 'checkpoint', /unions must be a list/);
    });
  });
});

describe('union labels', () => {
  it('number unions by first appearance, comparing labels as text', () => {
    expect(unionIndices(['b', 'a', 'b', 'c'])).toEqual([0, 1, 0, 2]);
    expect(unionIndices([7, 3, 7, 3, 3])).toEqual([0, 1, 0, 1, 1]);
    expect(unionIndices([1, '1', 2, '02', -4])).toEqual([0, 0, 1, 2, 3]);
    expect(unionIndices([])).toEqual([]);
  });

  it.each<[string, unknown[], number]>([
    ['an empty text', ['a', ''], 1],
    ['a blank text', ['a', 'b', '  '], 2],
    ['a fraction', [1.5], 0],
    ['not a number', [1, NaN], 1],
    ['null', [null, 1], 0],
    ['a list', [1, [1]], 1],
    ['a number past 2^53', [2 ** 53], 0],
  ])('refuse %s, naming the item', (_what, labels, index) => {
    const call = () => unionIndices(labels as never);
    expect(call).toThrow(EngineInputError);
    expect(call).toThrow(expect.objectContaining({ field: 'unions', index }));
    expect(call).toThrow(new RegExp(`^unions, item ${index + 1}: a union is named by a non-empty text or a whole number`));
  });

  it('refuse a non-list, and a bad index or stream', () => {
    expect(() => unionIndices('abc' as never)).toThrow(expect.objectContaining({ field: 'unions' }));
    expect(() => unionIndices('abc' as never)).toThrow(/must list the union of each player/);
    expect(() => consistentOrder(1, -1, [0])).toThrow(expect.objectContaining({ field: 'permutationIndex' }));
    expect(() => consistentOrder(-1, 0, [0])).toThrow(expect.objectContaining({ field: 'seed' }));
    expect(() => randomPermutation(seedKey(1), 0, 3, new Int32Array(3), 2 ** 32)).toThrow(expect.objectContaining({ field: 'stream' }));
    expect(() => randomPermutation(seedKey(1), 0, 3, new Int32Array(3), 0.5)).toThrow(/stream: must be a whole number from 0 to 2\^32 − 1/);
  });
});
