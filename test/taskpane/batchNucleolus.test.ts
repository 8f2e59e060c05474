/**
 * The batch runner's nucleolus and pre-nucleolus of a coalition table. In the pane: the request
 * 'nucleolus-table' run directly (engineRun.ts, what the web worker executes) with the HiGHS
 * solver loaded as in Node, and through the PaneRunner with a stand-in worker. On the companion:
 * the shapley.nucleolus job companionJob() makes, computed by a real companion. Then where such a
 * job may run, the form's refusal of a table without imputation, and the sheet it is written to.
 *
 * Expected values are published or computed by hand, never by the engine:
 * - The Talmud's bankruptcy problems (Aumann & Maschler 1985): claims 100, 200, 300, estate E,
 *   v(S) = max(0, E − Σ_{j∉S} d_j); the nucleolus is the Talmud rule: E = 100: 33⅓ each;
 *   E = 200: 50, 75, 75; E = 300: 50, 100, 150.
 * - Box 3 (v(A) = 50, v(B) = 40, v(C) = 30, v(AB) = 80, v(AC) = 80, v(BC) = 60, v(N) = 100): the
 *   stand-alone values sum to 120 > 100, so there is no imputation and no nucleolus. Its
 *   pre-nucleolus, by hand: with three players e({i}) + e(N∖{i}) = v({i}) + v(N∖{i}) − v(N)
 *   whatever x, so the largest excess is least when each such pair is equal: e(B) = 40 − x_B =
 *   e(AC) = x_B − 20 gives x_B = 30 (excess 10, the largest pair sum 20); e(A) = 50 − x_A = e(BC) =
 *   x_A − 40 gives x_A = 45; e(C) = 30 − x_C = e(AB) = x_C − 20 gives x_C = 25; 45 + 30 + 25 = 100.
 */
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { CompanionClient } from '../../src/taskpane/companion/companionApi';
import { checkMethodForGame, type FormErrors } from '../../src/taskpane/batch/batchForm';
import { companionJob, describeMethod, paneRequest, planRun, resultFromCompanion, resultFromPane, type TableGame, type VotingGame } from '../../src/taskpane/batch/batchGame';
import { PaneInputError, runNucleolusRequest, runPaneJob, runPaneRequest, type PaneRequest } from '../../src/taskpane/batch/engineRun';
import { PaneJobFailed, PaneRunner, type EngineWorker, type WorkerReply } from '../../src/taskpane/batch/paneRunner';
import { resultTitle, shapleyMetadata, writeShapleyResults, type ShapleyResultForSheet } from '../../src/taskpane/excel/shapleyResults';
import { ENGINE_VERSION } from '../../src/engine/version';
import { cell, createExcelMock, getSheet, workbookState } from './excelMock';

jest.setTimeout(120_000);

const CLAIMS = [100, 200, 300];

function talmud(estate: number): TableGame {
  const values: number[] = [];
  for (let mask = 0; mask < 8; mask++) {
    const others = CLAIMS.reduce((s, d, j) => s + ((mask >> j) & 1 ? 0 : d), 0);
    values.push(Math.max(0, estate - others));
  }
  return { kind: 'table', players: ['Wife 1', 'Wife 2', 'Wife 3'], values, source: `estate ${estate}` };
}

/** Aumann & Maschler (1985), Table 1. */
const TALMUD: ReadonlyArray<[number, number[]]> = [
  [100, [100 / 3, 100 / 3, 100 / 3]],
  [200, [50, 75, 75]],
  [300, [50, 100, 150]],
];

const BOX3: TableGame = { kind: 'table', players: ['A', 'B', 'C'], values: [0, 50, 40, 80, 30, 80, 60, 100], source: 'Box 3' };

describe('in the pane (what the web worker runs)', () => {
  test.each(TALMUD)('the Talmud, estate %d: the nucleolus is the Talmud rule', async (estate, expected) => {
    const request = paneRequest(talmud(estate), { kind: 'nucleolus' });
    expect(request).toEqual({ kind: 'nucleolus-table', nucleolusKind: 'nucleolus', n: 3, values: talmud(estate).values });
    const seen: Array<string | undefined> = [];
    const out = await runPaneJob(request, (p) => seen.push(p.detail));
    out.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
    expect(seen).toEqual(['loading the LP solver', 'solving linear programs']);
    expect(out.method).toBe('nucleolus');
    expect(out.standardErrors).toBeUndefined();
    expect(out.solver?.name).toBe('HiGHS');
    expect(out.solver?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(out.engineVersion).toBe(ENGINE_VERSION);
    expect(out.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  test('the Talmud problems have imputations, so their pre-nucleolus is the same', async () => {
    for (const [estate, expected] of TALMUD) {
      const out = await runPaneJob(paneRequest(talmud(estate), { kind: 'prenucleolus' }));
      out.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
      expect(out.method).toBe('prenucleolus');
    }
  });

  test('a table without imputation: its pre-nucleolus, by hand 45, 30, 25', async () => {
    const out = await runPaneJob(paneRequest(BOX3, { kind: 'prenucleolus' }));
    [45, 30, 25].forEach((x, i) => expect(out.values[i]).toBeCloseTo(x, 9));
  });

  test('a table without imputation asked for its nucleolus: refused on the values, suggesting the pre-nucleolus, before the solver loads', async () => {
    let loads = 0;
    const solver = () => {
      loads++;
      return Promise.reject(new Error('no solver in this test'));
    };
    const error = await runNucleolusRequest(paneRequest(BOX3, { kind: 'nucleolus' }), () => undefined, solver).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaneInputError);
    expect((error as PaneInputError).field).toBe('values');
    expect((error as Error).message).toBe(
      'This table has no nucleolus: the stand-alone values v({i}) sum to 120, more than v(N) = 100, so no split gives every player at least what it gets alone. Choose "Pre-nucleolus", which has no such bound.',
    );
    expect(loads).toBe(0);
  });

  test('an input the engine refuses comes back with the field it names', async () => {
    const error = await runPaneJob({ kind: 'nucleolus-table', nucleolusKind: 'prenucleolus', n: 2, values: [0, 1, Number.NaN, 3] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaneInputError);
    expect((error as PaneInputError).field).toBe('values');
    expect((error as Error).message).toMatch(/^values, item 3: v of coalition mask 2 is not a finite number/);
  });

  test('runPaneJob gives the synchronous requests’ answers unchanged', async () => {
    const request: PaneRequest = { kind: 'exact-voting', weights: [3, 2, 1], quota: 4 };
    const { elapsedMs: _a, ...viaJob } = await runPaneJob(request);
    const { elapsedMs: _b, ...direct } = runPaneRequest(request);
    expect(viaJob).toEqual(direct);
  });

  test('through the PaneRunner: a worker that awaits the solver resolves with the Talmud values', async () => {
    class AsyncWorker implements EngineWorker {
      onmessage: ((event: MessageEvent<WorkerReply>) => void) | null = null;
      onerror: ((event: ErrorEvent) => void) | null = null;
      terminated = false;
      postMessage(message: { request: PaneRequest }): void {
        const send = (reply: WorkerReply) => {
          if (!this.terminated) this.onmessage?.({ data: reply } as MessageEvent<WorkerReply>);
        };
        runPaneJob(message.request).then(
          (output) => send({ type: 'done', output }),
          (error: unknown) => send({ type: 'error', message: (error as Error).message, ...(error instanceof PaneInputError && error.field ? { field: error.field } : {}) }),
        );
      }
      terminate(): void {
        this.terminated = true;
      }
    }
    const runner = new PaneRunner(() => new AsyncWorker());
    const out = await runner.run('n1', paneRequest(talmud(200), { kind: 'nucleolus' }), () => undefined);
    [50, 75, 75].forEach((x, i) => expect(out.values[i]).toBeCloseTo(x, 9));
    const result = resultFromPane(out, { label: 'Talmud, estate 200', players: talmud(200).players }, 'n1');
    expect(result).toMatchObject({ method: 'nucleolus', backend: 'pane (web worker)', solver: { name: 'HiGHS' }, engineVersion: ENGINE_VERSION, jobId: 'n1' });
    expect(result.standardErrors).toBeUndefined();
    const failed = await runner.run('n2', paneRequest(BOX3, { kind: 'nucleolus' }), () => undefined).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(PaneJobFailed);
    expect((failed as PaneJobFailed).field).toBe('values');
    expect((failed as Error).message).toMatch(/Choose "Pre-nucleolus"/);
  });
});

describe('on the companion (the shapley.nucleolus job the pane sends)', () => {
  let t: TestCompanion;
  let client: CompanionClient;
  beforeAll(async () => {
    t = await startTestCompanion();
    client = new CompanionClient({ url: t.url, token: t.token });
  });
  afterAll(() => stopTestCompanion(t));

  test('the job: the table inline, the players named, the kind as an option', () => {
    expect(companionJob(talmud(300), { kind: 'prenucleolus' })).toEqual({
      type: 'shapley.nucleolus',
      input: { n: 3, values: talmud(300).values, players: ['Wife 1', 'Wife 2', 'Wife 3'] },
      options: { kind: 'prenucleolus' },
    });
  });

  test.each(TALMUD)('the Talmud, estate %d: the Talmud rule, with the solver and the engine version', async (estate, expected) => {
    const game = talmud(estate);
    const { id } = await client.submit(companionJob(game, { kind: 'nucleolus' }));
    const end = await client.follow(id, () => undefined);
    expect(end.error).toBeUndefined();
    expect(end.state).toBe('done');
    const result = resultFromCompanion(end, { label: 'Talmud', players: game.players });
    expect(result.players).toEqual(game.players);
    result.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
    expect(result).toMatchObject({ method: 'nucleolus', solver: { name: 'HiGHS' }, engineVersion: ENGINE_VERSION, jobId: id });
    expect(result.standardErrors).toBeUndefined();
  });
});

describe('where a nucleolus runs, and what the form says', () => {
  const VOTING: VotingGame = { kind: 'voting', players: ['P', 'Q'], weights: [2, 1], quota: 2, source: 'test' };

  test('a table: on the companion when connected, else in the pane; up to 20 players', () => {
    expect(planRun(talmud(200), { kind: 'nucleolus' }, true)).toMatchObject({ preferred: 'companion', pane: { possible: true }, companion: { possible: true } });
    expect(planRun(talmud(200), { kind: 'prenucleolus' }, false)).toMatchObject({ preferred: 'pane', companion: { possible: false, reason: expect.stringContaining('no companion') } });
    const big: TableGame = { ...talmud(100), players: Array.from({ length: 21 }, (_, i) => `P${i}`) };
    const plan = planRun(big, { kind: 'nucleolus' }, true);
    expect(plan).toMatchObject({ preferred: undefined, pane: { possible: false, reason: '21 players: the nucleolus is computed for tables up to 20' }, companion: { possible: false } });
  });

  test('not of voting or saturating-scale games', () => {
    expect(planRun(VOTING, { kind: 'nucleolus' }, true)).toMatchObject({ preferred: undefined, pane: { possible: false, reason: 'the nucleolus is computed from a coalition table' } });
    expect(() => paneRequest(VOTING, { kind: 'nucleolus' })).toThrow('the nucleolus is computed from a coalition table');
    expect(() => companionJob(VOTING, { kind: 'prenucleolus' })).toThrow('the nucleolus is computed from a coalition table');
    const errors: FormErrors = {};
    checkMethodForGame(VOTING, { kind: 'nucleolus' }, errors);
    expect(errors).toEqual({ method: 'The nucleolus is computed from a coalition table.' });
  });

  test('a table without imputation asked for the nucleolus: the message under Method suggests the pre-nucleolus', () => {
    const errors: FormErrors = {};
    checkMethodForGame(BOX3, { kind: 'nucleolus' }, errors);
    expect(errors.method).toMatch(/^This table has no nucleolus: the stand-alone values v\(\{i\}\) sum to 120, more than v\(N\) = 100, .* Choose "Pre-nucleolus"/);
    for (const [game, kind] of [
      [BOX3, 'prenucleolus'],
      [talmud(100), 'nucleolus'],
    ] as const) {
      const none: FormErrors = {};
      checkMethodForGame(game, { kind }, none);
      expect(none).toEqual({});
    }
  });

  test('described in the job list as what it is', () => {
    expect(describeMethod({ kind: 'nucleolus' })).toBe('nucleolus');
    expect(describeMethod({ kind: 'prenucleolus' })).toBe('pre-nucleolus');
  });
});

describe('written to Excel', () => {
  const NOW = new Date('2026-12-03T12:00:00Z');
  const RESULT: ShapleyResultForSheet = {
    game: 'Talmud, estate 300',
    players: ['Wife 1', 'Wife 2', 'Wife 3'],
    values: [50, 100, 150],
    method: 'nucleolus',
    solver: { name: 'HiGHS', version: '1.8.0' },
    backend: 'pane (web worker)',
    engineVersion: '0.1.0',
    jobId: 'pane-1',
    elapsedMs: 12,
  };

  test('as an exact result (standard error "0 (exact)"), titled Nucleolus, with the method, the LP solver and the engine version', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const out = await writeShapleyResults(mock.context, RESULT, { now: NOW });
    const sheet = getSheet(mock.state, out.sheetName);
    expect(cell(sheet, 'A1')?.value).toBe('Nucleolus: Talmud, estate 300');
    for (const [row, value] of [
      [4, 50],
      [5, 100],
      [6, 150],
    ] as const) {
      expect(cell(sheet, `B${row}`)?.value).toBe(value);
      expect(cell(sheet, `D${row}`)).toMatchObject({ value: 0, numberFormat: '0;-0;"0 (exact)"' });
    }
    const metadata = shapleyMetadata(RESULT, out.tableName, NOW);
    expect(metadata).toContainEqual(['Method', 'nucleolus']);
    expect(metadata).toContainEqual(['LP solver', 'HiGHS 1.8.0']);
    expect(metadata).toContainEqual(['Engine version', '0.1.0']);
    expect(metadata).toContainEqual(['Seed', '—']);
    expect(metadata.find(([k]) => k === 'Uncertainty')?.[1]).toMatch(/^None: computed, not sampled/);
    // Written beside the table: the LP solver row follows the engine version.
    const labels = Array.from({ length: metadata.length }, (_, k) => cell(sheet, `H${4 + k}`)?.value);
    expect(labels.slice(labels.indexOf('Engine version'), labels.indexOf('Engine version') + 2)).toEqual(['Engine version', 'LP solver']);
    expect(cell(sheet, `I${4 + labels.indexOf('LP solver')}`)?.value).toBe('HiGHS 1.8.0');
  });

  test('the pre-nucleolus is titled as such; Shapley results have no LP solver row', () => {
    const { solver: _solver, ...shapley } = { ...RESULT, method: 'exact' };
    expect(shapleyMetadata(shapley, 'partageShapley1', NOW).map(([k]) => k)).not.toContain('LP solver');
    expect(resultTitle({ ...RESULT, method: 'prenucleolus' })).toBe('Pre-nucleolus');
    expect(resultTitle(shapley)).toBe('Shapley values');
  });
});
