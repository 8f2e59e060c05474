/**
 * PARTAGE.NUCLEOLUS through the registry (as Excel and the CLI call it) and through functions.ts
 * (the Excel entry, with a stand-in CustomFunctions runtime): an asynchronous function whose
 * errors are rejections with the same codes and messages as the synchronous ones.
 * Expected values: the Talmud's estate problems (Aumann & Maschler 1985), whose nucleolus is the
 * Talmud rule; Box 3 of the CSPLA report, computed by hand (below).
 */
import { FunctionError } from '../../src/functions/errors';
import * as excel from '../../src/functions/functions';
import { MAX_NUCLEOLUS_SHEET_PLAYERS } from '../../src/functions/nucleolusFunction';
import { callFunction, FUNCTIONS, signatureOf } from '../../src/functions/registry';
import { box3Value, labelTable } from './bruteForce';

class FakeExcelError {
  constructor(
    readonly code: string,
    readonly message?: string,
  ) {}
}
beforeAll(() => {
  (globalThis as { CustomFunctions?: unknown }).CustomFunctions = {
    Error: FakeExcelError,
    ErrorCode: { invalidValue: '#VALUE!', notAvailable: '#N/A', invalidNumber: '#NUM!', divisionByZero: '#DIV/0!' },
  };
});
afterAll(() => {
  delete (globalThis as { CustomFunctions?: unknown }).CustomFunctions;
});

const names = ['first', 'second', 'third'];
const claims = [100, 200, 300];
/** The estate problem as a coalition table: v(S) = max(0, E − claims of the others). */
function talmud(estate: number) {
  return labelTable(names, (mask) => Math.max(0, estate - claims.reduce((sum, d, j) => (mask & (1 << j) ? sum : sum + d), 0)));
}

async function nucleolusOf(args: unknown[]): Promise<(string | number)[][]> {
  return (await callFunction(FUNCTIONS.NUCLEOLUS, args)) as (string | number)[][];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function expectRows(rows: (string | number)[][], expected: Array<[string, number]>, scale: number): void {
  expect(rows.map((row) => row[0])).toEqual(expected.map((row) => row[0]));
  rows.forEach((row, i) => expect(Math.abs((row[1] as number) - expected[i][1])).toBeLessThanOrEqual(1e-9 * scale));
}

describe('PARTAGE.NUCLEOLUS', () => {
  it('is registered as NUCLEOLUS(coalitions, values, [players], [kind]) and returns a Promise', async () => {
    expect(signatureOf(FUNCTIONS.NUCLEOLUS)).toBe('NUCLEOLUS(coalitions, values, [players], [kind])');
    const { coalitions, values } = talmud(100);
    const pending = callFunction(FUNCTIONS.NUCLEOLUS, [coalitions, values]);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
  }, 60_000);

  it.each([
    [100, [100 / 3, 100 / 3, 100 / 3]],
    [200, [50, 75, 75]],
    [300, [50, 100, 150]],
  ])('gives the Talmud rule for the estate %d (claims 100, 200, 300)', async (estate, expected) => {
    const { coalitions, values } = talmud(estate);
    expectRows(await nucleolusOf([coalitions, values]), names.map((name, i) => [name, expected[i]]), estate);
    expectRows(await nucleolusOf([coalitions, values, null, 'PreNucleolus']), names.map((name, i) => [name, expected[i]]), estate);
  }, 60_000);

  it('gives Box 3 its pre-nucleolus 45, 30, 25 in the order of players, and no nucleolus', async () => {
    // Box 3: v(A) = 50, v(B) = 40, v(C) = 30, v(AB) = v(AC) = 80, v(BC) = 60, v(N) = 100. With
    // x_A + x_B + x_C = 100 the excesses pair up: e(B) + e(AC) = (40 − x_B) + (x_B − 20) = 20,
    // so the largest excess is at least 10, reached only at x_B = 30; then e(A) + e(BC) = 10 and
    // e(C) + e(AB) = 10 are at best 5 and 5, at x_A = 45 and x_C = 25 (which sum to 70).
    const { coalitions, values } = labelTable(['A', 'B', 'C'], box3Value);
    const rows = await nucleolusOf([coalitions, values, [['C'], ['B'], ['A']], 'prenucleolus']);
    expectRows(rows, [['C', 25], ['B', 30], ['A', 45]], 100);
    // The stand-alone values 50 + 40 + 30 exceed v(N) = 100: no imputation.
    const error = (await rejection(nucleolusOf([coalitions, values]))) as FunctionError;
    expect(error.code).toBe('#VALUE!');
    expect(error.message).toMatch(/sum to 120, more than v\(N\) = 100/);
  }, 60_000);

  it('goes through functions.ts as an asynchronous custom function', async () => {
    const { coalitions, values } = talmud(200);
    const rows = await excel.NUCLEOLUS(coalitions, values);
    expectRows(rows, [['first', 50], ['second', 75], ['third', 75]], 200);
  }, 60_000);

  describe('errors, as rejections naming the argument', () => {
    it('no imputation: #VALUE! saying the two numbers, in the registry and as a CustomFunctions.Error', async () => {
      // v(A) = 60, v(B) = 50, v(AB) = 100.
      const args = [[['A'], ['B'], ['A,B']], [[60], [50], [100]]];
      const error = await rejection(nucleolusOf(args));
      expect(error).toBeInstanceOf(FunctionError);
      expect((error as FunctionError).code).toBe('#VALUE!');
      expect((error as FunctionError).message).toMatch(/^values: the stand-alone values v\(\{i\}\) sum to 110, more than v\(N\) = 100/);
      const excelError = await rejection(excel.NUCLEOLUS(args[0], args[1]));
      expect(excelError).toBeInstanceOf(FakeExcelError);
      expect(excelError).toMatchObject({ code: '#VALUE!', message: expect.stringMatching(/^values: the stand-alone values/) });
    }, 60_000);

    it('a bad kind, naming kind and the accepted spellings', async () => {
      const { coalitions, values } = talmud(100);
      const error = (await rejection(nucleolusOf([coalitions, values, null, 'kernel']))) as FunctionError;
      expect(error.code).toBe('#VALUE!');
      expect(error.message).toBe('kind: expected one of "nucleolus", "prenucleolus", got "kernel"');
    }, 60_000);

    it('a table error from readCoalitionTable, unchanged (#N/A naming the missing coalition)', async () => {
      const error = (await rejection(nucleolusOf([[['A'], ['B']], [[1], [2]]]))) as FunctionError;
      expect(error.code).toBe('#N/A');
      expect(error.message).toMatch(/coalitions/);
    }, 60_000);

    it(`more than ${MAX_NUCLEOLUS_SHEET_PLAYERS} players, pointing at the companion job`, async () => {
      const n = MAX_NUCLEOLUS_SHEET_PLAYERS + 1;
      const players = Array.from({ length: n }, (_, i) => `P${i}`);
      const { coalitions, values } = labelTable(players, (mask) => mask);
      const error = (await rejection(nucleolusOf([coalitions, values]))) as FunctionError;
      expect(error.code).toBe('#VALUE!');
      expect(error.message).toBe(
        `coalitions: ${n} players: NUCLEOLUS takes at most ${MAX_NUCLEOLUS_SHEET_PLAYERS} in a sheet (it would recalculate for seconds); the companion's shapley.nucleolus job takes up to 20`,
      );
    }, 120_000);
  });
});
