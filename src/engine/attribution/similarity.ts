/**
 * Similarity attribution: how the remuneration for a set of AI outputs is shared among the
 * rightholders whose catalogue items the outputs resemble (DESIGN.md §4, "similarity").
 *
 * Inputs: M outputs and N catalogue items as embedding rows of d dimensions, the holder of each
 * item, optionally a weight per output (default 1; e.g. its revenue or number of views) and the
 * user who made each output (default: every output its own user).
 *
 * 1. Cosine similarity of output o and item j. A zero vector has similarity 0 with everything
 *    (see unitRows.ts): it is accepted, and an all-zero output simply attributes to nobody.
 * 2. Holder h's score for o is the best similarity over h's items.
 * 3. A score counts only when it reaches the threshold (≥, default 0) and is above 0: negative
 *    similarities never count. Output o is split among its counted holders by the Shapley value
 *    of the max game divided by the top score (similaritySplit.ts: exactly PARTAGE.SIMILARITYSPLIT
 *    on the row of holder scores), so share_{o,h} sums to 1 over h, or o is "below threshold"
 *    and every share is 0.
 * 4. Market-centric totals: total_h = Σ_o w_o · share_{o,h}. Each output counts by its weight,
 *    so the users who make the most (or the most valuable) outputs weigh the most.
 *    User-centric totals: each user carries weight 1, split over that user's attributed outputs
 *    in proportion to w_o: total_h = Σ_u Σ_{o∈u} w_o · share_{o,h} / W_u with W_u the sum of w_o
 *    over u's attributed outputs. A heavy user counts as much as a light one. A user none of
 *    whose outputs is attributed (or whose attributed outputs all weigh 0) gives nothing: there
 *    is no one to give that user's weight to. Under either rule, shares_h = total_h / Σ total.
 *
 * 5. The model as a player (seed 004, optional `modelScores`: each output's similarity to what
 *    the model makes without any rightholder): the model is one more player of each output's max
 *    game, never filtered by the threshold (similaritySplit.ts), and an output where no holder is
 *    recognisable goes to the model whole. Inside the engine the model is one more slot after the
 *    holders (index holderCount) of every per-holder vector, so it is totalled market- and
 *    user-centric exactly as a holder is; results report it apart (SimilarityAttribution.model).
 *    Without model scores nothing changes, number for number.
 *
 * Work is done in blocks of consecutive outputs (attributeBlock: the dot products, ~all of the
 * cost) whose results are merged in block order (SimilarityTotals), so that the totals are the
 * same floating-point numbers however the blocks were spread over threads, as long as the block
 * boundaries are the same. To make the user-centric totals mergeable block by block, outputs are
 * processed grouped by user (`sequence`): a user's outputs are consecutive, and a block hands on
 * the sums of the users it starts or ends in the middle of.
 */
import { EngineInputError } from '../errors';
import { bestHolderScores, GROUP_OUTPUTS } from './bestHolderScores';
import { checkModelScore, recognisable, splitCountedScores, withModel } from './similaritySplit';
import { unitRowsInto } from './unitRows';

/** A prepared attribution: plain typed arrays and numbers only, so it can be sent to threads. */
export interface SimilarityProblem {
  readonly d: number;
  readonly outputCount: number;
  /** M × d unit rows (unitRows.ts). */
  readonly outputs: Float32Array;
  readonly itemCount: number;
  /** N × d unit rows. */
  readonly items: Float32Array;
  /** N holder indices in [0, holderCount). */
  readonly holderOfItem: Int32Array;
  readonly holderCount: number;
  /** M weights ≥ 0, by output. */
  readonly weights: Float64Array;
  /** The M outputs in processing order: grouped by user, by output index within a user. */
  readonly sequence: Int32Array;
  /** userAt[p]: the user of output sequence[p]. */
  readonly userAt: Int32Array;
  readonly threshold: number;
  /** Holders listed per output in the top lists (0: none). */
  readonly topHolders: number;
  /** Outputs with an index below this get a top list. */
  readonly topOutputs: number;
  /** M model scores ≥ 0, by output: the model as a player. Absent: no model. */
  readonly modelScores?: Float64Array;
}

/** Per-holder vectors hold one more slot, the model's (index holderCount), when there is a model. */
export function slotCount(problem: SimilarityProblem): number {
  return problem.holderCount + (problem.modelScores ? 1 : 0);
}

export interface SimilaritySpec {
  readonly d: number;
  /** outputCount × d values, row-major, any scale (rows are normalised). */
  readonly outputs: ArrayLike<number>;
  readonly outputCount: number;
  readonly items: ArrayLike<number>;
  readonly itemCount: number;
  readonly holderOfItem: ArrayLike<number>;
  readonly holderCount: number;
  readonly weights?: ArrayLike<number>;
  /** User index per output in [0, userCount). */
  readonly userOfOutput?: ArrayLike<number>;
  readonly userCount?: number;
  readonly threshold?: number;
  readonly topHolders?: number;
  readonly topOutputs?: number;
  /** The model's score: one per output, or one number for every output (≥ 0, the scores' scale). */
  readonly modelScores?: ArrayLike<number> | number;
}

/** Where a problem's arrays live: plain memory, or shared memory that threads can read. */
export interface ArrayAllocator {
  float32(length: number): Float32Array;
  float64(length: number): Float64Array;
  int32(length: number): Int32Array;
}

export const plainArrays: ArrayAllocator = {
  float32: (length) => new Float32Array(length),
  float64: (length) => new Float64Array(length),
  int32: (length) => new Int32Array(length),
};

/** Top holders listed per output by default. */
export const DEFAULT_TOP_HOLDERS = 3;

/**
 * Labels (holder names, user ids) to indices in order of first appearance; a number and its
 * decimal text are the same label.
 */
export function indexLabels(labels: ArrayLike<string | number>): { index: Int32Array; names: string[] } {
  const byName = new Map<string, number>();
  const names: string[] = [];
  const index = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const name = String(labels[i]);
    let k = byName.get(name);
    if (k === undefined) {
      k = names.length;
      byName.set(name, k);
      names.push(name);
    }
    index[i] = k;
  }
  return { index, names };
}

function count(field: string, x: number, least: number): number {
  if (!Number.isInteger(x) || x < least) throw new EngineInputError(field, undefined, `must be a whole number of at least ${least}, got ${String(x)}`);
  return x;
}

function indices(field: string, source: ArrayLike<number>, length: number, bound: number, what: string, allocate: ArrayAllocator): Int32Array {
  if (source.length !== length) throw new EngineInputError(field, undefined, `must hold ${length} ${what}, got ${source.length}`);
  const out = allocate.int32(length);
  for (let i = 0; i < length; i++) {
    const k = source[i];
    if (!Number.isInteger(k) || k < 0 || k >= bound) throw new EngineInputError(field, i, `must be an index from 0 to ${bound - 1}, got ${String(k)}`);
    out[i] = k;
  }
  return out;
}

/** Validates a spec and prepares it: unit rows, outputs grouped by user. */
export function similarityProblem(spec: SimilaritySpec, allocate: ArrayAllocator = plainArrays): SimilarityProblem {
  const d = count('d', spec.d, 1);
  const outputCount = count('outputs', spec.outputCount, 0);
  const itemCount = count('items', spec.itemCount, 0);
  const holderCount = count('holders', spec.holderCount, 0);
  for (const [field, source, rows] of [['outputs', spec.outputs, outputCount], ['items', spec.items, itemCount]] as const) {
    if (source.length !== rows * d) throw new EngineInputError(field, undefined, `must hold ${rows} rows of ${d} values (${rows * d}), got ${source.length}`);
  }
  const threshold = spec.threshold ?? 0;
  if (!Number.isFinite(threshold)) throw new EngineInputError('threshold', undefined, `must be a finite number, got ${String(threshold)}`);
  const topHolders = count('topHolders', spec.topHolders ?? DEFAULT_TOP_HOLDERS, 0);
  const topOutputs = count('topOutputs', spec.topOutputs ?? outputCount, 0);

  const holderOfItem = indices('holders', spec.holderOfItem, itemCount, holderCount, 'holder indices (one per item)', allocate);
  const weights = allocate.float64(outputCount);
  if (spec.weights === undefined) weights.fill(1);
  else {
    if (spec.weights.length !== outputCount) throw new EngineInputError('weights', undefined, `must hold ${outputCount} weights (one per output), got ${spec.weights.length}`);
    for (let o = 0; o < outputCount; o++) {
      const w = spec.weights[o];
      if (!Number.isFinite(w) || w < 0) throw new EngineInputError('weights', o, `must be a finite number ≥ 0, got ${String(w)}`);
      weights[o] = w;
    }
  }
  const { sequence, userAt } =
    spec.userOfOutput === undefined
      ? eachOutputItsOwnUser(outputCount, allocate)
      : groupByUser(indices('users', spec.userOfOutput, outputCount, count('users', spec.userCount ?? outputCount, 0), 'user indices (one per output)', allocate), spec.userCount ?? outputCount, allocate);

  const modelScores = spec.modelScores === undefined ? undefined : modelScoresOf(spec.modelScores, outputCount, allocate);

  const outputs = allocate.float32(outputCount * d);
  unitRowsInto('outputs', spec.outputs, outputCount, d, outputs);
  const items = allocate.float32(itemCount * d);
  unitRowsInto('items', spec.items, itemCount, d, items);
  const problem = { d, outputCount, outputs, itemCount, items, holderOfItem, holderCount, weights, sequence, userAt, threshold, topHolders, topOutputs };
  return modelScores ? { ...problem, modelScores } : problem;
}

function modelScoresOf(source: ArrayLike<number> | number, outputCount: number, allocate: ArrayAllocator): Float64Array {
  const out = allocate.float64(outputCount);
  if (typeof source === 'number') out.fill(checkModelScore(source, 'modelScores', undefined));
  else {
    if (source.length !== outputCount) throw new EngineInputError('modelScores', undefined, `must hold ${outputCount} scores (one per output) or be one number for all, got ${source.length}`);
    for (let o = 0; o < outputCount; o++) out[o] = checkModelScore(source[o], 'modelScores', o);
  }
  return out;
}

function eachOutputItsOwnUser(outputCount: number, allocate: ArrayAllocator): { sequence: Int32Array; userAt: Int32Array } {
  const sequence = allocate.int32(outputCount);
  const userAt = allocate.int32(outputCount);
  for (let o = 0; o < outputCount; o++) sequence[o] = userAt[o] = o;
  return { sequence, userAt };
}

/** Outputs grouped by user (users in index order, outputs ascending within a user): a counting sort. */
function groupByUser(userOfOutput: Int32Array, userCount: number, allocate: ArrayAllocator): { sequence: Int32Array; userAt: Int32Array } {
  const start = new Int32Array(userCount + 1);
  for (let o = 0; o < userOfOutput.length; o++) start[userOfOutput[o] + 1]++;
  for (let u = 0; u < userCount; u++) start[u + 1] += start[u];
  const sequence = allocate.int32(userOfOutput.length);
  const userAt = allocate.int32(userOfOutput.length);
  for (let o = 0; o < userOfOutput.length; o++) {
    const p = start[userOfOutput[o]]++;
    sequence[p] = o;
    userAt[p] = userOfOutput[o];
  }
  return { sequence, userAt };
}

/** The weighted shares of one user's outputs within a block, and the user's attributed weight. */
export interface UserSegment {
  readonly user: number;
  readonly weight: number;
  /** Σ w_o · share_{o,h} over the segment's outputs, per holder. */
  readonly sums: Float64Array;
}

/**
 * Top holders of the listed outputs of a block, flattened: output outputs[i] lists counts[i]
 * holders, the next entries of holders/shares/scores (scores: the holder's best similarity).
 * The model is never listed among the holders; with a model, model[i] is its share of outputs[i].
 */
export interface TopLists {
  readonly outputs: Int32Array;
  readonly counts: Int32Array;
  readonly holders: Int32Array;
  readonly shares: Float64Array;
  readonly scores: Float64Array;
  readonly model?: Float64Array;
}

/** What a block of outputs (sequence positions [from, to)) adds to the totals. */
export interface SimilarityBlock {
  readonly from: number;
  readonly to: number;
  /** Σ w_o · share_{o,h} over the block. */
  readonly market: Float64Array;
  /** User-centric totals of the users that start and end inside the block (neither head nor tail). */
  readonly users: Float64Array;
  /** The first user's part (that user may have begun in an earlier block). */
  readonly head: UserSegment;
  /** The last user's part when it is not the first (that user may go on in a later block). */
  readonly tail: UserSegment | null;
  readonly attributed: number;
  readonly belowThreshold: number;
  readonly tops: TopLists;
}

/** Per-thread working memory of attributeBlock, grown to the largest block seen. */
export class SimilarityScratch {
  rows = new Float32Array(0);
  best = new Float64Array(0);
  readonly holder: Int32Array;
  readonly raw: Float64Array;
  readonly scaled: Float64Array;
  readonly shares: Float64Array;
  readonly order: Int32Array;
  readonly inner: Float64Array;
  readonly touched: Int32Array;
  readonly marked: Uint8Array;

  constructor(private readonly problem: SimilarityProblem) {
    const h = problem.holderCount + 1; // + the model's entry, when there is one
    this.holder = new Int32Array(h);
    this.raw = new Float64Array(h);
    this.scaled = new Float64Array(h);
    this.shares = new Float64Array(h);
    this.order = new Int32Array(h);
    this.inner = new Float64Array(h);
    this.touched = new Int32Array(h);
    this.marked = new Uint8Array(h);
  }

  ensure(groups: number): void {
    const { d, holderCount } = this.problem;
    if (this.rows.length < groups * GROUP_OUTPUTS * d) this.rows = new Float32Array(groups * GROUP_OUTPUTS * d);
    if (this.best.length < groups * GROUP_OUTPUTS * holderCount) this.best = new Float64Array(groups * GROUP_OUTPUTS * holderCount);
  }
}

/** The contribution of the outputs at sequence positions [from, to). */
export function attributeBlock(problem: SimilarityProblem, from: number, to: number, scratch = new SimilarityScratch(problem)): SimilarityBlock {
  const { d, holderCount, sequence } = problem;
  checkBlock('attributeBlock', problem, from, to);
  const size = to - from;
  const groups = Math.ceil(size / GROUP_OUTPUTS);
  scratch.ensure(groups);
  const { rows, best } = scratch;
  rows.fill(0, 0, groups * GROUP_OUTPUTS * d); // lanes past the block's end: zero rows
  for (let r = 0; r < size; r++) {
    const o = sequence[from + r];
    rows.set(problem.outputs.subarray(o * d, o * d + d), r * d);
  }
  bestHolderScores(rows, groups, d, problem.items, problem.itemCount, problem.holderOfItem, holderCount, best);
  return attributeScoredBlock(problem, from, to, best, scratch);
}

function checkBlock(caller: string, problem: SimilarityProblem, from: number, to: number): void {
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= problem.outputCount)) {
    throw new RangeError(`${caller}: outputs [${from}, ${to}) of ${problem.outputCount}`);
  }
}

/**
 * The contribution of the outputs at sequence positions [from, to) from their best scores
 * computed elsewhere (a GPU, say): `best` in bestHolderScores' layout,
 * best[(g·holderCount + h)·4 + lane] for the output at position from + 4g + lane, clamped below
 * at 0. Everything after the dot products (threshold, split, totals, top lists) is done here
 * and only here, whoever computed the scores.
 */
export function attributeScoredBlock(problem: SimilarityProblem, from: number, to: number, best: Float64Array, scratch = new SimilarityScratch(problem)): SimilarityBlock {
  const { holderCount, sequence, userAt, weights, threshold, topHolders, topOutputs, modelScores } = problem;
  checkBlock('attributeScoredBlock', problem, from, to);
  const slots = slotCount(problem);
  const modelSlot = modelScores ? holderCount : -1;
  const needed = Math.ceil((to - from) / GROUP_OUTPUTS) * GROUP_OUTPUTS * holderCount;
  if (best.length < needed) throw new RangeError(`attributeScoredBlock: best holds ${best.length} scores; outputs [${from}, ${to}) × ${holderCount} holders need ${needed}`);
  const { holder, raw, scaled, shares, order, inner, touched, marked } = scratch;

  let listed = 0;
  for (let p = from; p < to; p++) if (sequence[p] < topOutputs) listed++;
  const tops = {
    outputs: new Int32Array(listed),
    counts: new Int32Array(listed),
    holders: new Int32Array(listed * topHolders),
    shares: new Float64Array(listed * topHolders),
    scores: new Float64Array(listed * topHolders),
    model: modelScores ? new Float64Array(listed) : undefined,
  };
  let listedSoFar = 0;
  let entries = 0;

  const market = new Float64Array(slots);
  const users = new Float64Array(slots);
  let head: UserSegment | undefined;
  let tail: UserSegment | null = null;
  let attributed = 0;
  let belowThreshold = 0;

  for (let p = from; p < to; ) {
    const user = userAt[p];
    let end = p + 1;
    while (end < to && userAt[end] === user) end++;
    // Users wholly inside the block are closed here; the first and last are handed on whole.
    const handedOn = p === from || end === to;
    const sums = handedOn ? new Float64Array(slots) : inner;
    let touchedCount = 0;
    let weight = 0;
    for (let q = p; q < end; q++) {
      const r = q - from;
      const o = sequence[q];
      const base = (r >> 2) * holderCount * GROUP_OUTPUTS + (r & 3);
      let counted = 0;
      for (let h = 0; h < holderCount; h++) {
        const s = best[base + h * GROUP_OUTPUTS];
        if (recognisable(s, threshold)) {
          holder[counted] = h;
          raw[counted] = s;
          scaled[counted] = s;
          counted++;
        }
      }
      // players: the entries the output is shared among (the model's last, when there is one).
      let players = counted;
      if (modelScores) {
        players = withModel(scaled, holder, counted, modelScores[o], modelSlot);
        if (counted === 0) {
          // No recognisable holder: the output goes to the model whole.
          holder[0] = modelSlot;
          shares[0] = 1;
          players = 1;
        } else raw[counted] = modelScores[o];
      }
      if (counted === 0) belowThreshold++;
      else {
        attributed++;
        splitCountedScores(scaled, players, order, shares);
      }
      if (players > 0) {
        const w = weights[o];
        weight += w;
        for (let i = 0; i < players; i++) {
          const h = holder[i];
          const v = w * shares[i];
          market[h] += v;
          sums[h] += v;
          if (!handedOn && !marked[h]) {
            marked[h] = 1;
            touched[touchedCount++] = h;
          }
        }
      }
      if (o < topOutputs) {
        tops.outputs[listedSoFar] = o;
        // Ranked by share, ties by holder: walk `order` (ascending scaled score, ties by
        // position, i.e. by holder) from the top, one run of equal scores at a time.
        let n = 0;
        const ranked = counted === 0 ? 0 : players;
        for (let hi = ranked - 1; hi >= 0 && n < topHolders; ) {
          let lo = hi;
          while (lo > 0 && scaled[order[lo - 1]] === scaled[order[hi]]) lo--;
          for (let k = lo; k <= hi && n < topHolders; k++) {
            const i = order[k];
            if (holder[i] === modelSlot) continue; // reported apart
            n++;
            tops.holders[entries] = holder[i];
            tops.shares[entries] = shares[i];
            tops.scores[entries] = raw[i];
            entries++;
          }
          hi = lo - 1;
        }
        if (tops.model) tops.model[listedSoFar] = counted === 0 ? 1 : shares[counted];
        tops.counts[listedSoFar++] = n;
      }
    }
    if (!handedOn) {
      for (let k = 0; k < touchedCount; k++) {
        const h = touched[k];
        if (weight > 0) users[h] += inner[h] / weight;
        inner[h] = 0;
        marked[h] = 0;
      }
    } else if (p === from) head = { user, weight, sums };
    else tail = { user, weight, sums };
    p = end;
  }
  return {
    from,
    to,
    market,
    users,
    head: head!,
    tail,
    attributed,
    belowThreshold,
    tops: {
      ...tops,
      holders: tops.holders.slice(0, entries),
      shares: tops.shares.slice(0, entries),
      scores: tops.scores.slice(0, entries),
    },
  };
}

/** One output's top holders (indices), their shares and best similarity scores; the model's share when there is a model. */
export interface OutputTop {
  readonly holders: Int32Array;
  readonly shares: Float64Array;
  readonly scores: Float64Array;
  readonly model?: number;
}

/** The numbers of SimilarityTotals besides its vectors, for checkpoints (JSON-safe). */
export interface SimilarityTotalsState {
  readonly position: number;
  readonly openUser: number;
  readonly openWeight: number;
  readonly attributed: number;
  readonly belowThreshold: number;
}

/**
 * Merges blocks in sequence order into market and user-centric totals. Blocks must come in
 * order (a caller receiving them out of order holds them back): floating-point sums then have
 * one order only. The last user's part stays open until the next block shows it has ended.
 */
export class SimilarityTotals {
  readonly market: Float64Array;
  /** User-centric totals of the users closed so far. */
  private readonly closed: Float64Array;
  private readonly open: Float64Array;
  private openUser = -1;
  private openWeight = 0;
  attributed = 0;
  belowThreshold = 0;
  /** The sequence position the next block starts at. */
  position = 0;
  readonly tops: Array<OutputTop | undefined>;
  /** Entries of each vector: the holders, then the model's when `model`. */
  readonly slots: number;

  constructor(
    readonly holderCount: number,
    listedOutputs: number,
    readonly model = false,
  ) {
    this.slots = holderCount + (model ? 1 : 0);
    this.market = new Float64Array(this.slots);
    this.closed = new Float64Array(this.slots);
    this.open = new Float64Array(this.slots);
    this.tops = new Array<OutputTop | undefined>(listedOutputs).fill(undefined);
  }

  add(block: SimilarityBlock): void {
    if (block.from !== this.position) throw new Error(`similarity blocks merged out of order: expected one starting at ${this.position}, got ${block.from}`);
    const h = this.slots;
    for (let k = 0; k < h; k++) this.market[k] += block.market[k];
    const { head, tail } = block;
    if (head.user === this.openUser) {
      for (let k = 0; k < h; k++) this.open[k] += head.sums[k];
      this.openWeight += head.weight;
    } else this.reopen(head);
    if (tail) {
      this.closeOpen();
      // Inner users (zero unless the block holds three users or more) end between head and tail.
      for (let k = 0; k < h; k++) this.closed[k] += block.users[k];
      this.reopen(tail);
    }
    this.attributed += block.attributed;
    this.belowThreshold += block.belowThreshold;
    this.position = block.to;
    this.addTops(block.tops);
  }

  addTops(tops: TopLists): void {
    let entry = 0;
    for (let i = 0; i < tops.outputs.length; i++) {
      const n = tops.counts[i];
      const o = tops.outputs[i];
      if (o < this.tops.length) {
        const top: OutputTop = {
          holders: tops.holders.slice(entry, entry + n),
          shares: tops.shares.slice(entry, entry + n),
          scores: tops.scores.slice(entry, entry + n),
        };
        this.tops[o] = tops.model ? { ...top, model: tops.model[i] } : top;
      }
      entry += n;
    }
  }

  private reopen(segment: UserSegment): void {
    this.closeOpen();
    this.open.set(segment.sums);
    this.openUser = segment.user;
    this.openWeight = segment.weight;
  }

  private closeOpen(): void {
    if (this.openUser >= 0 && this.openWeight > 0) addScaled(this.closed, this.open, this.openWeight);
    this.open.fill(0);
    this.openUser = -1;
    this.openWeight = 0;
  }

  /** User-centric totals, counting the open user as ended (true once every block is in). */
  userTotals(): Float64Array {
    const out = this.closed.slice();
    if (this.openUser >= 0 && this.openWeight > 0) addScaled(out, this.open, this.openWeight);
    return out;
  }

  /** The state to checkpoint: these numbers, and market, closed and open sums (3 × holders). */
  snapshot(): { state: SimilarityTotalsState; vectors: Float64Array } {
    const h = this.slots;
    const vectors = new Float64Array(3 * h);
    vectors.set(this.market, 0);
    vectors.set(this.closed, h);
    vectors.set(this.open, 2 * h);
    const { position, openUser, openWeight, attributed, belowThreshold } = this;
    return { state: { position, openUser, openWeight, attributed, belowThreshold }, vectors };
  }

  /** Back to a snapshot (top lists are restored separately, with addTops). */
  restore(state: SimilarityTotalsState, vectors: Float64Array): void {
    const h = this.slots;
    if (vectors.length !== 3 * h) throw new Error(`a similarity snapshot of ${vectors.length} values for ${h} holders (and model)`);
    this.market.set(vectors.subarray(0, h));
    this.closed.set(vectors.subarray(h, 2 * h));
    this.open.set(vectors.subarray(2 * h, 3 * h));
    ({ position: this.position, openUser: this.openUser, openWeight: this.openWeight, attributed: this.attributed, belowThreshold: this.belowThreshold } = state);
  }
}

/** out[h] += sums[h] / weight: a user's weight 1 spread over its holders. */
function addScaled(out: Float64Array, sums: Float64Array, weight: number): void {
  for (let k = 0; k < out.length; k++) out[k] += sums[k] / weight;
}

/**
 * total_h / Σ total, or all 0 when nothing was attributed. With a model, pass its total as
 * `model`: the holders' shares and the model's (the last entry) then sum to 1 together.
 */
export function sharesOfTotals(totals: Float64Array, model?: number): Float64Array {
  if (model !== undefined) {
    const all = new Float64Array(totals.length + 1);
    all.set(totals);
    all[totals.length] = model;
    return sharesOfTotals(all);
  }
  let sum = 0;
  for (let k = 0; k < totals.length; k++) sum += totals[k];
  const out = new Float64Array(totals.length);
  if (sum > 0) for (let k = 0; k < totals.length; k++) out[k] = totals[k] / sum;
  return out;
}

export interface SimilarityAttribution {
  /** Per holder (the model apart). */
  readonly market: Float64Array;
  readonly user: Float64Array;
  /** Outputs shared among recognisable holders (and the model, when there is one). */
  readonly attributed: number;
  /** Outputs no holder reaches: attributed to nobody, or to the model whole when there is one. */
  readonly belowThreshold: number;
  /** Top holders of outputs 0 … min(M, topOutputs) − 1. */
  readonly tops: OutputTop[];
  /** The model's market- and user-centric totals, when there is a model. */
  readonly model?: { readonly market: number; readonly user: number };
}

/** Outputs per block when none is given: a multiple of the kernel's group of 4. */
export const DEFAULT_BLOCK_OUTPUTS = 16;

/**
 * The whole attribution in this thread. `blockOutputs` fixes the block boundaries and with them
 * the order of the floating-point sums: the companion's threads give the same numbers with the
 * same block size.
 */
export function attributeSimilarity(problem: SimilarityProblem, blockOutputs = DEFAULT_BLOCK_OUTPUTS): SimilarityAttribution {
  count('blockOutputs', blockOutputs, 1);
  const scratch = new SimilarityScratch(problem);
  const totals = new SimilarityTotals(problem.holderCount, Math.min(problem.outputCount, problem.topOutputs), problem.modelScores !== undefined);
  for (let from = 0; from < problem.outputCount; from += blockOutputs) {
    totals.add(attributeBlock(problem, from, Math.min(problem.outputCount, from + blockOutputs), scratch));
  }
  return similarityAttributionOf(totals);
}

/** The result of merged totals (every block in). */
export function similarityAttributionOf(totals: SimilarityTotals): SimilarityAttribution {
  const empty: OutputTop = { holders: new Int32Array(0), shares: new Float64Array(0), scores: new Float64Array(0) };
  const h = totals.holderCount;
  const user = totals.userTotals();
  const attribution = {
    market: totals.market.slice(0, h),
    user: user.slice(0, h),
    attributed: totals.attributed,
    belowThreshold: totals.belowThreshold,
    tops: totals.tops.map((t) => t ?? empty),
  };
  return totals.model ? { ...attribution, model: { market: totals.market[h], user: user[h] } } : attribution;
}

/** Every holder's best score for one output (clamped below at 0), through the same kernel. */
export function holderScoresOf(problem: SimilarityProblem, output: number): Float64Array {
  const { d, holderCount } = problem;
  const rows = new Float32Array(GROUP_OUTPUTS * d);
  rows.set(problem.outputs.subarray(output * d, output * d + d));
  const best = new Float64Array(GROUP_OUTPUTS * holderCount);
  bestHolderScores(rows, 1, d, problem.items, problem.itemCount, problem.holderOfItem, holderCount, best);
  const scores = new Float64Array(holderCount);
  for (let h = 0; h < holderCount; h++) scores[h] = best[h * GROUP_OUTPUTS];
  return scores;
}
