/**
 * shapley.nucleolus driven in this thread (validate → start → the one unit on the worker half,
 * awaited → result), against the Talmud's estate problems (Aumann & Maschler 1985: the nucleolus
 * is the Talmud rule), the core of a convex game at n = 20, and the refusals naming the request
 * path and the limit.
 */
import { MAX_NUCLEOLUS_PLAYERS, shapleyNucleolus, shapleyNucleolusWorker } from '../../../src/companion/jobs/shapleyNucleolus';
import type { JobEnvironment } from '../../../src/companion/jobs/types';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { mulberry32 } from '../../helpers/random';
import { expectJobInputError } from './expectJobInputError';
import { inlineEnvironment } from './runInline';

/** As the runner does, with structured clones where postMessage would make them. */
async function runJob(input: unknown, options: unknown, env: JobEnvironment = inlineEnvironment()): Promise<Record<string, unknown>> {
  const validated = shapleyNucleolus.validate(input, options, env);
  const again = shapleyNucleolus.validate(input, JSON.parse(JSON.stringify(validated.options)), env);
  const execution = shapleyNucleolus.start(again.value, env, undefined);
  const state = shapleyNucleolusWorker.setup(structuredClone(execution.context));
  for (let unit = execution.next(); unit; unit = execution.next()) {
    const { output } = await shapleyNucleolusWorker.run(state, structuredClone(unit.payload));
    execution.accept(unit, structuredClone(output), 1);
  }
  expect(execution.finished()).toBe(true);
  expect(execution.progress()).toBe(1);
  return execution.result();
}

/** v(S) = max(0, E − Σ_{j∉S} d_j). */
function bankruptcy(estate: number, claims: readonly number[]): number[] {
  const n = claims.length;
  return Array.from({ length: 2 ** n }, (_, mask) => {
    let outside = 0;
    for (let j = 0; j < n; j++) if (!(mask & (1 << j))) outside += claims[j];
    return Math.max(0, estate - outside);
  });
}

const TALMUD = bankruptcy(200, [100, 200, 300]);

describe('shapley.nucleolus', () => {
  it('gives the Talmud rule 50, 75, 75 for the estate 200, saying how it was made', async () => {
    const result = await runJob({ n: 3, values: TALMUD, players: ['first', 'second', 'third'] }, {});
    const values = result.values as number[];
    [50, 75, 75].forEach((x, i) => expect(Math.abs(values[i] - x)).toBeLessThanOrEqual(1e-9 * 200));
    expect(result).toMatchObject({
      method: 'nucleolus',
      n: 3,
      players: ['first', 'second', 'third'],
      levels: 2,
      polished: true,
      solver: { name: 'HiGHS', version: expect.stringMatching(/^1\.15\./) },
    });
    expect((result.excesses as number[]).length).toBe(2);
  }, 60_000);

  it('gives the pre-nucleolus with options.kind, and the Talmud rule 50, 100, 150 for the estate 300', async () => {
    const result = await runJob({ n: 3, values: bankruptcy(300, [100, 200, 300]) }, { kind: 'prenucleolus' });
    expect(result.method).toBe('prenucleolus');
    (result.values as number[]).forEach((x, i) => expect(Math.abs(x - [50, 100, 150][i])).toBeLessThanOrEqual(1e-9 * 300));
  }, 60_000);

  it('reads the table from an uploaded dataset', async () => {
    const values = Float64Array.from(bankruptcy(100, [100, 200, 300]));
    const record: DatasetRecord = { id: 'table', name: 'talmud.npy', format: 'npy', dtype: 'float64', shape: [8], bytes: 64, path: '', createdAt: '' };
    const env = inlineEnvironment({
      catalogue: { getDataset: (id) => (id === 'table' ? record : undefined) },
      datasets: { readVector: () => values, readMatrix: () => ({ data: values, rows: 8, cols: 1 }), readLabels: () => [] },
    });
    const result = await runJob({ n: 3, dataset: 'table' }, {}, env);
    (result.values as number[]).forEach((x) => expect(Math.abs(x - 100 / 3)).toBeLessThanOrEqual(1e-9 * 100));
  }, 60_000);

  it(`takes ${MAX_NUCLEOLUS_PLAYERS} players: a convex game's nucleolus is in its core`, async () => {
    // v(S) = Σ_{T ⊆ S} λ_T with dividends λ_T ≥ 0 on the singletons and pairs only (convex).
    const n = MAX_NUCLEOLUS_PLAYERS;
    const random = mulberry32(20);
    const single = Array.from({ length: n }, () => Math.floor(random() * 100));
    const pair = Array.from({ length: n * n }, () => Math.floor(random() * 10));
    const values = new Float64Array(2 ** n);
    for (let mask = 1; mask < values.length; mask++) {
      const low = 31 - Math.clz32(mask & -mask);
      const rest = mask & (mask - 1);
      let added = single[low];
      for (let j = 0; j < n; j++) if (rest & (1 << j)) added += pair[low * n + j];
      values[mask] = values[rest] + added;
    }
    const result = await runJob({ n, values: Array.from(values) }, {});
    const x = result.values as number[];
    const grand = values[2 ** n - 1];
    expect(Math.abs(x.reduce((a, b) => a + b, 0) - grand)).toBeLessThanOrEqual(1e-9 * grand);
    let worst = -Infinity;
    for (let mask = 1; mask < 2 ** n - 1; mask++) {
      let paid = 0;
      for (let i = 0; i < n; i++) if (mask & (1 << i)) paid += x[i];
      worst = Math.max(worst, values[mask] - paid);
    }
    expect(worst).toBeLessThanOrEqual(1e-9 * grand);
  }, 300_000);

  describe('refuses', () => {
    const env = inlineEnvironment();
    it('more players than the limit, naming it', () => {
      expectJobInputError(() => shapleyNucleolus.validate({ n: MAX_NUCLEOLUS_PLAYERS + 1, values: [] }, {}, env), 'input.n', new RegExp(`${MAX_NUCLEOLUS_PLAYERS}`));
    });
    it('a game without imputations, saying both numbers', () => {
      // v(A) = 60, v(B) = 50, v(AB) = 100.
      expectJobInputError(() => shapleyNucleolus.validate({ n: 2, values: [0, 60, 50, 100] }, {}, env), 'input.values', /sum to 110, more than v\(N\) = 100/);
    });
    it('an unknown kind, an unknown option and an unknown field', () => {
      expectJobInputError(() => shapleyNucleolus.validate({ n: 3, values: TALMUD }, { kind: 'kernel' }, env), 'options.kind', /"nucleolus" or "prenucleolus", got "kernel"/);
      expectJobInputError(() => shapleyNucleolus.validate({ n: 3, values: TALMUD }, { seed: 1 }, env), 'options.seed', /not an option of shapley.nucleolus/);
      expectJobInputError(() => shapleyNucleolus.validate({ n: 3, values: TALMUD, unions: [] }, {}, env), 'input.unions', /not a field/);
    });
    it('a table of the wrong length, and both or neither of values and dataset', () => {
      expectJobInputError(() => shapleyNucleolus.validate({ n: 3, values: [1, 2, 3] }, {}, env), 'input.values', /2\^3/);
      expectJobInputError(() => shapleyNucleolus.validate({ n: 3 }, {}, env), 'input.values', /either inline/);
    });
  });
});
