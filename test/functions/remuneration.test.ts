import { PAYTOTRAIN, PURPOSESHARE, TRANSFERBASE } from '../../src/functions/remunerationFunctions';
import { expectFunctionError } from './expectError';

describe('TRANSFERBASE', () => {
  test('the Fehr press chain: CHF 1 bn × 55 % × 70 % = 385 M (the report prints 345 M)', () => {
    expect(TRANSFERBASE(1e9, 0.55, 0.7)).toBe(385e6);
    expect(TRANSFERBASE([[1e9]], [[0.55]], [[0.7]])).toBe(385e6);
  });

  test('without shares or deductions the base is the total revenue', () => {
    expect(TRANSFERBASE([[10], [20], [30.5]])).toBe(60.5);
  });

  test('per-line columns, a broadcast share and deductions (an empty deduction is none)', () => {
    // (600 − 100) × 0.5 × 0.7 + (400 − 0) × 0.625 × 0.7 = 175 + 175 = 350 (millions).
    expect(TRANSFERBASE([[600e6], [400e6]], [[0.5], [0.625]], 0.7, [[100e6], ['']])).toBe(350e6);
  });

  test('a row of revenue lines works like a column', () => {
    expect(TRANSFERBASE([[100, 200]], [[0.5, 0.25]])).toBe(100);
  });

  test('rows empty in every argument are skipped', () => {
    expect(TRANSFERBASE([[1e9], [''], [null]], [[0.55], [''], ['']])).toBe(550e6);
  });

  test('percent text is read as a fraction; text numbers are read', () => {
    expect(TRANSFERBASE('1000000000', '55%', '70 %')).toBe(385e6);
  });

  test('omitted arguments may be empty references', () => {
    expect(TRANSFERBASE([[100]], [['']], null, [[null]])).toBe(100);
  });
});

describe('TRANSFERBASE errors', () => {
  test('a share above 1 says that 55 % is 0.55', () => {
    expectFunctionError(() => TRANSFERBASE(1e9, 55, 0.7), '#VALUE!', 'linkShare', 'between 0 and 1', '55 % is 0.55');
    expectFunctionError(() => TRANSFERBASE([[1], [2]], [[0.5], [1.2]]), '#VALUE!', 'linkShare, row 2', '55 % is 0.55');
    expectFunctionError(() => TRANSFERBASE([[1], [2]], 0.5, [[0.5], [70]]), '#VALUE!', 'counterfactualShare, row 2', 'between 0 and 1');
  });

  test('engine errors name the user row, counting skipped blank rows', () => {
    expectFunctionError(() => TRANSFERBASE([[100], [''], [200]], [[0.5], [''], [1.5]]), '#VALUE!', 'linkShare, row 3');
    expectFunctionError(() => TRANSFERBASE([[100], [''], [-200]]), '#VALUE!', 'revenue, row 3', '≥ 0');
    expectFunctionError(() => TRANSFERBASE([[100], [50]], null, null, [[0], [60]]), '#VALUE!', 'deductions, row 2', 'exceeds the revenue');
  });

  test('an empty share cell in a revenue row is an error, not 100 %', () => {
    expectFunctionError(() => TRANSFERBASE([[100], [200]], [[0.5], ['']]), '#VALUE!', 'linkShare, row 2', 'empty cell');
  });

  test('a revenue cell that is not a number; a revenue missing on a row that has a share', () => {
    expectFunctionError(() => TRANSFERBASE([[100], ['n/a']]), '#VALUE!', 'revenue, row 2', '"n/a"');
    expectFunctionError(() => TRANSFERBASE([[100], ['']], [[0.5], [0.5]]), '#VALUE!', 'revenue, row 2', 'empty cell');
    expectFunctionError(() => TRANSFERBASE([['Revenue'], [100]]), '#VALUE!', 'revenue, row 1', 'leave headers out');
    expectFunctionError(() => TRANSFERBASE([[100, 200]], [[0.5, 'half']]), '#VALUE!', 'linkShare, column 2', '"half"');
  });

  test('decimal commas and thousands separators are refused rather than guessed', () => {
    expectFunctionError(() => TRANSFERBASE('1,250'), '#VALUE!', 'revenue', '"1,250"');
    expectFunctionError(() => TRANSFERBASE(100, '0,55'), '#VALUE!', 'linkShare', '"0,55"');
  });

  test('a column of another height', () => {
    expectFunctionError(() => TRANSFERBASE([[1], [2]], [[0.5], [0.5], [0.5]]), '#VALUE!', 'linkShare', 'has 3 values but revenue has 2');
  });

  test('no revenue line at all', () => {
    expectFunctionError(() => TRANSFERBASE([[''], ['']]), '#VALUE!', 'revenue', 'at least one revenue line');
  });

  test('a block instead of a column', () => {
    expectFunctionError(
      () =>
        TRANSFERBASE([
          [1, 2],
          [3, 4],
        ]),
      '#VALUE!',
      'revenue',
      'one column (or one row)',
    );
  });
});

const SCHEDULE = [
  ['purpose', 'from', 'rate'],
  [1, 0, 0.02],
  [1, 1e6, 0.04],
  [1, 5e6, 0.06],
  ['', '', ''],
  ['specialised', 0, 0.05],
  ['competing', 0, 0.1],
];

describe('PURPOSESHARE', () => {
  test('the Fehr chain continued: 40 % of 385 M = 154 M', () => {
    expect(PURPOSESHARE(385e6, 1, 0.4)).toBe(154e6);
    expect(PURPOSESHARE(TRANSFERBASE(1e9, 0.55, 0.7), 'generalist', [[0.4]])).toBe(154e6);
  });

  test.each([
    [1, 100],
    ['generalist', 100],
    ['Specialised', 200],
    ['specialized', 200],
    [' COMPETING ', 300],
    ['2', 200],
    [3, 300],
  ])('three rates, purpose %j → %d', (purpose, expected) => {
    expect(PURPOSESHARE(1000, purpose, [[0.1, 0.2, 0.3]])).toBe(expected);
    expect(PURPOSESHARE(1000, purpose, [[0.1], [0.2], [0.3]])).toBe(expected);
  });

  test('a schedule in marginal mode taxes each slice at its rate', () => {
    // 1 M at 2 % + 2 M at 4 % = 20 000 + 80 000.
    expect(PURPOSESHARE(3e6, 1, SCHEDULE)).toBe(100000);
    // + 4 M at 4 % + 1 M at 6 %.
    expect(PURPOSESHARE(6e6, 1, SCHEDULE, null, 'marginal')).toBe(240000);
    expect(PURPOSESHARE(3e6, 'specialised', SCHEDULE)).toBe(150000);
    expect(PURPOSESHARE(3e6, 3, SCHEDULE)).toBe(300000);
  });

  test('bracket mode applies the rate of the highest slice reached to the whole base', () => {
    expect(PURPOSESHARE(3e6, 1, SCHEDULE, null, 'Bracket')).toBe(120000);
    // A base equal to a slice's start is in that slice.
    expect(PURPOSESHARE(5e6, 1, SCHEDULE, null, 'bracket')).toBe(300000);
  });

  test('a schedule without a header row', () => {
    expect(PURPOSESHARE(3e6, 1, SCHEDULE.slice(1))).toBe(100000);
  });

  test('a single row starting with a purpose name is a one-row schedule, not three rates', () => {
    expect(PURPOSESHARE(1000, 'competing', [['competing', 0, 0.1]])).toBe(100);
    expectFunctionError(() => PURPOSESHARE(1000, 1, [['competing', 0, 0.1]]), '#VALUE!', 'rates', 'no rows for purpose 1');
  });

  test('the minimum guarantee applies only when the computed share is below it', () => {
    expect(PURPOSESHARE(1000, 1, 0.01, 50)).toBe(50);
    expect(PURPOSESHARE(1000, 1, 0.1, 50)).toBe(100);
    expect(PURPOSESHARE(1000, 1, 0.1, '')).toBe(100);
  });
});

describe('PURPOSESHARE errors', () => {
  test('an unknown purpose', () => {
    expectFunctionError(() => PURPOSESHARE(1000, 4, 0.1), '#VALUE!', 'purpose', '1 (generalist), 2 (specialised) or 3 (competing)', 'got 4');
    expectFunctionError(() => PURPOSESHARE(1000, 'general', 0.1), '#VALUE!', 'purpose', '"general"');
    expectFunctionError(() => PURPOSESHARE(1000, '', 0.1), '#VALUE!', 'purpose', 'empty cell');
  });

  test('a rate above 1 or negative', () => {
    expectFunctionError(() => PURPOSESHARE(1000, 1, 40), '#VALUE!', 'rates', '40 % is 0.4');
    expectFunctionError(() => PURPOSESHARE(1000, 1, [[0.1, 20, 0.3]]), '#VALUE!', 'rates, column 2', 'between 0 and 1');
    expectFunctionError(() => PURPOSESHARE(1000, 1, [[0.1], [0.2], [-0.3]]), '#VALUE!', 'rates, row 3', 'negative');
  });

  test('rates of an unknown shape', () => {
    expectFunctionError(() => PURPOSESHARE(1000, 1, [[0.1, 0.2]]), '#VALUE!', 'rates', 'got 1 rows × 2 columns');
    expectFunctionError(() => PURPOSESHARE(1000, 1, [[0.1], [0.2]]), '#VALUE!', 'rates', 'schedule of three columns');
  });

  test('schedule rows are named as sheet rows, header and blank rows counted', () => {
    const bad = SCHEDULE.map((row) => row.slice());
    bad[5] = ['specialised', 0, 5];
    expectFunctionError(() => PURPOSESHARE(1000, 1, bad), '#VALUE!', 'rates, row 6', '40 % is 0.4');
    expectFunctionError(() => PURPOSESHARE(1000, 1, [SCHEDULE[0], [1, 100, 0.02]]), '#VALUE!', 'rates, row 2', 'must start at 0');
    expectFunctionError(
      () => PURPOSESHARE(1000, 1, [SCHEDULE[0], [1, 0, 0.02], [1, 5e6, 0.06], [1, 1e6, 0.04]]),
      '#VALUE!',
      'rates, row 4',
      'increasing',
    );
    expectFunctionError(() => PURPOSESHARE(1000, 1, [SCHEDULE[0], [1, 0, 0.02], ['leisure', 0, 0.04]]), '#VALUE!', 'rates, row 3, column 1', '"leisure"');
    expectFunctionError(() => PURPOSESHARE(1000, 1, [SCHEDULE[0], [1, 'zero', 0.02], [2, 0, 0.04]]), '#VALUE!', 'rates, row 2, column 2', '"zero"');
  });

  test('a schedule without the purpose asked for, or with only a header', () => {
    expectFunctionError(() => PURPOSESHARE(1000, 2, [SCHEDULE[0], [1, 0, 0.02], [1, 10, 0.04]]), '#VALUE!', 'rates', 'no rows for purpose 2');
    expectFunctionError(() => PURPOSESHARE(1000, 2, [SCHEDULE[0]]), '#VALUE!', 'rates', 'no rows [purpose, from, rate] below its header');
  });

  test('an unknown mode, a negative base or minimum', () => {
    expectFunctionError(() => PURPOSESHARE(1000, 1, SCHEDULE, null, 'progressive'), '#VALUE!', 'mode', '"marginal", "bracket"');
    expectFunctionError(() => PURPOSESHARE(-1, 1, 0.1), '#VALUE!', 'base', '≥ 0');
    expectFunctionError(() => PURPOSESHARE(1000, 1, 0.1, -5), '#VALUE!', 'minimum', '≥ 0');
    expectFunctionError(() => PURPOSESHARE('big', 1, 0.1), '#VALUE!', 'base', '"big"');
  });
});

/** Payouts as whole cents, to check exact sums without float addition. */
function cents(column: (string | number)[][]): number[] {
  return column.map(([x]) => Math.round((x as number) * 100));
}

describe('PAYTOTRAIN', () => {
  test('equal claims: the odd cent goes to the earlier row, and the column sums exactly', () => {
    const payouts = PAYTOTRAIN(100, [[1], [1], [1]]);
    expect(payouts).toEqual([[33.34], [33.33], [33.33]]);
    expect(cents(payouts).reduce((s, c) => s + c, 0)).toBe(10000);
  });

  test('pro rata to count × weight', () => {
    // Claims 20, 20, 20: thirds again.
    expect(PAYTOTRAIN(1000, [[10], [20], [5]], [[2], [1], [4]])).toEqual([[333.34], [333.33], [333.33]]);
    // Claims 1 and 3.
    expect(PAYTOTRAIN(1000, [[1], [3]])).toEqual([[250], [750]]);
    expect(PAYTOTRAIN(1000, [[1], [3]], 2)).toEqual([[250], [750]]);
  });

  test('a holder below the minimum payout gets 0 and the others share its part', () => {
    // Quotas 700, 250, 50: the last is below 60. Then 1000 × 70/95 = 736.842…, × 25/95 = 263.157…;
    // 73684 + 26315 cents leave one cent for the larger remainder (the second holder).
    const payouts = PAYTOTRAIN(1000, [[70], [25], [5]], null, 60);
    expect(payouts).toEqual([[736.84], [263.16], [0]]);
    expect(cents(payouts).reduce((s, c) => s + c, 0)).toBe(100000);
  });

  test('decimals', () => {
    expect(PAYTOTRAIN(10, [[1], [1], [1]], null, null, 0)).toEqual([[4], [3], [3]]);
    expect(PAYTOTRAIN(1, [[1], [1], [1]], null, null, 3)).toEqual([[0.334], [0.333], [0.333]]);
  });

  test('blank rows give empty cells; a row of counts gives a row', () => {
    expect(PAYTOTRAIN(100, [[1], [''], [1], [null]])).toEqual([[50], [''], [50], ['']]);
    expect(PAYTOTRAIN(100, [[1, 3]])).toEqual([[25, 75]]);
  });

  test('counts as text', () => {
    expect(PAYTOTRAIN('100', [['1'], ['3']])).toEqual([[25], [75]]);
  });
});

describe('PAYTOTRAIN errors', () => {
  test('a negative count or weight names its row, blank rows counted', () => {
    expectFunctionError(() => PAYTOTRAIN(100, [[1], [''], [-1]]), '#VALUE!', 'counts, row 3', '≥ 0');
    expectFunctionError(() => PAYTOTRAIN(100, [[1], [2]], [[1], [-2]]), '#VALUE!', 'weights, row 2', '≥ 0');
    expectFunctionError(() => PAYTOTRAIN(100, [[1, 2]], [[1, -2]]), '#VALUE!', 'weights, column 2');
    expectFunctionError(() => PAYTOTRAIN(100, [[1], [2]], -1), '#VALUE!', 'weights', '≥ 0');
  });

  test('an empty weight on a holder row is an error', () => {
    expectFunctionError(() => PAYTOTRAIN(100, [[1], [2]], [[1], ['']]), '#VALUE!', 'weights, row 2', 'empty cell');
  });

  test('weights of another length', () => {
    expectFunctionError(() => PAYTOTRAIN(100, [[1], [2], [3]], [[1], [2]]), '#VALUE!', 'weights', 'has 2 values but counts has 3');
  });

  test('decimals, minimum payout and amount out of range', () => {
    expectFunctionError(() => PAYTOTRAIN(100, [[1]], null, null, 2.5), '#VALUE!', 'decimals', 'integer from 0 to 10');
    expectFunctionError(() => PAYTOTRAIN(100, [[1], [1]], null, 60), '#VALUE!', 'minimumPayout', 'no holder reaches');
    expectFunctionError(() => PAYTOTRAIN(-100, [[1]]), '#VALUE!', 'amount', '≥ 0');
    expectFunctionError(() => PAYTOTRAIN('all', [[1]]), '#VALUE!', 'amount', '"all"');
    expectFunctionError(() => PAYTOTRAIN(100, [[1]], null, 'none'), '#VALUE!', 'minimumPayout', '"none"');
  });

  test('nothing to share pro rata', () => {
    expectFunctionError(() => PAYTOTRAIN(100, [[0], [0]]), '#VALUE!', 'counts', 'count × weight of 0');
    expectFunctionError(() => PAYTOTRAIN(100, [[''], ['']]), '#VALUE!', 'counts', 'at least one holder');
  });

  test('a count that is not a number', () => {
    expectFunctionError(() => PAYTOTRAIN(100, [[1], ['many']]), '#VALUE!', 'counts, row 2', '"many"');
  });
});
