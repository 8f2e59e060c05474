/**
 * What the pane's web worker runs (engineWorker.ts is only its message loop): the engine's own
 * functions, so that a job run in the pane gives the numbers the engine gives, bit for bit —
 * exactShapleyOfPlayers (player by player, for progress; the same numbers as exactShapley), the
 * exact dynamic programmes for voting and saturating-scale games, permutationShapley with the
 * seed, and the nucleolus of a table with the LP solver PARTAGE.NUCLEOLUS uses (HiGHS in
 * WebAssembly, loaded on the first nucleolus request, hence the only asynchronous request).
 * No DOM and no Worker API here, so tests run it directly.
 */
import { EngineInputError } from '../../engine/errors';
import type { Game } from '../../engine/games/game';
import { saturatingScaleGame } from '../../engine/games/saturatingScale';
import { tableGame } from '../../engine/games/table';
import { votingGame } from '../../engine/games/voting';
import { exactShapleyOfPlayers } from '../../engine/shapley/exact';
import { stratifiedShapley } from '../../engine/shapley/stratifiedSampling';
import { permutationShapley, samplingRun } from '../../engine/shapley/sampling';
import { nucleolus, type NucleolusKind } from '../../engine/shapley/nucleolus';
import { saturatingScaleShapley } from '../../engine/shapley/sumGame';
import { shapleyShubikIndex } from '../../engine/shapley/voting';
import { ENGINE_VERSION } from '../../engine/version';
import type { LpSolver } from '../../engine/lp/linearProgram';
import { loadHighs } from '../../lp/highs';
import { noImputationMessage } from './nucleolusCheck';

export type SampledGameSpec =
  | { type: 'table'; n: number; values: number[] }
  | { type: 'voting'; weights: number[]; quota: number }
  | { type: 'saturatingScale'; sizes: number[]; halfSize: number; alpha: number };

export interface PaneSamplingOptions {
  seed: number;
  maxPermutations: number;
  targetStandardError?: number;
  antithetic: boolean;
  /** Stratified sampling (Castro et al. 2017) with maxPermutations × n marginal contributions. */
  stratified?: boolean;
}

/** The requests runPaneRequest answers at once. */
export type SyncPaneRequest =
  | { kind: 'exact-table'; n: number; values: number[] }
  | { kind: 'exact-voting'; weights: number[]; quota: number }
  | { kind: 'exact-scale'; sizes: number[]; halfSize: number; alpha: number }
  | { kind: 'sample'; game: SampledGameSpec; options: PaneSamplingOptions };

export interface NucleolusRequest {
  kind: 'nucleolus-table';
  nucleolusKind: NucleolusKind;
  n: number;
  /** 2^n values in mask order. */
  values: number[];
}

export type PaneRequest = SyncPaneRequest | NucleolusRequest;

export interface PaneOutput {
  method: string;
  values: number[];
  standardErrors?: number[];
  seed?: number;
  samples?: number;
  permutations?: number;
  stoppedBy?: string;
  /** The LP solver of a nucleolus. */
  solver?: { name: string; version: string };
  engineVersion: string;
  elapsedMs: number;
}

export interface PaneProgress {
  /** 0–1, never going back. */
  progress: number;
  /** E.g. "1,024 permutations". */
  detail?: string;
}

/** An input the engine refused, with the field it names. */
export class PaneInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PaneInputError';
  }
}

function engineCall<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof EngineInputError) throw new PaneInputError(error.message, error.field);
    throw error;
  }
}

export function buildSampledGame(spec: SampledGameSpec): Game {
  switch (spec.type) {
    case 'table':
      return tableGame(Float64Array.from(spec.values), spec.n);
    case 'voting':
      return votingGame(spec.weights, spec.quota);
    case 'saturatingScale':
      return saturatingScaleGame(spec.sizes, spec.halfSize, spec.alpha);
  }
}

/** Runs any request, as the worker does: the synchronous ones as runPaneRequest, the nucleolus awaiting its solver. */
export async function runPaneJob(request: PaneRequest, report: (progress: PaneProgress) => void = () => undefined, reportEveryMs = 100): Promise<PaneOutput> {
  return request.kind === 'nucleolus-table' ? runNucleolusRequest(request, report) : runPaneRequest(request, report, reportEveryMs);
}

/**
 * The nucleolus or pre-nucleolus of a table, by the engine function PARTAGE.NUCLEOLUS and the
 * companion's shapley.nucleolus call. Progress says only which stage it is in: the LP levels are
 * sequential, their number unknown beforehand, and they take seconds at most (20 players).
 * `solver` is HiGHS unless a test gives another.
 */
export async function runNucleolusRequest(
  request: NucleolusRequest,
  report: (progress: PaneProgress) => void = () => undefined,
  solver: () => Promise<LpSolver> = loadHighs,
): Promise<PaneOutput> {
  const started = Date.now();
  const { n, values, nucleolusKind } = request;
  if (nucleolusKind === 'nucleolus' && values.length === 2 ** n) {
    // Before loading 3.5 MB of WebAssembly, and in the pane's words (the method to choose).
    const problem = noImputationMessage(values, n);
    if (problem) throw new PaneInputError(problem, 'values');
  }
  report({ progress: 0, detail: 'loading the LP solver' });
  const lp = await solver();
  report({ progress: 0, detail: 'solving linear programs' });
  const result = engineCall(() => nucleolus(values, n, nucleolusKind, lp));
  return {
    method: nucleolusKind,
    values: Array.from(result.values),
    solver: { name: lp.name, version: lp.version },
    engineVersion: ENGINE_VERSION,
    elapsedMs: Date.now() - started,
  };
}

/** Runs a request; `report` gets progress now and then (at most every `reportEveryMs`). */
export function runPaneRequest(request: SyncPaneRequest, report: (progress: PaneProgress) => void = () => undefined, reportEveryMs = 100): PaneOutput {
  const started = Date.now();
  const done = (output: Omit<PaneOutput, 'elapsedMs' | 'engineVersion'>): PaneOutput => ({ ...output, engineVersion: ENGINE_VERSION, elapsedMs: Date.now() - started });
  switch (request.kind) {
    case 'exact-table': {
      const { n, values } = request;
      const phi = new Array<number>(n);
      const one = new Int32Array(1);
      let last = 0;
      engineCall(() => {
        for (let i = 0; i < n; i++) {
          one[0] = i;
          phi[i] = exactShapleyOfPlayers(values, n, one, i > 0)[0];
          if (Date.now() - last >= reportEveryMs) {
            last = Date.now();
            report({ progress: (i + 1) / n, detail: `${i + 1} of ${n} players` });
          }
        }
      });
      return done({ method: 'exact', values: phi });
    }
    case 'exact-voting':
      return done({ method: 'exact (Shapley–Shubik, dynamic programme)', values: Array.from(engineCall(() => shapleyShubikIndex(request.weights, request.quota))) });
    case 'exact-scale':
      return done({
        method: 'exact (dynamic programme)',
        values: Array.from(engineCall(() => saturatingScaleShapley(request.sizes, request.halfSize, request.alpha))),
      });
    case 'sample':
      return runSample(request.game, request.options, report, reportEveryMs, done);
  }
}

function runSample(
  spec: SampledGameSpec,
  options: PaneSamplingOptions,
  report: (progress: PaneProgress) => void,
  reportEveryMs: number,
  done: (output: Omit<PaneOutput, 'elapsedMs' | 'engineVersion'>) => PaneOutput,
): PaneOutput {
  const game = engineCall(() => buildSampledGame(spec));
  if (options.stratified) {
    report({ progress: 0, detail: 'stratified sampling' });
    const result = engineCall(() => stratifiedShapley(game, { seed: options.seed, maxContributions: options.maxPermutations * game.n }));
    return done({ method: result.method, values: Array.from(result.values), standardErrors: Array.from(result.standardErrors), seed: result.seed, samples: result.marginalContributions });
  }
  const engineOptions = {
    seed: options.seed,
    maxPermutations: options.maxPermutations,
    antithetic: options.antithetic,
    ...(options.targetStandardError !== undefined ? { targetStandardError: options.targetStandardError } : {}),
  };
  const { rule } = engineCall(() => samplingRun(engineOptions));
  let shown = 0;
  let last = 0;
  const result = engineCall(() =>
    permutationShapley(game, {
      ...engineOptions,
      onProgress(p) {
        // As the companion reports it: the share of the samples the run will need, extrapolated
        // from the largest standard error (which falls as 1/√samples) when a target is set.
        let needed = rule.maxSamples;
        if (rule.targetStandardError !== undefined && !Number.isNaN(p.largestStandardError)) {
          needed = Math.min(rule.maxSamples, Math.max(rule.minSamples, p.samples * (p.largestStandardError / rule.targetStandardError) ** 2));
        }
        shown = Math.max(shown, Math.min(p.samples / needed, 0.999));
        if (Date.now() - last >= reportEveryMs) {
          last = Date.now();
          report({ progress: shown, detail: `${p.permutations.toLocaleString('en-US')} permutations` });
        }
      },
    }),
  );
  return done({
    method: result.method,
    values: Array.from(result.values),
    standardErrors: Array.from(result.standardErrors),
    seed: result.seed,
    samples: result.samples,
    permutations: result.permutations,
    stoppedBy: result.stoppedBy,
  });
}
