/**
 * The two ways a batch job runs. In the pane (engineRun.ts, what the web worker executes): exact
 * values checked against brute force over all orders, sampled ones against the engine's
 * permutationShapley with the same seed (the pane must be the engine, bit for bit). On the
 * companion: the requests companionJob() makes are accepted and computed by a real companion,
 * giving the same numbers. And where a job may run, and how results are shown.
 */
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { bruteForceShapley } from '../helpers/bruteForce';
import { CompanionClient } from '../../src/taskpane/companion/companionApi';
import {
  companionJob,
  describeMethod,
  PANE_MAX_CONTRIBUTIONS,
  panePermutations,
  paneRequest,
  planRun,
  resultFromCompanion,
  resultFromPane,
  resultRows,
  type BatchMethod,
  type ScaleGame,
  type TableGame,
  type VotingGame,
} from '../../src/taskpane/batch/batchGame';
import { PaneInputError, runPaneRequest, type PaneProgress } from '../../src/taskpane/batch/engineRun';
import { saturatingScaleGame } from '../../src/engine/games/saturatingScale';
import { tableGame } from '../../src/engine/games/table';
import { votingGame } from '../../src/engine/games/voting';
import { permutationShapley } from '../../src/engine/shapley/sampling';
import { stratifiedShapley } from '../../src/engine/shapley/stratifiedSampling';

jest.setTimeout(60_000);

const sum = (mask: number, xs: readonly number[]) => xs.reduce((s, x, i) => s + ((mask >> i) & 1 ? x : 0), 0);

function table(n: number): TableGame {
  const values: number[] = [];
  // A glove-like game with a bonus for the first player: integer values, not additive.
  for (let mask = 0; mask < 1 << n; mask++) values.push(Math.min(sum(mask, [1, 1, 0, 0, 0, 0].slice(0, n)), sum(mask, [0, 0, 1, 1, 1, 1].slice(0, n))) * 10 + ((mask & 1) ? 7 : 0));
  return { kind: 'table', players: ['A', 'B', 'C', 'D', 'E', 'F'].slice(0, n), values, source: 'test' };
}
const VOTING: VotingGame = { kind: 'voting', players: ['P', 'Q', 'R', 'S', 'T'], weights: [5, 4, 3, 2, 1], quota: 8, source: 'test' };
const SCALE: ScaleGame = { kind: 'saturatingScale', players: ['X', 'Y', 'Z', 'W'], sizes: [1200, 300, 60, 5], halfSize: 400, alpha: 0.7, source: 'test' };
const SAMPLED: BatchMethod = { kind: 'sampled', seed: 42, maxPermutations: 3000, antithetic: false };

describe('in the pane (what the web worker runs)', () => {
  test('an exact table is the Shapley value, as brute force over all orders gives it, with progress per player', () => {
    const game = table(6);
    const seen: PaneProgress[] = [];
    const out = runPaneRequest(paneRequest(game, { kind: 'exact' }), (p) => seen.push(p), 0);
    const expected = bruteForceShapley(6, (mask) => game.values[mask]);
    out.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(out.method).toBe('exact');
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5, 6].map((k) => k / 6));
  });

  test('exact voting power and saturating-scale values, as brute force gives them', () => {
    const voting = runPaneRequest(paneRequest(VOTING, { kind: 'exact' }));
    const power = bruteForceShapley(5, (mask) => (sum(mask, VOTING.weights) >= VOTING.quota ? 1 : 0));
    voting.values.forEach((v, i) => expect(v).toBeCloseTo(power[i], 12));
    const scale = runPaneRequest(paneRequest(SCALE, { kind: 'exact' }));
    const phi = bruteForceShapley(4, (mask) => 1 - (1 + sum(mask, SCALE.sizes) / SCALE.halfSize) ** -SCALE.alpha);
    scale.values.forEach((v, i) => expect(v).toBeCloseTo(phi[i], 12));
  });

  test('sampled games give exactly the engine’s numbers for the same seed, and progress that never goes back', () => {
    for (const [game, engineGame] of [
      [table(5), tableGame(Float64Array.from(table(5).values), 5)],
      [VOTING, votingGame(VOTING.weights, VOTING.quota)],
      [SCALE, saturatingScaleGame(SCALE.sizes, SCALE.halfSize, SCALE.alpha)],
    ] as const) {
      const seen: number[] = [];
      const out = runPaneRequest(paneRequest(game, SAMPLED), (p) => seen.push(p.progress), 0);
      const engine = permutationShapley(engineGame, { seed: 42, maxPermutations: 3000 });
      expect(out.values).toEqual(Array.from(engine.values));
      expect(out.standardErrors).toEqual(Array.from(engine.standardErrors));
      expect(out).toMatchObject({ seed: 42, permutations: 3000, stoppedBy: 'maxPermutations', method: 'permutation' });
      expect(seen.length).toBeGreaterThan(5);
      for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThanOrEqual(seen[k - 1]);
      expect(seen[seen.length - 1]).toBeLessThan(1);
    }
  });

  test('stratified sampling spends the contributions of that many permutations, the engine’s numbers for the seed', () => {
    const method: BatchMethod = { ...SAMPLED, stratified: true };
    expect(describeMethod(method)).toBe('sampled (stratified, optimum allocation), 3,000 permutations of marginal contributions, seed 42');
    const out = runPaneRequest(paneRequest(VOTING, method));
    const engine = stratifiedShapley(votingGame(VOTING.weights, VOTING.quota), { seed: 42, maxContributions: 3000 * 5 });
    expect(out.values).toEqual(Array.from(engine.values));
    expect(out.standardErrors).toEqual(Array.from(engine.standardErrors));
    expect(out).toMatchObject({ method: 'stratified', seed: 42, samples: 15_000 });
    expect(companionJob(VOTING, method)).toMatchObject({ type: 'shapley.stratified', options: { seed: 42, maxContributions: 15_000 } });
  });

  test('a target standard error alone stops as the engine does, within the pane’s budget', () => {
    const method: BatchMethod = { kind: 'sampled', seed: 9, targetStandardError: 0.05, antithetic: true };
    const request = paneRequest(VOTING, method);
    expect(request).toMatchObject({ kind: 'sample', options: { maxPermutations: panePermutations(method, 5), targetStandardError: 0.05 } });
    expect(panePermutations(method, 5)).toBe(PANE_MAX_CONTRIBUTIONS / 5);
    const out = runPaneRequest(request);
    const engine = permutationShapley(votingGame(VOTING.weights, VOTING.quota), { seed: 9, targetStandardError: 0.05, antithetic: true, maxPermutations: PANE_MAX_CONTRIBUTIONS / 5 });
    expect(out.values).toEqual(Array.from(engine.values));
    expect(out.stoppedBy).toBe('targetStandardError');
    expect(Math.max(...out.standardErrors!)).toBeLessThanOrEqual(0.05);
  });

  test('an input the engine refuses comes back with the field it names', () => {
    expect(() => runPaneRequest({ kind: 'exact-voting', weights: [1, 2], quota: 4 })).toThrow(PaneInputError);
    try {
      runPaneRequest({ kind: 'exact-voting', weights: [1, 2], quota: 4 });
    } catch (error) {
      expect((error as PaneInputError).field).toBe('quota');
      expect((error as Error).message).toMatch(/^quota: 4 exceeds the sum of the weights/);
    }
    expect(() => runPaneRequest({ kind: 'exact-scale', sizes: [1.5, 2], halfSize: 1, alpha: 1 })).toThrow(/sizes, item 1: must be a whole number/);
  });
});

describe('on the companion (the requests the pane sends)', () => {
  let t: TestCompanion;
  let client: CompanionClient;
  beforeAll(async () => {
    t = await startTestCompanion();
    client = new CompanionClient({ url: t.url, token: t.token });
  });
  afterAll(() => stopTestCompanion(t));

  async function run(game: TableGame | VotingGame | ScaleGame, method: BatchMethod) {
    const { id } = await client.submit(companionJob(game, method));
    const end = await client.follow(id, () => undefined);
    expect(end.error).toBeUndefined();
    expect(end.state).toBe('done');
    return resultFromCompanion(end, { label: 'test', players: game.players });
  }

  test('an exact table: the Shapley values, with the players named', async () => {
    const game = table(4);
    const result = await run(game, { kind: 'exact' });
    const expected = bruteForceShapley(4, (mask) => game.values[mask]);
    expect(result.players).toEqual(game.players);
    result.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(result).toMatchObject({ method: 'exact', backend: 'cpu' });
  });

  test('sampled table, voting and saturating-scale games: the same numbers as in the pane', async () => {
    for (const game of [table(5), VOTING, SCALE]) {
      const result = await run(game, SAMPLED);
      const pane = runPaneRequest(paneRequest(game, SAMPLED));
      expect(result.values).toEqual(pane.values);
      expect(result.standardErrors).toEqual(pane.standardErrors);
      expect(result).toMatchObject({ seed: 42, permutations: 3000, stoppedBy: 'maxPermutations' });
    }
  });

  test('stratified sampling: the shapley.stratified job gives the pane’s numbers, the engine’s, for the same contributions', async () => {
    const method: BatchMethod = { ...SAMPLED, stratified: true };
    for (const game of [table(5), VOTING]) {
      const result = await run(game, method);
      const pane = runPaneRequest(paneRequest(game, method));
      expect(result.values).toEqual(pane.values);
      expect(result.standardErrors).toEqual(pane.standardErrors);
      expect(result).toMatchObject({ seed: 42, method: 'stratified' });
    }
  });
});

describe('where a job runs', () => {
  const exact: BatchMethod = { kind: 'exact' };

  test('with a companion, there by default; without, in the pane when small enough', () => {
    expect(planRun(table(4), SAMPLED, true)).toMatchObject({ preferred: 'companion', pane: { possible: true } });
    expect(planRun(table(4), SAMPLED, false)).toMatchObject({ preferred: 'pane', companion: { possible: false, reason: expect.stringContaining('no companion') } });
  });

  test('exact voting and saturating-scale values are always computed in the pane', () => {
    expect(planRun(VOTING, exact, true)).toMatchObject({ preferred: 'pane', companion: { possible: false } });
  });

  test('the pane’s limits: 20 players exact, 50 million marginal contributions sampled', () => {
    const big: TableGame = { ...table(2), players: Array.from({ length: 21 }, (_, i) => `P${i}`) };
    expect(planRun(big, exact, false)).toMatchObject({ preferred: undefined, pane: { possible: false, reason: expect.stringContaining('up to 20') } });
    const many: VotingGame = { ...VOTING, players: Array.from({ length: 1000 }, (_, i) => `V${i}`), weights: Array(1000).fill(1) };
    expect(planRun(many, { ...SAMPLED, maxPermutations: 50_000 }, false).pane.possible).toBe(true);
    expect(planRun(many, { ...SAMPLED, maxPermutations: 50_001 }, false).pane).toMatchObject({ possible: false, reason: expect.stringContaining('50,000,000') });
  });

  test('similarity attribution only on the companion', () => {
    const similarity = { kind: 'similarity' as const, outputs: 'o', items: 'i', holders: 'h', threshold: 0.5, mode: 'market' as const, source: 'files' };
    expect(planRun(similarity, exact, false)).toMatchObject({ preferred: undefined, pane: { possible: false } });
    expect(companionJob(similarity, exact)).toEqual({
      type: 'attribution.similarity',
      input: { outputs: 'o', items: 'i', holders: 'h' },
      options: { threshold: 0.5, mode: 'market' },
    });
  });
});

describe('results as shown', () => {
  test('share of the total and the 95 % interval value ± 1.96 standard errors', () => {
    const rows = resultRows({ game: 'g', players: ['A', 'B'], values: [1, 3], standardErrors: [0.5, 0.25], method: 'permutation', backend: 'cpu', engineVersion: '0' });
    expect(rows).toEqual([
      { player: 'A', value: 1, share: 0.25, standardError: 0.5, low: 1 - 0.98, high: 1 + 0.98 },
      { player: 'B', value: 3, share: 0.75, standardError: 0.25, low: 3 - 0.49, high: 3 + 0.49 },
    ]);
    expect(resultRows({ game: 'g', players: ['A', 'B'], values: [1, -1], method: 'exact', backend: 'cpu', engineVersion: '0' })).toEqual([
      { player: 'A', value: 1 },
      { player: 'B', value: -1 },
    ]);
  });

  test('a pane result says where and how it was computed', () => {
    const out = runPaneRequest(paneRequest(VOTING, SAMPLED));
    expect(resultFromPane(out, { label: 'Board', players: VOTING.players }, 'pane-1')).toMatchObject({
      game: 'Board',
      players: VOTING.players,
      method: 'permutation',
      seed: 42,
      permutations: 3000,
      backend: 'pane (web worker)',
      jobId: 'pane-1',
    });
  });

  test('a similarity result lists the holders with their totals for the chosen mode', () => {
    const result = resultFromCompanion(
      {
        id: 'j',
        type: 'attribution.similarity',
        state: 'done',
        progress: 1,
        createdAt: '',
        result: { method: 'similarity-max-shapley', holders: ['H1', 'H2'], totals: { user: [0.4, 0.6] }, mode: 'user', backend: 'cpu', engineVersion: '0.1.0' },
      },
      { label: 'files' },
    );
    expect(result).toMatchObject({ players: ['H1', 'H2'], values: [0.4, 0.6], method: 'similarity-max-shapley (user-centric)', backend: 'cpu' });
  });
});
