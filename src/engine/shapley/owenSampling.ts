import { EngineInputError } from '../errors';
import { drawPermutation } from '../random/permutation';
import { seedKey } from '../random/philox';

/**
 * The orders of Owen sampling: uniformly random orders of the players in which the members of
 * each a priori union stand together ("consistent" orders). The Owen value is each player's
 * average marginal contribution over all m!·Π|U|! such orders (Owen 1977): the unions arrive in
 * random order, and the members of each union in random order. Sampling them and averaging the
 * marginal contributions gives the sampled Owen value with the same estimator, blocks, stopping
 * rule and standard errors as plain permutation sampling (samplingAccumulator.ts).
 *
 * Unions are numbered 0..m-1 by first appearance (unionIndices: player 0 is in union 0, the first
 * player outside it in union 1, and so on); M_u lists union u's members in increasing player
 * index. Consistent order number k of a seed, the exact recipe (a GPU kernel replicates it word
 * for word):
 *
 *   key        = seedKey(seed)                                   — as for every sampled job
 *   P_s(k, m)  = permutation k of 0..m-1 drawn from stream s: the recipe of randomPermutation
 *                (random/permutation.ts) with Philox counter (k mod 2^32, floor(k / 2^32), t / 4, s)
 *   A          = P_1(k, m)                                       — A[q]: the union at place q
 *   position   = 0
 *   for q = 0..m-1:
 *     u = A[q]
 *     B = P_{2+u}(k, |M_u|)                                      — union u's member order
 *     for r = 0..|M_u|-1: order[position] = M_u[B[r]]; position = position + 1
 *
 * Counter word 3 is the stream: 0 is plain Shapley sampling, 1 the union order, 2 + u the member
 * order of union u. No counter is used twice, so the union order, each member order and the
 * plain Shapley permutations of the same seed and index are independent draws, and a kernel may
 * draw each union's member order in its own thread. Consistent order k uses
 * ceil((m-1)/4) + Σ_u ceil((|M_u|-1)/4) Philox blocks (a union of one member draws nothing).
 *
 * The union order is uniform over the m! orders and each member order over the |M_u|! orders,
 * independently (up to the multiply-shift bias randomPermutation documents), so the consistent
 * order is uniform over the consistent orders. Antithetic sampling walks `order` and its
 * reverse, which is consistent too (the unions reversed, and the members within each).
 *
 * Every player alone in a union, or all in one union, gives the Shapley value in expectation,
 * but not the plain sampler's bits: those orders come from stream 1, respectively stream 2.
 */

/** Counter word 3 of the union order. */
export const UNION_ORDER_STREAM = 1;
/** Counter word 3 of union 0's member order; union u's is this + u. */
export const MEMBER_ORDER_STREAM = 2;

/** Unions as numbered by unionIndices, packed for drawing consistent orders. */
export interface UnionStructure {
  /** unionOf[i]: player i's union, 0..count-1 by first appearance. */
  readonly unionOf: readonly number[];
  /** m, the number of unions. */
  readonly count: number;
  /** Union u's members are members[offsets[u]..offsets[u+1]), in increasing player index. */
  readonly offsets: Int32Array;
  readonly members: Int32Array;
  /** Members of the largest union. */
  readonly largest: number;
}

function describeLabel(x: unknown): string {
  if (typeof x === 'string') return `"${x.length > 40 ? `${x.slice(0, 40)}…` : x}"`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  return typeof x === 'object' ? 'an object' : String(x);
}

/**
 * The union of each player from labels (a text or a whole number per player), numbered 0, 1, 2...
 * by first appearance. Labels are compared as text, numbers as JavaScript prints them, so 1 and
 * "1" name the same union (as an uploaded file and an inline list would).
 */
export function unionIndices(labels: ReadonlyArray<string | number>): number[] {
  if (!Array.isArray(labels)) {
    throw new EngineInputError('unions', undefined, `must list the union of each player, got ${describeLabel(labels)}`);
  }
  const numbers = new Map<string, number>();
  return labels.map((label: unknown, i) => {
    let name: string;
    if (typeof label === 'string' && label.trim() !== '') name = label;
    else if (typeof label === 'number' && Number.isSafeInteger(label)) name = String(label);
    else throw new EngineInputError('unions', i, `a union is named by a non-empty text or a whole number, got ${describeLabel(label)}`);
    let u = numbers.get(name);
    if (u === undefined) {
      u = numbers.size;
      numbers.set(name, u);
    }
    return u;
  });
}

/**
 * Packs unions numbered as unionIndices numbers them (each entry a union already seen or the
 * next new one) for n players.
 */
export function unionStructure(unionOf: ArrayLike<number>, n: number): UnionStructure {
  if (unionOf.length !== n) {
    throw new EngineInputError('unions', undefined, `must give the union of each of the ${n} players, got ${unionOf.length}`);
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    const u = unionOf[i];
    if (!Number.isInteger(u) || u < 0 || u > count) {
      throw new EngineInputError('unions', i, `unions are numbered 0, 1, 2... by first appearance: expected 0 to ${count}, got ${u}`);
    }
    if (u === count) count++;
  }
  const offsets = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) offsets[unionOf[i] + 1]++;
  let largest = 0;
  for (let u = 0; u < count; u++) {
    largest = Math.max(largest, offsets[u + 1]);
    offsets[u + 1] += offsets[u];
  }
  const members = new Int32Array(n);
  const next = offsets.slice(0, count);
  for (let i = 0; i < n; i++) members[next[unionOf[i]]++] = i;
  return { unionOf: Array.from(unionOf), count, offsets, members, largest };
}

/** Caller-owned scratch for drawConsistentOrder, one per thread of work. */
export interface ConsistentOrderScratch {
  readonly unionOrder: Int32Array;
  readonly memberOrder: Int32Array;
  /** Philox output words (Int32 for the reason drawPermutation gives). */
  readonly words: Int32Array;
}

export function consistentOrderScratch(structure: UnionStructure): ConsistentOrderScratch {
  return { unionOrder: new Int32Array(structure.count), memberOrder: new Int32Array(structure.largest), words: new Int32Array(4) };
}

/** Consistent order number `index` under key (k0, k1) into out[0..n), without checks or allocation. */
export function drawConsistentOrder(
  k0: number,
  k1: number,
  index: number,
  structure: UnionStructure,
  out: Int32Array,
  scratch: ConsistentOrderScratch,
): void {
  const { count, offsets, members } = structure;
  const { unionOrder, memberOrder, words } = scratch;
  drawPermutation(k0, k1, index, count, unionOrder, words, UNION_ORDER_STREAM);
  let position = 0;
  for (let q = 0; q < count; q++) {
    const u = unionOrder[q];
    const start = offsets[u];
    const size = offsets[u + 1] - start;
    drawPermutation(k0, k1, index, size, memberOrder, words, MEMBER_ORDER_STREAM + u);
    for (let r = 0; r < size; r++) out[position++] = members[start + memberOrder[r]];
  }
}

/** Consistent order number `index` of a seed for players labelled with their unions. */
export function consistentOrder(seed: number, index: number, unions: ReadonlyArray<string | number>): Int32Array {
  const key = seedKey(seed);
  if (!Number.isInteger(index) || index < 0 || index > Number.MAX_SAFE_INTEGER) {
    throw new EngineInputError('permutationIndex', undefined, `must be a whole number from 0 to 2^53 − 1, got ${index}`);
  }
  const structure = unionStructure(unionIndices(unions), unions.length);
  const out = new Int32Array(unions.length);
  drawConsistentOrder(key[0], key[1], index, structure, out, consistentOrderScratch(structure));
  return out;
}
