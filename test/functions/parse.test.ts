import { EngineInputError } from '../../src/engine/errors';
import { describeCell, isEmptyCell, parseNumberText, readKeyword, readNumber } from '../../src/functions/cells';
import { fromEngineError, FunctionError, placeOf, withEngineErrors } from '../../src/functions/errors';
import { isOmitted, readGrid, readList, readListNumber, readOptionalNumber, readSingleCell, shapeLike } from '../../src/functions/ranges';
import { expectFunctionError } from './expectError';

describe('numbers written as text', () => {
  test.each([
    ['0.55', 0.55],
    [' 12 ', 12],
    ['-3.5', -3.5],
    ['+4', 4],
    ['.5', 0.5],
    ['5.', 5],
    ['1e9', 1e9],
    ['2.5E-3', 0.0025],
    ['55%', 0.55],
    ['55 %', 0.55],
    ['55\u00a0%', 0.55],
    ['12.5%', 0.125],
    ['-10%', -0.1],
  ])('%j → %d', (text, value) => {
    expect(parseNumberText(text)).toBe(value);
  });

  test.each([['0,55'], ['1,250'], ['1 000'], ['abc'], ['%'], [''], ['12%%'], ['0x10'], ['Infinity'], ['1e999'], ['€5'], ['5 EUR']])('%j is not a number', (text) => {
    expect(parseNumberText(text)).toBeUndefined();
  });
});

describe('reading a number from a cell', () => {
  test('numbers and numeric text', () => {
    expect(readNumber(3, 'x')).toBe(3);
    expect(readNumber('70%', 'x')).toBe(0.7);
  });

  test('empty, boolean and non-numeric cells are errors naming the place', () => {
    expectFunctionError(() => readNumber('', 'amount'), '#VALUE!', 'amount', 'empty cell');
    expectFunctionError(() => readNumber(null, 'amount'), '#VALUE!', 'amount', 'empty cell');
    expectFunctionError(() => readNumber(true, 'counts, row 2'), '#VALUE!', 'counts, row 2', 'TRUE');
    expectFunctionError(() => readNumber('lots', 'amount'), '#VALUE!', 'amount', 'the text "lots"');
    expectFunctionError(() => readNumber(Infinity, 'amount'), '#VALUE!', 'amount', 'finite');
  });

  test('long text is shortened in messages', () => {
    const message = expectFunctionError(() => readNumber('x'.repeat(100), 'amount'), '#VALUE!', 'amount');
    expect(message).toContain('...');
    expect(message.length).toBeLessThan(100);
  });
});

describe('cells', () => {
  test('empty means "", null, undefined or only spaces', () => {
    expect([null, undefined, '', '   ', '\u00a0'].map((c) => isEmptyCell(c))).toEqual([true, true, true, true, true]);
    expect([0, false, 'a'].map((c) => isEmptyCell(c))).toEqual([false, false, false]);
  });

  test('cells are quoted back as Excel shows them', () => {
    expect(describeCell(false)).toBe('FALSE');
    expect(describeCell(2.5)).toBe('2.5');
    expect(describeCell('x')).toBe('"x"');
    expect(describeCell('')).toBe('an empty cell');
  });

  test('keywords are matched ignoring case and spaces', () => {
    const choices = new Map([['marginal', 1]]);
    expect(readKeyword(' MARGINAL ', 'mode', choices, ['marginal'])).toBe(1);
    expectFunctionError(() => readKeyword(1, 'mode', choices, ['marginal']), '#VALUE!', 'mode', 'expected one of "marginal", got 1');
  });
});

describe('omitted arguments', () => {
  test.each([[null], [undefined], [''], ['  '], [[]], [[[]]], [[['']]], [[[null]]]])('%j is omitted', (value) => {
    expect(isOmitted(value)).toBe(true);
  });
  test.each([[0], [false], ['x'], [[[0]]], [[['', '']]], [[[''], ['']]]])('%j is given', (value) => {
    expect(isOmitted(value)).toBe(false);
  });

  test('an optional number', () => {
    expect(readOptionalNumber([['']], 'minimum')).toBeUndefined();
    expect(readOptionalNumber([[5]], 'minimum')).toBe(5);
  });
});

describe('ranges', () => {
  test('a single value is a 1×1 range', () => {
    expect(readGrid(5, 'x')).toEqual([[5]]);
    expect(readSingleCell([[5]], 'x')).toBe(5);
  });

  test('undefined cells become null', () => {
    expect(readGrid([[undefined, 1]], 'x')).toEqual([[null, 1]]);
  });

  test('shape errors', () => {
    expectFunctionError(() => readGrid([], 'scores'), '#VALUE!', 'scores', 'empty array');
    expectFunctionError(() => readGrid([[]], 'scores'), '#VALUE!', 'scores', 'empty row');
    expectFunctionError(() => readGrid([1, 2], 'scores'), '#VALUE!', 'scores', 'rows of cells');
    expectFunctionError(() => readGrid([[1], 2], 'scores'), '#VALUE!', 'scores, row 2', 'row of cells');
    expectFunctionError(() => readGrid([[1, 2], [3]], 'scores'), '#VALUE!', 'scores, row 2', 'has 1 cells but row 1 has 2');
    expectFunctionError(() => readGrid([[1, { type: 'Entity' }]], 'scores'), '#VALUE!', 'scores, row 1, column 2', 'data type');
    expectFunctionError(() => readGrid([[{}]], 'scores'), '#VALUE!', 'scores, row 1', 'data type');
    expectFunctionError(() => readSingleCell([[1], [2]], 'quota'), '#VALUE!', 'quota', '2 rows × 1 columns');
  });

  test('lists: a column, a row, or a single value, each naming its items its own way', () => {
    const column = readList([[1], [2]], 'weights');
    expect([column.orientation, column.cells, column.place(1)]).toEqual(['column', [1, 2], 'weights, row 2']);
    const row = readList([[1, 2]], 'weights');
    expect([row.orientation, row.cells, row.place(1)]).toEqual(['row', [1, 2], 'weights, column 2']);
    const value = readList(7, 'weights');
    expect([value.orientation, value.cells, value.place(0)]).toEqual(['value', [7], 'weights']);
    expect(shapeLike(column, [3, 4])).toEqual([[3], [4]]);
    expect(shapeLike(row, [3, 4])).toEqual([[3, 4]]);
    expect(shapeLike(value, [3])).toEqual([[3]]);
  });

  test('a header in the first row of a list gets a hint; elsewhere it does not', () => {
    const list = readList([['Count'], [3], ['x']], 'counts');
    expectFunctionError(() => readListNumber(list, 0), '#VALUE!', 'counts, row 1', 'leave headers out');
    const message = expectFunctionError(() => readListNumber(list, 2), '#VALUE!', 'counts, row 3', '"x"');
    expect(message).not.toContain('header');
  });
});

describe('engine errors', () => {
  test('become "<argument>, row <index+1>: <detail>"', () => {
    const error = fromEngineError(new EngineInputError('linkShare', 2, 'too big'));
    expect(error).toBeInstanceOf(FunctionError);
    expect([error.code, error.message]).toEqual(['#VALUE!', 'linkShare, row 3: too big']);
    expect(fromEngineError(new EngineInputError('quota', undefined, 'must be positive')).message).toBe('quota: must be positive');
  });

  test('adapters may relocate an index (blank rows skipped, rows read across)', () => {
    const error = fromEngineError(new EngineInputError('weights', 1, 'negative'), { weights: (k) => `weights, column ${k + 5}` });
    expect(error.message).toBe('weights, column 6: negative');
  });

  test('withEngineErrors translates engine errors and lets bugs through', () => {
    expect(() =>
      withEngineErrors(() => {
        throw new EngineInputError('counts', 0, 'bad');
      }),
    ).toThrow(new FunctionError('#VALUE!', 'counts, row 1: bad'));
    expect(() =>
      withEngineErrors(() => {
        throw new RangeError('bug');
      }),
    ).toThrow(RangeError);
    expect(withEngineErrors(() => 42)).toBe(42);
  });

  test('places', () => {
    expect(placeOf('scores', 0, 3)).toBe('scores, row 1, column 4');
    expect(placeOf('quota')).toBe('quota');
  });
});
