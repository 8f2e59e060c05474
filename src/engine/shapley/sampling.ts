import { EngineInputError } from '../errors';
import type { Game } from '../games/game';
import { seedKey } from '../random/philox';
import { ENGINE_VERSION } from '../version';
import { unionIndices } from './owenSampling';
import {
  createAccumulator,
  estimate,
  mergeBlock,
  permutationsPerSample,
  sampleBlock,
  standardErrorsOf,
  type SamplingAccumulator,
  type SamplingPlan,
} from './samplingAccumulator';

/**
 * Monte Carlo Shapley values by permutation sampling (Castro, Gómez & Tejada 2009), plain or
 * antithetic, reproducible from the seed. Given `unions`, the sampled Owen value instead: the
 * same estimator over orders consistent with the unions (owenSampling.ts; Saavedra-Nieves,
 * García-Jurado & Fiestras-Janeiro 2018 sample the Owen value the same way).
 *
 * For readers who know pyDVL (aai-institute/pyDVL, pydvl.valuation):
 *   antithetic: false              ↔ PermutationSampler
 *   antithetic: true               ↔ AntitheticPermutationSampler, except that pyDVL updates the
 *                                    values once per permutation of the pair; we average the
 *                                    pair first, so the pair is one sample and the standard
 *                                    error does not pretend the two halves are independent
 *   maxPermutations                ↔ MaxUpdates(n_updates) (permutations walked)
 *   targetStandardError            ↔ AbsoluteStandardError(threshold, fraction=1.0); ours stops
 *                                    at SE ≤ target, theirs at SE < threshold
 *   minPermutations                ↔ MinUpdates / AbsoluteStandardError's burn_in
 *   the whole rule                 ↔ (AbsoluteStandardError(t) & MinUpdates(min)) | MaxUpdates(max)
 *   onProgress returning false     ↔ no pyDVL counterpart (interrupt from the caller)
 */

export interface SamplingProgress {
  readonly permutations: number;
  readonly samples: number;
  readonly marginalContributions: number;
  /** Largest standard error over the players so far; NaN before 2 samples. */
  readonly largestStandardError: number;
}

export interface PermutationSamplingOptions {
  /** Integer in [0, 2^53 − 1]. The same seed and options give the same result, bit for bit. */
  seed: number;
  /**
   * Stop after this many permutations walked (an antithetic pair walks 2; an odd budget is
   * rounded down to whole pairs).
   */
  maxPermutations?: number;
  /** Stop once every player's standard error is ≤ this (checked after each block). */
  targetStandardError?: number;
  /**
   * Never stop on the standard error before this many permutations. Default: 30 samples
   * (30 permutations, or 30 antithetic pairs), so that the standard errors themselves are
   * estimated from enough samples to be trusted.
   */
  minPermutations?: number;
  antithetic?: boolean;
  /**
   * Owen sampling: the a priori union of each player (a non-empty text or a whole number per
   * player; equal labels, compared as text, make one union). Absent: plain Shapley sampling.
   */
  unions?: ReadonlyArray<string | number>;
  /** Called after each block; returning false stops the run (stoppedBy 'cancelled'). */
  onProgress?(progress: SamplingProgress): boolean | void;
}

export interface SampledShapley {
  readonly values: Float64Array;
  readonly standardErrors: Float64Array;
  readonly permutations: number;
  /** Independent samples behind the standard errors: permutations, or antithetic pairs. */
  readonly samples: number;
  readonly marginalContributions: number;
  readonly seed: number;
  readonly method: SamplingMethod;
  /** With unions: each player's union, numbered 0, 1, 2... by first appearance. */
  readonly unions?: readonly number[];
  /**
   * 'maxPermutations' also covers PERMUTATION_CAP, the implicit maximum of a run given only a
   * target standard error; permutations then equals the cap and the standard errors show by how
   * much the target was missed.
   */
  readonly stoppedBy: 'maxPermutations' | 'targetStandardError' | 'cancelled';
  readonly engineVersion: string;
}

export type SamplingMethod = 'permutation' | 'antithetic-permutation' | 'owen-permutation' | 'antithetic-owen-permutation';

/** How a plan samples, as results report it. */
export function samplingMethod(plan: SamplingPlan): SamplingMethod {
  const owen = plan.unions !== undefined;
  if (plan.antithetic) return owen ? 'antithetic-owen-permutation' : 'antithetic-permutation';
  return owen ? 'owen-permutation' : 'permutation';
}

/** Samples per block: the unit of progress reports, stopping checks and parallel work. */
export const SAMPLING_BLOCK_SIZE = 256;

/** Default minimum number of samples before the standard-error rule may stop a run. */
export const DEFAULT_MIN_SAMPLES = 30;

/**
 * Upper bound on permutations when only targetStandardError is given, so that an unreachable
 * target (a tiny one, or a game whose standard error cannot get there in reasonable time)
 * still ends: 10^6 permutations is 2·10^7 marginal contributions at n = 20, seconds on one core.
 * An explicit maxPermutations overrides it.
 */
export const PERMUTATION_CAP = 1_000_000;

function isAbsent(x: unknown): boolean {
  return x === undefined || x === null;
}

function wholeCount(field: string, value: number, least: number, why = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > Number.MAX_SAFE_INTEGER) {
    throw new EngineInputError(field, undefined, `must be a whole number ≥ ${least}${why}, got ${String(value)}`);
  }
  return value;
}

/** Largest entry, NaN if any is NaN (too few samples: the target cannot be judged met), 0 if none. */
function largestStandardError(errors: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < errors.length; i++) {
    if (Number.isNaN(errors[i])) return NaN;
    if (errors[i] > largest) largest = errors[i];
  }
  return largest;
}

/** When a run stops, in samples (a sample is a permutation, or an antithetic pair). */
export interface StoppingRule {
  readonly maxSamples: number;
  readonly minSamples: number;
  /** Stop once every standard error is ≤ this, after at least minSamples; absent: no such rule. */
  readonly targetStandardError?: number;
}

/**
 * The plan and stopping rule of a sampling run, checked. Shared by permutationShapley and by
 * callers that compute the blocks elsewhere (threads, a GPU) and merge them here, so that both
 * stop at exactly the same block.
 */
export function samplingRun(options: Omit<PermutationSamplingOptions, 'onProgress'>): { plan: SamplingPlan; rule: StoppingRule } {
  const { seed } = options;
  seedKey(seed);
  const antithetic = options.antithetic === true;
  const perSample = permutationsPerSample(antithetic);

  const hasMax = !isAbsent(options.maxPermutations);
  const hasTarget = !isAbsent(options.targetStandardError);
  if (!hasMax && !hasTarget) {
    throw new EngineInputError('maxPermutations', undefined, 'give maxPermutations, targetStandardError or both: sampling needs a rule to stop');
  }
  let maxSamples = PERMUTATION_CAP / perSample;
  if (hasMax) {
    const why = antithetic ? ' (an antithetic pair walks 2 permutations)' : '';
    const maxPermutations = wholeCount('maxPermutations', options.maxPermutations as number, perSample, why);
    maxSamples = Math.floor(maxPermutations / perSample);
  }
  const target = options.targetStandardError as number;
  if (hasTarget && (typeof target !== 'number' || !Number.isFinite(target) || target <= 0)) {
    throw new EngineInputError('targetStandardError', undefined, `must be a number > 0, got ${String(target)}`);
  }
  const minSamples = isAbsent(options.minPermutations)
    ? DEFAULT_MIN_SAMPLES
    : Math.ceil(wholeCount('minPermutations', options.minPermutations as number, 0) / perSample);
  const plan: SamplingPlan = { seed, blockSize: SAMPLING_BLOCK_SIZE, antithetic };
  return {
    plan: isAbsent(options.unions) ? plan : { ...plan, unions: unionIndices(options.unions!) },
    rule: hasTarget ? { maxSamples, minSamples, targetStandardError: target } : { maxSamples, minSamples },
  };
}

/** Why a run whose blocks so far are merged in `acc` stops now, if it does; and its largest SE. */
export function stoppingCheck(acc: SamplingAccumulator, rule: StoppingRule): { stoppedBy?: 'targetStandardError' | 'maxPermutations'; largestStandardError: number } {
  const largest = largestStandardError(standardErrorsOf(acc));
  const target = rule.targetStandardError;
  if (target !== undefined && acc.samples >= rule.minSamples && largest <= target) return { stoppedBy: 'targetStandardError', largestStandardError: largest };
  if (acc.samples >= rule.maxSamples) return { stoppedBy: 'maxPermutations', largestStandardError: largest };
  return { largestStandardError: largest };
}

export function permutationShapley(game: Game, options: PermutationSamplingOptions): SampledShapley {
  const { seed, onProgress } = options;
  const { plan, rule } = samplingRun(options);
  const perSample = permutationsPerSample(plan.antithetic);
  const acc = createAccumulator(game.n, plan);
  let stoppedBy: SampledShapley['stoppedBy'] | undefined;
  while (stoppedBy === undefined) {
    const samples = Math.min(SAMPLING_BLOCK_SIZE, rule.maxSamples - acc.samples);
    mergeBlock(acc, sampleBlock(game, plan, acc.blocks, samples));
    const check = stoppingCheck(acc, rule);
    stoppedBy = check.stoppedBy;
    if (onProgress) {
      const permutations = acc.samples * perSample;
      const goOn = onProgress({
        permutations,
        samples: acc.samples,
        marginalContributions: permutations * acc.n,
        largestStandardError: check.largestStandardError,
      });
      if (goOn === false && stoppedBy === undefined) stoppedBy = 'cancelled';
    }
  }

  const result = estimate(acc);
  return {
    values: result.values,
    standardErrors: result.standardErrors,
    permutations: result.permutations,
    samples: result.samples,
    marginalContributions: result.marginalContributions,
    seed,
    method: samplingMethod(plan),
    ...(plan.unions ? { unions: plan.unions } : {}),
    stoppedBy,
    engineVersion: ENGINE_VERSION,
  };
}
