import { VOTINGPOWER } from '../../src/functions/votingPower';
import { banzhafByCoalitions, shapleyByPermutations } from './bruteForce';
import { expectFunctionError } from './expectError';

// Council of the EEC, 1958: France, Germany, Italy 4 votes, Belgium and the Netherlands 2,
// Luxembourg 1; qualified majority 12 of 17. Published Shapley-Shubik indices: 7/30 for each
// large member, 3/20 for Belgium and the Netherlands, 0 for Luxembourg (no coalition needs it).
const EEC = [[4], [4], [4], [2], [2], [1]];
const EEC_SHAPLEY = [7 / 30, 7 / 30, 7 / 30, 3 / 20, 3 / 20, 0];

function votingValue(weights: number[], quota: number): (mask: number) => number {
  return (mask) => (weights.reduce((s, w, i) => s + ((mask & (1 << i)) !== 0 ? w : 0), 0) >= quota ? 1 : 0);
}

function column(result: (string | number)[][]): (string | number)[] {
  result.forEach((row) => expect(row).toHaveLength(1));
  return result.map((row) => row[0]);
}

function expectClose(actual: (string | number)[], expected: (string | number)[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => {
    const want = expected[i];
    if (typeof want === 'number') expect(x as number).toBeCloseTo(want, 12);
    else expect(x).toBe(want);
  });
}

describe('VOTINGPOWER', () => {
  test('EEC 1958, Shapley-Shubik (the default): 7/30 ×3, 3/20 ×2, 0', () => {
    const brute = shapleyByPermutations(6, votingValue([4, 4, 4, 2, 2, 1], 12));
    expectClose(brute, EEC_SHAPLEY);
    expectClose(column(VOTINGPOWER(EEC, 12)), EEC_SHAPLEY);
    expectClose(column(VOTINGPOWER(EEC, 12, 'Shapley')), EEC_SHAPLEY);
    expectClose(column(VOTINGPOWER(EEC, 12, 'shapley-shubik')), EEC_SHAPLEY);
  });

  test('EEC 1958, normalised Banzhaf: swings 10, 10, 10, 6, 6, 0 out of 42', () => {
    const raw = banzhafByCoalitions(6, votingValue([4, 4, 4, 2, 2, 1], 12));
    const total = raw.reduce((s, x) => s + x, 0);
    const expected = raw.map((x) => x / total);
    expectClose(expected, [5 / 21, 5 / 21, 5 / 21, 1 / 7, 1 / 7, 0]);
    expectClose(column(VOTINGPOWER(EEC, 12, ' BANZHAF ')), expected);
  });

  test('a row of weights gives a row of powers', () => {
    const result = VOTINGPOWER([[4, 4, 4, 2, 2, 1]], 12);
    expect(result).toHaveLength(1);
    expectClose(result[0], EEC_SHAPLEY);
  });

  test('empty weight cells are not members and get an empty result cell', () => {
    const weights = [[4], [''], [4], [4], [2], [null], [2], [1], ['']];
    expectClose(column(VOTINGPOWER(weights, 12)), [7 / 30, '', 7 / 30, 7 / 30, 3 / 20, '', 3 / 20, 0, '']);
  });

  test('weights and quota as text numbers', () => {
    expectClose(column(VOTINGPOWER([['4'], ['4'], ['4'], ['2'], ['2'], ['1']], '12')), EEC_SHAPLEY);
  });

  test('a 1×1 quota range is a single value', () => {
    expectClose(column(VOTINGPOWER(EEC, [[12]])), EEC_SHAPLEY);
  });

  test('decimal weights: a simple majority of three equal members', () => {
    expectClose(column(VOTINGPOWER([[0.5], [0.5], [0.5]], 1)), [1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('VOTINGPOWER errors', () => {
  test('an unknown index', () => {
    expectFunctionError(() => VOTINGPOWER(EEC, 12, 'owen'), '#VALUE!', 'index', '"shapley", "banzhaf"', '"owen"');
    expectFunctionError(() => VOTINGPOWER(EEC, 12, 3), '#VALUE!', 'index', 'got 3');
  });

  test('a negative weight is reported at its own row, blank rows included', () => {
    expectFunctionError(() => VOTINGPOWER([[4], [''], [-2], [4]], 6), '#VALUE!', 'weights, row 3', 'negative');
  });

  test('a weight that is not a number', () => {
    expectFunctionError(() => VOTINGPOWER([[4], ['four']], 6), '#VALUE!', 'weights, row 2', '"four"');
    expectFunctionError(() => VOTINGPOWER([['Weight'], [4], [4]], 6), '#VALUE!', 'weights, row 1', 'leave headers out');
    expectFunctionError(() => VOTINGPOWER([[4, 'x']], 6), '#VALUE!', 'weights, column 2', '"x"');
  });

  test('a quota that is missing, not positive or out of reach', () => {
    expectFunctionError(() => VOTINGPOWER(EEC, ''), '#VALUE!', 'quota', 'empty cell');
    expectFunctionError(() => VOTINGPOWER(EEC, 0), '#VALUE!', 'quota', 'positive');
    expectFunctionError(() => VOTINGPOWER(EEC, 18), '#VALUE!', 'quota', 'exceeds the sum');
    expectFunctionError(() => VOTINGPOWER(EEC, [[12, 13]]), '#VALUE!', 'quota', 'single value');
  });

  test('no members', () => {
    expectFunctionError(() => VOTINGPOWER([[''], ['']], 1), '#VALUE!', 'weights', 'no members');
  });

  test('a block of weights is not a list', () => {
    expectFunctionError(
      () =>
        VOTINGPOWER(
          [
            [1, 2],
            [3, 4],
          ],
          3,
        ),
      '#VALUE!',
      'weights',
      '2 rows × 2 columns',
    );
  });
});
