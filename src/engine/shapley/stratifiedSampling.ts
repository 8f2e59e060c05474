import { EngineInputError } from '../errors';
import { walkOrder, type Game } from '../games/game';
import { PermutationBatches, permutationsPerDraw } from '../random/permutationBatches';
import { seedKey } from '../random/philox';
import { ENGINE_VERSION } from '../version';
import { unionIndices, unionStructure, type UnionStructure } from './owenSampling';

/**
 * Shapley (or, given unions, Owen) values by stratified sampling with optimum allocation
 * (Castro, Gómez, Molina & Tejada 2017, "Improving polynomial estimation of the Shapley value
 * by stratified random sampling with optimum allocation", Computers & Operations Research 82).
 *
 * φ_i is an average over strata of equal weight: the size k = 0..n−1 of the coalition S that i
 * joins, S uniform among the coalitions of k others. Within a stratum the marginal
 * contributions v(S ∪ i) − v(S) often vary far less than across strata (in a voting game most
 * sizes give 0 always), so sampling each stratum separately and giving more samples to the
 * strata that vary more reaches a given precision with fewer marginal contributions than
 * permutation sampling, which samples the sizes in proportion only.
 *
 * The Owen value is the same with two-level strata (Owen 1977): i's union u comes after h of the
 * m − 1 other unions (h uniform in 0..m−1) and after r of its |u| − 1 union-mates (r uniform in
 * 0..|u|−1); S is h other unions, whole, and r mates, each set uniform. Stratum (h, r) has
 * weight 1/(m·|u|). Every player alone in its union gives Shapley's n strata of size k = h.
 *
 * Two phases, as Castro et al.: a pilot of the same number of samples in every stratum (half the
 * budget by default) estimates each stratum's standard deviation s; the rest of the budget is
 * split equally among the players and, for each player, among its strata in proportion to s
 * (Neyman's optimum allocation: it minimises the variance of φ̂_i for that many samples). Then
 *
 *   φ̂_i = Σ_l w_l · mean_il        SE_i = sqrt(Σ_l w_l² · s²_il / N_il)
 *
 * over i's strata l, N_il the samples drawn in stratum l (pilot included).
 *
 * Reproducible from the seed: player i's t-th sample (t counting the pilot's samples stratum by
 * stratum, then the second phase's the same way) draws permutation t of stream 2^31 + 2i over the
 * L other unions, and of stream 2^31 + 2i + 1 over the union-mates (random/permutation.ts;
 * streams 0, 1, 2... belong to permutation and Owen sampling). Of L places it takes the top h
 * (places L − h .. L − 1) when h ≤ L/2, else all but the top L − h: either way a uniform subset
 * of size h whose shuffle stops after min(h, L − h) steps (drawPermutation's `swaps`), which
 * makes the draw 2 to 4 times cheaper than a whole permutation. Likewise r of the mates. So the
 * numbers depend on the seed, the budget and the pilot share, not on the machine.
 */

export interface StratifiedSamplingOptions {
  /** Integer in [0, 2^53 − 1]. */
  seed: number;
  /**
   * Marginal contributions to evaluate in all, pilot included: the budget that permutation
   * sampling spends as permutations × n. At least 2 per stratum (n² strata for Shapley).
   */
  maxContributions: number;
  /** Share of the budget spent on the pilot, in (0, 1]; default 0.5. */
  pilotShare?: number;
  /** Owen value: each player's a priori union, as for permutation sampling. */
  unions?: ReadonlyArray<string | number>;
}

export interface StratifiedShapley {
  readonly values: Float64Array;
  readonly standardErrors: Float64Array;
  /** Marginal contributions evaluated (each costs two values of the game). */
  readonly marginalContributions: number;
  /** Strata over all players (n² for Shapley) and samples per stratum in the pilot. */
  readonly strata: number;
  readonly pilotPerStratum: number;
  readonly seed: number;
  readonly method: 'stratified' | 'owen-stratified';
  readonly unions?: readonly number[];
  readonly engineVersion: string;
}

/** Counter word 3 of player i's draws: 2^31 + 2i (other unions) and 2^31 + 2i + 1 (mates). */
export const STRATIFIED_STREAM = 2 ** 31;

export const DEFAULT_PILOT_SHARE = 0.5;

/** One player's strata and their statistics: (h, r) is stratum l = h·|u| + r. */
interface PlayerStrata {
  readonly player: number;
  /** The unions other than the player's, in increasing union index. */
  readonly otherUnions: Int32Array;
  /** The player's union-mates, in increasing player index. */
  readonly mates: Int32Array;
  readonly count: number;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly samples: Float64Array;
}

/** Player i's strata: (number of unions) × (size of i's union), h and r taking each value. */
function strataCount(structure: UnionStructure, player: number): number {
  const u = structure.unionOf[player];
  return structure.count * (structure.offsets[u + 1] - structure.offsets[u]);
}

function playerStrata(structure: UnionStructure, player: number): PlayerStrata {
  const u = structure.unionOf[player];
  const otherUnions = Int32Array.from({ length: structure.count - 1 }, (_, q) => (q < u ? q : q + 1));
  const mates: number[] = [];
  for (let k = structure.offsets[u]; k < structure.offsets[u + 1]; k++) if (structure.members[k] !== player) mates.push(structure.members[k]);
  const count = strataCount(structure, player);
  return { player, otherUnions, mates: Int32Array.from(mates), count, mean: new Float64Array(count), m2: new Float64Array(count), samples: new Float64Array(count) };
}

/**
 * `total` whole units split in proportion to `weights` (all ≥ 0), by largest remainders, ties
 * to the lower index; equally when the weights are all 0.
 */
function apportion(total: number, weights: Float64Array): Float64Array {
  let sum = 0;
  for (let l = 0; l < weights.length; l++) sum += weights[l];
  const share = (l: number) => (sum > 0 ? (total * weights[l]) / sum : total / weights.length);
  const out = new Float64Array(weights.length);
  let given = 0;
  for (let l = 0; l < weights.length; l++) {
    out[l] = Math.floor(share(l));
    given += out[l];
  }
  const order = Array.from(weights, (_, l) => l).sort((a, b) => share(b) - out[b] - (share(a) - out[a]) || a - b);
  for (let q = 0; given < total; q++, given++) out[order[q % order.length]]++;
  return out;
}

/**
 * Per-thread buffers of the samples: the unions' orders (the kernel's memory holds one run of
 * orders at a time), and a sample's coalition then player with its walk's values (walkOrder).
 */
interface Draws {
  unionOrders: Int32Array;
  readonly coalition: Int32Array;
  readonly values: Float64Array;
}

/** Draws `samples` samples of stratum l of one player's strata into its Welford statistics. */
function sampleStratum(game: Game, strata: PlayerStrata, structure: UnionStructure, l: number, samples: number, key: Uint32Array, next: { t: number }, draws: Draws): void {
  const others = strata.otherUnions.length;
  const mates = strata.mates.length;
  const choices = mates + 1;
  const h = Math.floor(l / choices);
  const r = l % choices;
  const { offsets, members } = structure;
  const walker = game.walker();
  const { coalition, values } = draws;
  const stream = STRATIFIED_STREAM + 2 * strata.player;
  // Orders of 0 or 1 element are the identity and draw no words: skip drawing them.
  const unionBatches = others > 1 ? new PermutationBatches(others, key[0], key[1], stream) : undefined;
  const mateBatches = mates > 1 ? new PermutationBatches(mates, key[0], key[1], stream + 1) : undefined;
  const perDraw = permutationsPerDraw(Math.max(others, mates, 1));
  // Which places of a stopped shuffle make the subset: the top `size` ones, or the bottom.
  const unionSwaps = Math.min(h, others - h);
  const unionStart = h <= others / 2 ? others - h : 0;
  const mateSwaps = Math.min(r, mates - r);
  const mateStart = r <= mates / 2 ? mates - r : 0;
  for (let done = 0; done < samples; ) {
    const count = Math.min(perDraw, samples - done);
    let unionOrders: Int32Array | undefined;
    if (unionBatches) {
      if (draws.unionOrders.length < count * others) draws.unionOrders = new Int32Array(count * others);
      unionOrders = draws.unionOrders;
      unionOrders.set(unionBatches.draw(next.t, count, unionSwaps));
    }
    const mateOrders = mateBatches?.draw(next.t, count, mateSwaps);
    for (let s = 0; s < count; s++) {
      let size = 0;
      for (let q = unionStart; q < unionStart + h; q++) {
        const union = strata.otherUnions[unionOrders ? unionOrders[s * others + q] : q];
        for (let k = offsets[union]; k < offsets[union + 1]; k++) coalition[size++] = members[k];
      }
      for (let q = mateStart; q < mateStart + r; q++) coalition[size++] = strata.mates[mateOrders ? mateOrders[s * mates + q] : q];
      coalition[size++] = strata.player;
      // The coalition then the player in one call (CoalitionWalker.walk says why).
      walkOrder(walker, coalition, 0, size, values);
      const x = values[size] - values[size - 1];
      // Welford, as permutation sampling: no cancellation when the mean is large against the spread.
      const n = strata.samples[l] + 1;
      const d = x - strata.mean[l];
      strata.mean[l] += d / n;
      strata.m2[l] += d * (x - strata.mean[l]);
      strata.samples[l] = n;
    }
    next.t += count;
    done += count;
  }
}

/** A stratified run checked: its strata, pilot and the second phase's share of each player. */
export interface StratifiedPlan {
  readonly key: Uint32Array;
  readonly structure: UnionStructure;
  readonly strata: number;
  readonly pilotPerStratum: number;
  /** Second-phase samples of each player. */
  readonly secondPhase: Float64Array;
  /** Union numbers when the options gave unions (Owen), else undefined. */
  readonly unions?: readonly number[];
}

/** Checks the options against the game and fixes everything but the samples themselves. */
export function stratifiedPlan(n: number, options: StratifiedSamplingOptions): StratifiedPlan {
  const key = seedKey(options.seed);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 30) throw new EngineInputError('players', undefined, `stratified sampling takes 0 to 2^30 players, got ${n}`);
  const labels = options.unions === undefined || options.unions === null ? undefined : unionIndices(options.unions);
  const structure = unionStructure(labels ?? Array.from({ length: n }, (_, i) => i), n);
  let strata = 0;
  for (let i = 0; i < n; i++) strata += strataCount(structure, i);
  const budget = options.maxContributions;
  if (typeof budget !== 'number' || !Number.isSafeInteger(budget) || budget < 2 * strata) {
    throw new EngineInputError('maxContributions', undefined, `must be a whole number ≥ ${2 * strata} (2 samples in each of the ${strata} strata), got ${String(budget)}`);
  }
  const pilotShare = options.pilotShare ?? DEFAULT_PILOT_SHARE;
  if (typeof pilotShare !== 'number' || !(pilotShare > 0 && pilotShare <= 1)) {
    throw new EngineInputError('pilotShare', undefined, `must be a number in (0, 1], got ${String(pilotShare)}`);
  }
  const pilotPerStratum = Math.max(2, Math.floor((pilotShare * budget) / strata));
  const secondPhase = apportion(budget - pilotPerStratum * strata, new Float64Array(n).fill(1));
  return { key, structure, strata, pilotPerStratum, secondPhase, ...(labels ? { unions: labels } : {}) };
}

/**
 * The stratified estimates of the listed players only: each player's samples are its own (its
 * own streams, its own share of the budget), so threads or machines may take any players and
 * the numbers are those of stratifiedShapley, bit for bit.
 */
export function stratifiedShapleyOfPlayers(game: Game, plan: StratifiedPlan, players: ArrayLike<number>): { values: Float64Array; standardErrors: Float64Array } {
  const { structure, key } = plan;
  const values = new Float64Array(players.length);
  const standardErrors = new Float64Array(players.length);
  const draws: Draws = { unionOrders: new Int32Array(0), coalition: new Int32Array(game.n), values: new Float64Array(game.n + 1) };
  for (let q = 0; q < players.length; q++) {
    const player = players[q];
    if (!Number.isInteger(player) || player < 0 || player >= game.n) throw new EngineInputError('players', q, `must be a player index from 0 to ${game.n - 1}, got ${player}`);
    const p = playerStrata(structure, player);
    const next = { t: 0 };
    for (let l = 0; l < p.count; l++) sampleStratum(game, p, structure, l, plan.pilotPerStratum, key, next, draws);
    // Second phase: Neyman's allocation, in proportion to each stratum's standard deviation.
    const deviations = p.m2.map((m2, l) => Math.sqrt(m2 / (p.samples[l] - 1)));
    const extra = apportion(plan.secondPhase[player], deviations);
    for (let l = 0; l < p.count; l++) if (extra[l] > 0) sampleStratum(game, p, structure, l, extra[l], key, next, draws);

    const weight = 1 / p.count;
    let value = 0;
    let variance = 0;
    for (let l = 0; l < p.count; l++) {
      value += p.mean[l];
      variance += p.m2[l] / (p.samples[l] - 1) / p.samples[l];
    }
    if (!Number.isFinite(value) || !Number.isFinite(variance)) {
      throw new EngineInputError('values', undefined, `the game gave a value that is not a finite number, or marginal contributions too large to square (player ${player + 1})`);
    }
    values[q] = value * weight;
    standardErrors[q] = Math.sqrt(variance) * weight;
  }
  return { values, standardErrors };
}

export function stratifiedShapley(game: Game, options: StratifiedSamplingOptions): StratifiedShapley {
  const plan = stratifiedPlan(game.n, options);
  const { values, standardErrors } = stratifiedShapleyOfPlayers(game, plan, Array.from({ length: game.n }, (_, i) => i));
  return {
    values,
    standardErrors,
    marginalContributions: options.maxContributions,
    strata: plan.strata,
    pilotPerStratum: plan.pilotPerStratum,
    seed: options.seed,
    method: plan.unions ? 'owen-stratified' : 'stratified',
    ...(plan.unions ? { unions: plan.unions } : {}),
    engineVersion: ENGINE_VERSION,
  };
}
