/**
 * What the batch runner computes: a game (read from the sheet, pasted, or uploaded), a method
 * (exact or sampled Shapley, or the nucleolus or pre-nucleolus of a table) and where it runs (the companion, or a web worker in the pane). This module
 * turns those into a companion job or a pane request, decides where a job may run, and turns
 * either kind of answer into the one result shape the pane shows and writes to Excel.
 */
import type { JobRequest, JobStatus } from '../companion/companionApi';
import type { ShapleyResultForSheet } from '../excel/shapleyResults';
import type { NucleolusRequest, PaneOutput, PaneRequest, SampledGameSpec, SyncPaneRequest } from './engineRun';

export type GameKind = 'table' | 'voting' | 'saturatingScale' | 'similarity';

export const GAME_TITLES: Readonly<Record<GameKind, string>> = {
  table: 'Coalition table',
  voting: 'Weighted voting',
  saturatingScale: 'Saturating scale',
  similarity: 'Similarity attribution',
};

export interface TableGame {
  kind: 'table';
  players: string[];
  /** 2^n values in mask order (bit i ↔ players[i]). */
  values: number[];
  /** Where the data came from, e.g. "Sheet1!A1:B8" or "pasted cells". */
  source: string;
}

export interface VotingGame {
  kind: 'voting';
  players: string[];
  weights: number[];
  quota: number;
  source: string;
}

export interface ScaleGame {
  kind: 'saturatingScale';
  players: string[];
  sizes: number[];
  halfSize: number;
  alpha: number;
  source: string;
}

export interface SimilarityGame {
  kind: 'similarity';
  /** Dataset ids on the companion. */
  outputs: string;
  items: string;
  holders: string;
  threshold: number;
  mode: 'market' | 'user';
  source: string;
}

export type BatchGame = TableGame | VotingGame | ScaleGame | SimilarityGame;

export type BatchMethod =
  | { kind: 'exact' }
  | { kind: 'sampled'; seed: number; maxPermutations?: number; targetStandardError?: number; antithetic: boolean; stratified?: boolean }
  | NucleolusMethod;

/** Of a coalition table only: its nucleolus (over the imputations) or pre-nucleolus. */
export type NucleolusMethod = { kind: 'nucleolus' | 'prenucleolus' };

export function isNucleolusMethod(method: BatchMethod): method is NucleolusMethod {
  return method.kind === 'nucleolus' || method.kind === 'prenucleolus';
}

/**
 * The pane's limits, in the work a web worker does in a few seconds on a laptop core while the
 * user waits: the exact table is n·2^n reads (20 players: ~2·10^7), a sampled game
 * permutations × players marginal contributions. Beyond them the companion runs the job.
 */
export const PANE_MAX_TABLE_PLAYERS = 20;
export const PANE_MAX_CONTRIBUTIONS = 50_000_000;

export const PANE_LIMIT_TEXT =
  'In this pane: exact tables and nucleoli up to 20 players, exact voting and saturating-scale games, and sampled games up to 50 million marginal contributions (permutations × players). Larger jobs need the companion.';

export function playerCount(game: BatchGame): number | undefined {
  return game.kind === 'similarity' ? undefined : game.players.length;
}

export function describeGame(game: BatchGame): string {
  const n = playerCount(game);
  return `${GAME_TITLES[game.kind]}${n === undefined ? '' : `, ${n} player${n === 1 ? '' : 's'}`} (${game.source})`;
}

export function describeMethod(method: BatchMethod): string {
  if (method.kind === 'exact') return 'exact';
  if (isNucleolusMethod(method)) return method.kind === 'nucleolus' ? 'nucleolus' : 'pre-nucleolus';
  const stop = [
    method.maxPermutations !== undefined ? `${method.maxPermutations.toLocaleString('en-US')} permutations` : undefined,
    method.targetStandardError !== undefined ? `standard error ≤ ${method.targetStandardError}` : undefined,
  ]
    .filter(Boolean)
    .join(' or ');
  const how = method.stratified ? ' (stratified, optimum allocation)' : method.antithetic ? ' (antithetic)' : '';
  return `sampled${how}, ${stop}${method.stratified ? ' of marginal contributions' : ''}, seed ${method.seed}`;
}

export type Where = 'companion' | 'pane';

export interface RunPlan {
  /** Where it can run; undefined when nowhere (then `reason` says why). */
  companion: { possible: boolean; reason?: string };
  pane: { possible: boolean; reason?: string };
  /** Where it runs unless the user picks the other place. */
  preferred?: Where;
}

/** Where a job can run, given whether a companion is connected. */
export function planRun(game: BatchGame, method: BatchMethod, companionConnected: boolean): RunPlan {
  const noCompanion = companionConnected ? undefined : 'no companion connected (Companion tab)';
  if (game.kind === 'similarity') {
    return {
      companion: { possible: companionConnected, reason: noCompanion },
      pane: { possible: false, reason: 'similarity attribution runs on the companion, where the embedding files are' },
      preferred: companionConnected ? 'companion' : undefined,
    };
  }
  if (method.kind === 'exact' && game.kind !== 'table') {
    // Exact voting and saturating-scale values come from a polynomial dynamic programme: the
    // pane computes them at once, and the companion has no such job.
    return {
      companion: { possible: false, reason: 'exact voting and saturating-scale values are computed in the pane (polynomial time)' },
      pane: { possible: true },
      preferred: 'pane',
    };
  }
  const n = game.players.length;
  if (isNucleolusMethod(method)) return planNucleolus(game, n, companionConnected, noCompanion);
  let pane: RunPlan['pane'];
  if (method.kind === 'exact') {
    pane = n <= PANE_MAX_TABLE_PLAYERS ? { possible: true } : { possible: false, reason: `${n} players: the pane computes exact tables up to ${PANE_MAX_TABLE_PLAYERS}` };
  } else {
    const permutations = panePermutations(method, n);
    pane =
      permutations * n <= PANE_MAX_CONTRIBUTIONS
        ? { possible: true }
        : {
            possible: false,
            reason: `${permutations.toLocaleString('en-US')} permutations × ${n} players is more than the pane's ${PANE_MAX_CONTRIBUTIONS.toLocaleString('en-US')} marginal contributions`,
          };
  }
  return {
    companion: { possible: companionConnected, reason: noCompanion },
    pane,
    preferred: companionConnected ? 'companion' : pane.possible ? 'pane' : undefined,
  };
}

function planNucleolus(game: Exclude<BatchGame, { kind: 'similarity' }>, n: number, companionConnected: boolean, noCompanion: string | undefined): RunPlan {
  if (game.kind !== 'table') {
    const reason = 'the nucleolus is computed from a coalition table';
    return { companion: { possible: false, reason }, pane: { possible: false, reason }, preferred: undefined };
  }
  // The companion's shapley.nucleolus takes up to 20 players too, as many as a sheet's table holds.
  const tooMany = n > PANE_MAX_TABLE_PLAYERS ? `${n} players: the nucleolus is computed for tables up to ${PANE_MAX_TABLE_PLAYERS}` : undefined;
  const pane = tooMany ? { possible: false, reason: tooMany } : { possible: true };
  const companion = tooMany ? { possible: false, reason: tooMany } : { possible: companionConnected, reason: noCompanion };
  return { companion, pane, preferred: companion.possible ? 'companion' : pane.possible ? 'pane' : undefined };
}

/**
 * Permutations a pane run may walk. A run stopped only by a target standard error gets the
 * pane's budget as its maximum, which the result then reports as its stopping rule if reached.
 */
export function panePermutations(method: Extract<BatchMethod, { kind: 'sampled' }>, n: number): number {
  if (method.maxPermutations !== undefined) return method.maxPermutations;
  const budget = Math.floor(PANE_MAX_CONTRIBUTIONS / Math.max(1, n));
  return method.antithetic ? budget - (budget % 2) : budget;
}

function samplingOptions(method: Extract<BatchMethod, { kind: 'sampled' }>): Record<string, unknown> {
  return {
    seed: method.seed,
    antithetic: method.antithetic,
    ...(method.maxPermutations !== undefined ? { maxPermutations: method.maxPermutations } : {}),
    ...(method.targetStandardError !== undefined ? { targetStandardError: method.targetStandardError } : {}),
  };
}

/** The companion job for a game and method (README, "Job types"). */
export function companionJob(game: BatchGame, method: BatchMethod): JobRequest {
  if (game.kind === 'similarity') {
    return {
      type: 'attribution.similarity',
      input: { outputs: game.outputs, items: game.items, holders: game.holders },
      options: { threshold: game.threshold, mode: game.mode },
    };
  }
  if (method.kind === 'exact') {
    if (game.kind !== 'table') throw new Error(`exact ${GAME_TITLES[game.kind]} values are computed in the pane`);
    return { type: 'shapley.exact', input: { n: game.players.length, values: game.values, players: game.players } };
  }
  if (isNucleolusMethod(method)) {
    if (game.kind !== 'table') throw new Error('the nucleolus is computed from a coalition table');
    return { type: 'shapley.nucleolus', input: { n: game.players.length, values: game.values, players: game.players }, options: { kind: method.kind } };
  }
  if (method.stratified) {
    // The same marginal contributions as that many permutations.
    const maxContributions = panePermutations(method, game.players.length) * game.players.length;
    return { type: 'shapley.stratified', input: { game: { ...sampledGameSpec(game) }, players: game.players }, options: { seed: method.seed, maxContributions } };
  }
  return { type: 'shapley.sample', input: { game: { ...sampledGameSpec(game) }, players: game.players }, options: samplingOptions(method) };
}

function sampledGameSpec(game: TableGame | VotingGame | ScaleGame): SampledGameSpec {
  switch (game.kind) {
    case 'table':
      return { type: 'table', n: game.players.length, values: game.values };
    case 'voting':
      return { type: 'voting', weights: game.weights, quota: game.quota };
    case 'saturatingScale':
      return { type: 'saturatingScale', sizes: game.sizes, halfSize: game.halfSize, alpha: game.alpha };
  }
}

/** The request the pane's web worker runs for a game and method. */
export function paneRequest(game: BatchGame, method: NucleolusMethod): NucleolusRequest;
export function paneRequest(game: BatchGame, method: Exclude<BatchMethod, NucleolusMethod>): SyncPaneRequest;
export function paneRequest(game: BatchGame, method: BatchMethod): PaneRequest;
export function paneRequest(game: BatchGame, method: BatchMethod): PaneRequest {
  if (game.kind === 'similarity') throw new Error('similarity attribution runs on the companion');
  if (isNucleolusMethod(method)) {
    if (game.kind !== 'table') throw new Error('the nucleolus is computed from a coalition table');
    return { kind: 'nucleolus-table', nucleolusKind: method.kind, n: game.players.length, values: game.values };
  }
  if (method.kind === 'exact') {
    switch (game.kind) {
      case 'table':
        return { kind: 'exact-table', n: game.players.length, values: game.values };
      case 'voting':
        return { kind: 'exact-voting', weights: game.weights, quota: game.quota };
      case 'saturatingScale':
        return { kind: 'exact-scale', sizes: game.sizes, halfSize: game.halfSize, alpha: game.alpha };
    }
  }
  return {
    kind: 'sample',
    game: sampledGameSpec(game),
    options: {
      seed: method.seed,
      antithetic: method.antithetic,
      ...(method.stratified ? { stratified: true } : {}),
      maxPermutations: panePermutations(method, game.players.length),
      ...(method.targetStandardError !== undefined ? { targetStandardError: method.targetStandardError } : {}),
    },
  };
}

function numbers(x: unknown): number[] | undefined {
  return Array.isArray(x) && x.every((v) => typeof v === 'number') ? (x as number[]) : undefined;
}

/** A finished companion job's result as the pane shows it. */
export function resultFromCompanion(job: JobStatus, game: { label: string; players?: string[] }): ShapleyResultForSheet {
  const r = (job.result ?? {}) as Record<string, unknown>;
  const common = {
    backend: typeof r.backend === 'string' ? r.backend : 'companion',
    engineVersion: typeof r.engineVersion === 'string' ? r.engineVersion : '—',
    jobId: job.id,
    ...(typeof r.elapsedMs === 'number' ? { elapsedMs: r.elapsedMs } : {}),
  };
  if (job.type === 'attribution.similarity') {
    const holders = (r.holders as string[] | undefined) ?? [];
    const mode = (r.mode as string) === 'user' ? 'user' : 'market';
    const totals = numbers((r.totals as Record<string, unknown> | undefined)?.[mode]) ?? [];
    return { game: game.label, players: holders.map(String), values: totals, method: `${String(r.method ?? 'similarity')} (${mode}-centric)`, ...common };
  }
  const values = numbers(r.values) ?? [];
  const players = (Array.isArray(r.players) ? (r.players as string[]) : game.players) ?? values.map((_, i) => `Player ${i + 1}`);
  const standardErrors = numbers(r.standardErrors);
  return {
    game: game.label,
    players,
    values,
    method: String(r.method ?? job.type),
    ...(standardErrors ? { standardErrors } : {}),
    ...(typeof r.seed === 'number' ? { seed: r.seed } : {}),
    ...(typeof r.samples === 'number' ? { samples: r.samples } : {}),
    ...(typeof r.permutations === 'number' ? { permutations: r.permutations } : {}),
    ...(typeof r.stoppedBy === 'string' ? { stoppedBy: r.stoppedBy } : {}),
    ...solverOf(r.solver),
    ...common,
  };
}

function solverOf(x: unknown): { solver?: { name: string; version: string } } {
  const solver = x as { name?: unknown; version?: unknown } | undefined;
  return solver && typeof solver.name === 'string' && typeof solver.version === 'string' ? { solver: { name: solver.name, version: solver.version } } : {};
}

/** A pane run's output as the pane shows it. */
export function resultFromPane(output: PaneOutput, game: { label: string; players: string[] }, jobId: string): ShapleyResultForSheet {
  return {
    game: game.label,
    players: game.players,
    values: output.values,
    method: output.method,
    ...(output.standardErrors ? { standardErrors: output.standardErrors } : {}),
    ...(output.seed !== undefined ? { seed: output.seed } : {}),
    ...(output.samples !== undefined ? { samples: output.samples } : {}),
    ...(output.permutations !== undefined ? { permutations: output.permutations } : {}),
    ...(output.stoppedBy !== undefined ? { stoppedBy: output.stoppedBy } : {}),
    ...(output.solver ? { solver: output.solver } : {}),
    backend: 'pane (web worker)',
    engineVersion: output.engineVersion,
    jobId,
    elapsedMs: output.elapsedMs,
  };
}

export interface ResultRow {
  player: string;
  value: number;
  /** value / Σ values; undefined when the values sum to 0. */
  share?: number;
  standardError?: number;
  low?: number;
  high?: number;
}

/** Two-sided 95 % normal interval, as writeShapleyResults writes it. */
export const Z95 = 1.96;

export function resultRows(result: ShapleyResultForSheet): ResultRow[] {
  const total = result.values.reduce((a, b) => a + b, 0);
  return result.players.map((player, i) => {
    const value = result.values[i];
    const se = result.standardErrors?.[i];
    return {
      player,
      value,
      ...(total !== 0 ? { share: value / total } : {}),
      ...(se !== undefined ? { standardError: se, low: value - Z95 * se, high: value + Z95 * se } : {}),
    };
  });
}
