/**
 * shapley.stratified: Shapley (or, with `input.unions`, Owen) values of a game of the catalogue
 * by stratified sampling with optimum allocation (engine/shapley/stratifiedSampling.ts, Castro et
 * al. 2017), the numbers of the engine's stratifiedShapley with the same seed and budget.
 *
 * Each player's samples are its own (its own Philox streams, its own share of the budget), so a
 * unit is one player, run by any thread or worker in any order; its output is the player's value
 * and standard error, checkpointed as they arrive, so a restart redoes only unfinished players.
 */
import { stratifiedPlan, stratifiedShapleyOfPlayers, type StratifiedPlan, type StratifiedSamplingOptions } from '../../engine/shapley/stratifiedSampling';
import type { Game } from '../../engine/games/game';
import { MAX_MARGINAL_CONTRIBUTIONS } from '../limits';
import { engineInput, inputError } from './errors';
import { buildGame, resolveGame, validateSampledInput, type GameRequest, type GameSpec } from './gameSpec';
import { bytesToFloat64, float64Bytes, isAbsent, optionsRecord, randomSeed } from './shared';
import type { Execution, JobDefinition, JobEnvironment, StoredCheckpoint, WorkerJob, WorkUnit } from './types';

const OPTION_NAMES = ['seed', 'maxContributions', 'pilotShare'];

export interface StratifiedJob {
  readonly game: GameRequest;
  readonly n: number;
  readonly players?: string[];
  readonly unions?: Array<string | number>;
  readonly options: StratifiedSamplingOptions;
}

export interface StratifiedContext {
  kind: 'shapley.stratified';
  game: GameSpec;
  options: StratifiedSamplingOptions;
}

export interface PlayerUnit {
  player: number;
}

interface StratifiedCheckpointState {
  kind: 'shapley.stratified';
  n: number;
  seed: number;
}

export const shapleyStratified: JobDefinition<StratifiedJob> = {
  type: 'shapley.stratified',

  validate(input, options, env) {
    const { game, n, players, unions } = validateSampledInput('shapley.stratified', input, env);
    const given = optionsRecord(options);
    for (const key of Object.keys(given)) {
      if (!OPTION_NAMES.includes(key)) throw inputError(`options.${key}`, `is not an option of shapley.stratified (${OPTION_NAMES.join(', ')})`);
    }
    if (isAbsent(given.maxContributions)) throw inputError('options.maxContributions', 'give the marginal contributions to evaluate (the budget of permutations × players)');
    const seed = isAbsent(given.seed) ? randomSeed() : given.seed;
    // The stored options hold the seed drawn for the run, so that a resume repeats the same run.
    const stored: Record<string, unknown> = { seed, maxContributions: given.maxContributions, ...(isAbsent(given.pilotShare) ? {} : { pilotShare: given.pilotShare }) };
    const engineOptions = { ...(stored as unknown as StratifiedSamplingOptions), ...(unions ? { unions } : {}) };
    const fields = { seed: 'options.seed', maxContributions: 'options.maxContributions', pilotShare: 'options.pilotShare', unions: 'input.unions' };
    engineInput('options', () => stratifiedPlan(n, engineOptions), fields);
    if ((given.maxContributions as number) > MAX_MARGINAL_CONTRIBUTIONS) {
      throw inputError('options.maxContributions', `${(given.maxContributions as number).toExponential(2)} marginal contributions; at most ${MAX_MARGINAL_CONTRIBUTIONS.toExponential(0)} per job`);
    }
    return { value: { game, n, players, ...(unions ? { unions } : {}), options: engineOptions }, options: stored };
  },

  start(job, env, checkpoint) {
    return new StratifiedExecution(job, env, checkpoint);
  },
};

class StratifiedExecution implements Execution {
  readonly context: StratifiedContext;
  private readonly values: Float64Array;
  private readonly standardErrors: Float64Array;
  private readonly done: Uint8Array;
  private readonly plan: StratifiedPlan;
  private finishedPlayers = 0;
  private nextPlayer = 0;
  private unsaved: number[] = [];

  constructor(
    private readonly job: StratifiedJob,
    env: JobEnvironment,
    checkpoint: StoredCheckpoint | undefined,
  ) {
    this.context = { kind: 'shapley.stratified', game: resolveGame(job.game, env), options: job.options };
    this.plan = stratifiedPlan(job.n, job.options);
    this.values = new Float64Array(job.n);
    this.standardErrors = new Float64Array(job.n);
    this.done = new Uint8Array(job.n);
    this.restore(checkpoint);
  }

  private restore(checkpoint: StoredCheckpoint | undefined): void {
    const state = checkpoint?.state as StratifiedCheckpointState | undefined;
    if (!state || state.kind !== 'shapley.stratified' || state.n !== this.job.n || state.seed !== this.job.options.seed) return;
    for (const [player, bytes] of checkpoint!.parts) {
      const pair = bytesToFloat64(bytes);
      if (player < 0 || player >= this.job.n || pair.length !== 2 || this.done[player]) continue;
      this.values[player] = pair[0];
      this.standardErrors[player] = pair[1];
      this.done[player] = 1;
      this.finishedPlayers++;
    }
  }

  next(): WorkUnit | undefined {
    while (this.nextPlayer < this.job.n && this.done[this.nextPlayer]) this.nextPlayer++;
    if (this.nextPlayer >= this.job.n) return undefined;
    const player = this.nextPlayer++;
    return { index: player, payload: { player } satisfies PlayerUnit };
  }

  accept(unit: WorkUnit, output: unknown): void {
    const pair = output as Float64Array;
    if (!ArrayBuffer.isView(pair) || pair.length !== 2) throw new Error(`unit ${unit.index} returned a malformed result`);
    const { player } = unit.payload as PlayerUnit;
    if (this.done[player]) return;
    this.values[player] = pair[0];
    this.standardErrors[player] = pair[1];
    this.done[player] = 1;
    this.finishedPlayers++;
    this.unsaved.push(player);
  }

  finished(): boolean {
    return this.finishedPlayers === this.job.n;
  }

  progress(): number {
    return this.job.n === 0 ? 1 : this.finishedPlayers / this.job.n;
  }

  checkpoint() {
    if (this.unsaved.length === 0) return undefined;
    const parts = this.unsaved.map((player) => ({ part: player, data: float64Bytes(Float64Array.of(this.values[player], this.standardErrors[player])) }));
    this.unsaved = [];
    const state: StratifiedCheckpointState = { kind: 'shapley.stratified', n: this.job.n, seed: this.job.options.seed };
    return { state, parts };
  }

  result(): Record<string, unknown> {
    return {
      method: this.plan.unions ? 'owen-stratified' : 'stratified',
      game: this.job.game.type,
      seed: this.job.options.seed,
      ...(this.job.unions ? { unions: this.job.unions } : {}),
      marginalContributions: this.job.options.maxContributions,
      strata: this.plan.strata,
      pilotPerStratum: this.plan.pilotPerStratum,
      values: Array.from(this.values),
      standardErrors: Array.from(this.standardErrors),
      ...(this.job.players ? { players: this.job.players } : {}),
    };
  }
}

export const shapleyStratifiedWorker: WorkerJob<{ game: Game; plan: StratifiedPlan }> = {
  setup(context) {
    const { game, options } = context as StratifiedContext;
    const built = buildGame(game);
    return { game: built, plan: stratifiedPlan(built.n, options) };
  },
  run(state, payload) {
    const { player } = payload as PlayerUnit;
    const { values, standardErrors } = stratifiedShapleyOfPlayers(state.game, state.plan, [player]);
    const output = Float64Array.of(values[0], standardErrors[0]);
    return { output, transfer: [output.buffer as ArrayBuffer] };
  },
};
