import { generateCustomFunctionsMetadata } from 'custom-functions-metadata';
import { SHAPLEY as shapleyAdapter } from '../../src/functions/coalitionFunctions';
import { FunctionError } from '../../src/functions/errors';
// Imported before the fake runtime exists: loading the file in Node must not need Excel.
import * as excel from '../../src/functions/functions';
import { callFunction, findFunction, FUNCTIONS, signatureOf } from '../../src/functions/registry';
import { box3Value, labelTable } from './bruteForce';

/** The parts of Excel's CustomFunctions runtime that functions.ts uses. */
class FakeExcelError {
  constructor(
    readonly code: string,
    readonly message?: string,
  ) {}
}
const fakeRuntime = {
  Error: FakeExcelError,
  ErrorCode: { invalidValue: '#VALUE!', notAvailable: '#N/A', invalidNumber: '#NUM!', divisionByZero: '#DIV/0!' },
};

beforeAll(() => {
  (globalThis as { CustomFunctions?: unknown }).CustomFunctions = fakeRuntime;
});
afterAll(() => {
  delete (globalThis as { CustomFunctions?: unknown }).CustomFunctions;
});

function thrownBy(run: () => unknown): FakeExcelError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FakeExcelError);
    return error as FakeExcelError;
  }
  throw new Error('expected an Excel error');
}

const box3 = labelTable(['A', 'B', 'C'], box3Value);

describe('the Excel wrappers', () => {
  test('return what the adapters return', () => {
    expect(excel.SHAPLEY(box3.coalitions, box3.values)).toEqual(shapleyAdapter(box3.coalitions, box3.values));
    expect(excel.TRANSFERBASE([[1e9]], [[0.55]], [[0.7]])).toBe(385e6);
    expect(excel.PURPOSESHARE(385e6, 1, [[0.4]])).toBe(154e6);
    expect(excel.PAYTOTRAIN(100, [[1], [1], [1]])).toEqual([[33.34], [33.33], [33.33]]);
    expect(excel.VOTINGPOWER([[1], [1]], 2, 'banzhaf')).toEqual([[0.5], [0.5]]);
    expect(excel.SIMILARITYSPLIT([[0.5, 0.5]])).toEqual([[0.5, 0.5]]);
    expect(excel.BANZHAF([['A']], [[3]])).toEqual([['A', 3]]);
  });

  test('#VALUE! carries the message naming the argument and row', () => {
    const error = thrownBy(() => excel.TRANSFERBASE([[1], [2]], [[0.5], [55]]));
    expect(error.code).toBe('#VALUE!');
    expect(error.message).toMatch(/^linkShare, row 2: .*55 % is 0\.55/);
  });

  test('#N/A carries the missing coalitions', () => {
    const error = thrownBy(() => excel.SHAPLEY([['A'], ['B']], [[1], [2]]));
    expect(error.code).toBe('#N/A');
    expect(error.message).toContain('coalitions: missing {A, B}');
  });

  test('#NUM! goes without a message, which Excel would not show', () => {
    // φ_A = ½·1.7e308 + ½·(1.7e308 + 1.7e308) = 2.55e308: not representable.
    const error = thrownBy(() => excel.SHAPLEY([['A'], ['B'], ['A,B']], [[1.7e308], [-1.7e308], [1.7e308]]));
    expect(error.code).toBe('#NUM!');
    expect(error.message).toBeUndefined();
  });

  test('a bug still reaches the cell as #VALUE! with a message to report', () => {
    const error = excel.toCustomFunctionsError(new RangeError('index out of range'), 'SHAPLEY');
    expect(error).toBeInstanceOf(FakeExcelError);
    expect([error.code, error.message]).toEqual(['#VALUE!', 'internal error in PARTAGE.SHAPLEY: index out of range']);
  });
});

describe('the registry', () => {
  test('finds functions as users type them', () => {
    expect(findFunction('shapley')).toBe(FUNCTIONS.SHAPLEY);
    expect(findFunction(' partage.PayToTrain ')).toBe(FUNCTIONS.PAYTOTRAIN);
    expect(findFunction('toString')).toBeUndefined();
    expect(findFunction('NOSUCHFUNCTION')).toBeUndefined();
  });

  test('signatures mark optional arguments', () => {
    expect(signatureOf(FUNCTIONS.SHAPLEY)).toBe('SHAPLEY(coalitions, values, [players], [amount])');
  });

  test('missing trailing arguments are omitted ones', () => {
    expect(callFunction(FUNCTIONS.TRANSFERBASE, [[[5]]])).toBe(5);
  });

  test('a non-finite result is #NUM! with a message for the CLI', () => {
    expect(() => callFunction(FUNCTIONS.SHAPLEY, [[['A'], ['B'], ['A,B']], [[1.7e308], [-1.7e308], [1.7e308]]])).toThrow(FunctionError);
    try {
      callFunction(FUNCTIONS.SHAPLEY, [[['A'], ['B'], ['A,B']], [[1.7e308], [-1.7e308], [1.7e308]]]);
    } catch (error) {
      expect((error as FunctionError).code).toBe('#NUM!');
      expect((error as FunctionError).message).toMatch(/^SHAPLEY: row 1 of the result is/);
    }
  });

  test('-0 comes back as 0', () => {
    // B adds nothing, so its part of a negative amount is −5 × 0 / 1 = −0 in float arithmetic.
    const rows = callFunction(FUNCTIONS.SHAPLEY, [[['A'], ['B'], ['A,B']], [[1], [0], [1]], null, -5]) as (string | number)[][];
    expect(rows[0]).toEqual(['A', 1, -5]);
    expect(Object.is(rows[1][2], 0)).toBe(true);
  });
});

describe('functions.json metadata generated from functions.ts', () => {
  let metadata: { functions: { id: string; name: string; parameters: { name: string; description?: string; optional?: boolean; dimensionality?: string }[]; result: { dimensionality?: string } }[] };
  let associate: { functionName: string; id: string }[];

  beforeAll(async () => {
    const result = await generateCustomFunctionsMetadata('src/functions/functions.ts');
    expect(result.errors).toEqual([]);
    metadata = JSON.parse(result.metadataJson);
    associate = result.associate;
  });

  test('declares exactly the registry functions, with the same arguments in the same order', () => {
    expect(metadata.functions.map((f) => f.id)).toEqual(Object.keys(FUNCTIONS));
    for (const f of metadata.functions) {
      expect(f.name).toBe(f.id);
      expect(f.parameters.map((p) => [p.name, p.optional === true])).toEqual(FUNCTIONS[f.id].parameters.map((p) => [p.name, p.optional]));
    }
  });

  test('every parameter has a tooltip', () => {
    for (const f of metadata.functions) {
      for (const p of f.parameters) expect(`${f.id}.${p.name}: ${p.description ?? ''}`.length).toBeGreaterThan(`${f.id}.${p.name}: `.length + 10);
    }
  });

  test('ranges are matrices and table results spill', () => {
    const dims = Object.fromEntries(metadata.functions.map((f) => [f.id, f.parameters.map((p) => p.dimensionality ?? 'scalar')]));
    expect(dims.SHAPLEY).toEqual(['matrix', 'matrix', 'matrix', 'scalar']);
    expect(dims.TRANSFERBASE).toEqual(['matrix', 'matrix', 'matrix', 'matrix']);
    expect(dims.PURPOSESHARE).toEqual(['scalar', 'scalar', 'matrix', 'scalar', 'scalar']);
    // A per-row argument must be a matrix: Excel would otherwise call the function once per cell.
    expect(dims.SIMILARITYSPLIT).toEqual(['matrix', 'scalar', 'matrix']);
    expect(dims.COREGAP).toEqual(['matrix', 'matrix', 'matrix', 'matrix']);
    expect(dims.OWEN).toEqual(['matrix', 'matrix', 'matrix']);
    expect(dims.RIGHTSMAP).toEqual(['matrix', 'matrix', 'scalar']);
    expect(dims.LICENCEPAYMENTS).toEqual(['matrix', 'matrix', 'scalar', 'matrix', 'matrix', 'matrix', 'scalar']);
    expect(dims.POOLSPLIT).toEqual(['scalar', 'matrix', 'scalar', 'matrix', 'scalar', 'scalar', 'scalar']);
    const results = Object.fromEntries(metadata.functions.map((f) => [f.id, f.result.dimensionality ?? 'scalar']));
    expect(results).toEqual({
      SHAPLEY: 'matrix',
      BANZHAF: 'matrix',
      OWEN: 'matrix',
      LEAVEONEOUT: 'matrix',
      NUCLEOLUS: 'matrix',
      COREGAP: 'matrix',
      VOTINGPOWER: 'matrix',
      SIMILARITYSPLIT: 'matrix',
      RIGHTSMAP: 'matrix',
      TRANSFERBASE: 'scalar',
      PURPOSESHARE: 'scalar',
      PAYTOTRAIN: 'matrix',
      LICENCEPAYMENTS: 'matrix',
      POOLSPLIT: 'matrix',
    });
  });

  test('the webpack loader will associate each id with the function of the same name', () => {
    // The plugin appends CustomFunctions.associate(id, functionName) from this list.
    expect(associate.map((a) => [a.id, a.functionName])).toEqual(Object.keys(FUNCTIONS).map((name) => [name, name]));
    for (const a of associate) expect(typeof (excel as Record<string, unknown>)[a.functionName]).toBe('function');
  });
});
