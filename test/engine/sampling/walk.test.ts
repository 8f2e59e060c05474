/**
 * CoalitionWalker.walk: the one-call walk a game may write so that permutation sampling's loop
 * does not call add() once per player (games/game.ts says why). It must give the numbers of
 * reset() and add() one by one, bit for bit, and sampling with it (permutation or stratified)
 * must give the results of sampling without it.
 */
import fc from 'fast-check';
import type { Game } from '../../../src/engine/games/game';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { stratifiedShapley } from '../../../src/engine/shapley/stratifiedSampling';

/** The same game with its walker's walk() removed: sampling then steps with add(). */
function withoutWalk(game: Game): Game {
  return {
    n: game.n,
    value: (coalition) => game.value(coalition),
    walker() {
      const w = game.walker();
      return { reset: () => w.reset(), add: (player) => w.add(player) };
    },
  };
}

const games: fc.Arbitrary<Game> = fc.oneof(
  fc.integer({ min: 1, max: 9 }).chain((n) =>
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }).map((values) => tableGame(Float64Array.from(values), n)),
  ),
  fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 30 }).chain((weights) =>
    fc.integer({ min: 1, max: weights.reduce((a, b) => a + b, 0) }).map((quota) => votingGame(weights, quota)),
  ),
  fc.array(fc.double({ min: 0.5, max: 5000, noNaN: true }), { minLength: 1, maxLength: 30 }).chain((sizes) =>
    fc.record({ halfSize: fc.double({ min: 1, max: 1e6, noNaN: true }), alpha: fc.double({ min: 0.05, max: 3, noNaN: true }) }).map(({ halfSize, alpha }) => saturatingScaleGame(sizes, halfSize, alpha)),
  ),
);

/** A game with a random order of its players, placed at an offset inside a longer array. */
const walks = games.chain((game) =>
  fc.record({
    game: fc.constant(game),
    order: fc.shuffledSubarray(Array.from({ length: game.n }, (_, i) => i), { minLength: game.n, maxLength: game.n }),
    offset: fc.integer({ min: 0, max: 5 }),
  }),
);

describe('CoalitionWalker.walk', () => {
  it('the table, voting and saturating-scale games have one', () => {
    expect(tableGame(Float64Array.of(0, 1), 1).walker().walk).toBeInstanceOf(Function);
    expect(votingGame([1, 2], 2).walker().walk).toBeInstanceOf(Function);
    expect(saturatingScaleGame([1, 2], 10, 0.5).walker().walk).toBeInstanceOf(Function);
  });

  it('gives the values of reset() and add() one by one, and of value() on each prefix, bit for bit', () => {
    fc.assert(
      fc.property(walks, ({ game, order, offset }) => {
        const n = game.n;
        const placed = new Int32Array(offset + n + 2).fill(-1);
        placed.set(order, offset);
        const walker = game.walker();
        walker.add(order[0]); // a walker left mid-walk: walk() starts from the empty coalition
        const walked = new Float64Array(n + 1).fill(NaN);
        walker.walk!(placed, offset, n, walked);
        const stepped = [walker.reset(), ...order.map((p) => walker.add(p))];
        const byValue = order.map((_, k) => game.value(order.slice(0, k + 1)));
        for (let k = 0; k <= n; k++) expect(Object.is(walked[k], stepped[k])).toBe(true);
        for (let k = 0; k < n; k++) expect(Object.is(walked[k + 1], byValue[k])).toBe(true);
        expect(Object.is(walked[0], game.value([]))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('sampling with walk() gives the results of sampling by add(): plain, antithetic and Owen, values and standard errors', () => {
    fc.assert(
      fc.property(games, fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), fc.boolean(), (game, seed, antithetic, owen) => {
        const unions = owen ? Array.from({ length: game.n }, (_, i) => i % 3) : undefined;
        const options = { seed, maxPermutations: 600, antithetic, unions };
        const fast = permutationShapley(game, options);
        const slow = permutationShapley(withoutWalk(game), options);
        expect(Array.from(fast.values)).toEqual(Array.from(slow.values));
        expect(Array.from(fast.standardErrors)).toEqual(Array.from(slow.standardErrors));
      }),
      { numRuns: 120 },
    );
  });

  it('stratified sampling with walk() gives the results of stratified sampling by add(): Shapley and Owen', () => {
    fc.assert(
      fc.property(games, fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), (game, seed, owen) => {
        const unions = owen ? Array.from({ length: game.n }, (_, i) => i % 3) : undefined;
        const options = { seed, maxContributions: 4 * game.n * game.n + 50, unions };
        const fast = stratifiedShapley(game, options);
        const slow = stratifiedShapley(withoutWalk(game), options);
        expect(Array.from(fast.values)).toEqual(Array.from(slow.values));
        expect(Array.from(fast.standardErrors)).toEqual(Array.from(slow.standardErrors));
      }),
      { numRuns: 80 },
    );
  });
});
