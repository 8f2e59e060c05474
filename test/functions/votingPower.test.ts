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

// A board of four voting by revenue and by head (DESIGN.md §7.1): 60 of 100 AND at least 3
// members. Winning: ABC, ABD, ACD, ABCD (BCD has 50). By hand over the 24 orders: A is pivotal
// in the 6 orders ending with A and, as third member, in 2 orders of each winning triple (12);
// B, C, D in 4 each. Swings: A 4 (BC, BD, CD, BCD), B, C, D 2 each.
const BOARD = [[50], [30], [15], [5]];

describe('VOTINGPOWER double majorities', () => {
  test('memberQuota: Shapley–Shubik 1/2, 1/6 ×3; Banzhaf 0.4, 0.2 ×3 (hand counts, confirmed by brute force)', () => {
    const wins = (mask: number) => {
      const members = [0, 1, 2, 3].filter((i) => mask & (1 << i));
      return members.length >= 3 && members.reduce((s, i) => s + BOARD[i][0], 0) >= 60 ? 1 : 0;
    };
    expectClose(shapleyByPermutations(4, wins), [1 / 2, 1 / 6, 1 / 6, 1 / 6]);
    expectClose(column(VOTINGPOWER(BOARD, 60, null, 3)), [1 / 2, 1 / 6, 1 / 6, 1 / 6]);
    const raw = banzhafByCoalitions(4, wins);
    expectClose(raw.map((x) => x / raw.reduce((s, y) => s + y, 0)), [0.4, 0.2, 0.2, 0.2]);
    expectClose(column(VOTINGPOWER(BOARD, 60, 'banzhaf', 3)), [0.4, 0.2, 0.2, 0.2]);
    // Without the member quota A and B alone (80) or A and C (65) win: A is a veto player.
    expectClose(column(VOTINGPOWER(BOARD, 60, 'shapley', '')), column(VOTINGPOWER(BOARD, 60)));
  });

  test('blockingMinority: fewer than 2 left out wins, so any three members win: 1/4 each', () => {
    expectClose(column(VOTINGPOWER(BOARD, 60, '', 3, 2)), [0.25, 0.25, 0.25, 0.25]);
    expectClose(column(VOTINGPOWER(BOARD, 60, 'banzhaf', 3, 2)), [0.25, 0.25, 0.25, 0.25]);
  });

  test('defaults (0 and 1, or omitted) give plain weighted voting bit for bit', () => {
    const plain = column(VOTINGPOWER(EEC, 12));
    expect(column(VOTINGPOWER(EEC, 12, null, 0, 1))).toEqual(plain);
    expect(column(VOTINGPOWER(EEC, 12, null, 1))).toEqual(plain);
    expect(column(VOTINGPOWER(EEC, 12, 'banzhaf', [['']], [['']]))).toEqual(column(VOTINGPOWER(EEC, 12, 'banzhaf')));
  });

  test('members are the non-empty weight cells: memberQuota may equal their number', () => {
    const weights = [[50], [''], [30], [15], [5], ['']];
    expectClose(column(VOTINGPOWER(weights, 60, null, 4)), [0.25, '', 0.25, 0.25, 0.25, '']);
  });
});

describe('VOTINGPOWER double-majority errors', () => {
  test('memberQuota larger than the number of members', () => {
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 5), '#VALUE!', 'memberQuota', 'more than the 4 members');
    expectFunctionError(() => VOTINGPOWER([[50], [''], [30]], 60, null, 3), '#VALUE!', 'memberQuota', 'more than the 2 members');
  });

  test('memberQuota not a whole number of members, negative or not a number', () => {
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 0.55), '#VALUE!', 'memberQuota', 'whole number of members', 'ROUNDUP');
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, -1), '#VALUE!', 'memberQuota', 'at least 0');
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 'three'), '#VALUE!', 'memberQuota', '"three"');
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, [[2, 3]]), '#VALUE!', 'memberQuota', 'single value');
  });

  test('blockingMinority below 1, above the members, not whole or not a number', () => {
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 3, 0), '#VALUE!', 'blockingMinority', 'at least 1');
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 3, 5), '#VALUE!', 'blockingMinority', 'more than the 4 members');
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 3, 1.5), '#VALUE!', 'blockingMinority', 'whole number');
    expectFunctionError(() => VOTINGPOWER(BOARD, 60, null, 3, 'four'), '#VALUE!', 'blockingMinority', '"four"');
  });
});
