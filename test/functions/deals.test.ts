import { LICENCEPAYMENTS } from '../../src/functions/licencePayments';
import { POOLSPLIT } from '../../src/functions/poolSplit';
import { callFunction, FUNCTIONS, signatureOf } from '../../src/functions/registry';
import { expectFunctionError } from './expectError';

const column = (...xs: unknown[]): unknown[][] => xs.map((x) => [x]);

describe('LICENCEPAYMENTS', () => {
  it('has the contract’s signature', () => {
    expect(signatureOf(FUNCTIONS.LICENCEPAYMENTS)).toBe('LICENCEPAYMENTS(revenue, rate, [advance], [minimum], [unitFee], [units], [recoupable])');
  });

  it('recoups an advance over several periods, with a minimum (by hand: 550, 50, 100, 400)', () => {
    // royalties 100, 200, 300, 400; advance 500 recouped 100 + 200 + 200.
    expect(LICENCEPAYMENTS(column(1000, 2000, 3000, 4000), 0.1, 500)).toEqual(column(500, 0, 100, 400));
    expect(LICENCEPAYMENTS(column(1000, 2000, 3000, 4000), 0.1, 500, 50)).toEqual(column(550, 50, 100, 400));
  });

  it('takes per-period rates and minimums, and an upfront fee that is not recouped', () => {
    expect(LICENCEPAYMENTS(column(1000, 1000, 1000), column(0.1, '15%', 0.2), null, column(120, 0, ''))).toEqual(column(120, 150, 200));
    expect(LICENCEPAYMENTS(column(1000, 2000), 0.1, 500, null, null, null, false)).toEqual(column(600, 200));
    expect(LICENCEPAYMENTS(column(1000, 2000), 0.1, 500, null, null, null, 'FALSE')).toEqual(column(600, 200));
    expect(LICENCEPAYMENTS(column(1000, 2000), 0.1, 500, null, null, null, 1)).toEqual(column(500, 0));
  });

  it('charges a fee per output: 5 % of 1000 + 0.002 × 10,000 = 70, then 0.002 × 25,000 = 50 raised to the minimum 60', () => {
    expect(LICENCEPAYMENTS(column(1000, 0), 0.05, null, 60, 0.002, column(10_000, 25_000))).toEqual(column(70, 60));
  });

  it('keeps the orientation of revenue, skips blank periods and gives the advance to the first period that is not blank', () => {
    expect(LICENCEPAYMENTS([[1000, 2000]], 0.1)).toEqual([[100, 200]]);
    // royalties 100 and 200; the advance of 50 is recouped from the first: 50 + 50, then 200.
    expect(LICENCEPAYMENTS(column('', 1000, '', 2000), 0.1, 50)).toEqual(column('', 100, '', 200));
  });

  it('goes through the registry as the CLI calls it, with trailing arguments left out', () => {
    expect(callFunction(FUNCTIONS.LICENCEPAYMENTS, [[[0.1], [0.1]], [[0.3]]])).toEqual(column(0.03, 0.03));
  });

  describe('errors name the argument and the row', () => {
    it.each([
      ['rate omitted', () => LICENCEPAYMENTS(column(1), null), '#VALUE!', 'rate', 'a rate is needed'],
      ['rate above 1', () => LICENCEPAYMENTS(column(1, 2), column(0.1, 12)), '#VALUE!', 'rate, row 2', '12 % is 0.12'],
      ['rate empty cell', () => LICENCEPAYMENTS(column(1, 2), column(0.1, '')), '#VALUE!', 'rate, row 2', 'empty cell'],
      ['rate of another height', () => LICENCEPAYMENTS(column(1, 2, 3), column(0.1, 0.2)), '#VALUE!', 'rate', 'has 2 values'],
      ['a header in revenue', () => LICENCEPAYMENTS(column('revenue', 1), 0.1), '#VALUE!', 'revenue, row 1', 'leave headers out'],
      ['negative revenue', () => LICENCEPAYMENTS(column(1, -2), 0.1), '#VALUE!', 'revenue, row 2', '≥ 0'],
      ['negative minimum', () => LICENCEPAYMENTS(column(1, 2), 0.1, null, column(0, -1)), '#VALUE!', 'minimum, row 2', '≥ 0'],
      ['negative unit fee', () => LICENCEPAYMENTS(column(1), 0.1, null, null, -0.1, 3), '#VALUE!', 'unitFee', '≥ 0'],
      ['negative units', () => LICENCEPAYMENTS(column(1, 2), 0.1, null, null, 0.1, column(3, -3)), '#VALUE!', 'units, row 2', '≥ 0'],
      ['a unit fee without units', () => LICENCEPAYMENTS(column(1), 0.1, null, null, 0.5), '#VALUE!', 'units', 'no units'],
      ['advance as text', () => LICENCEPAYMENTS(column(1), 0.1, 'lots'), '#VALUE!', 'advance', 'the text "lots"'],
      ['negative advance', () => LICENCEPAYMENTS(column(1), 0.1, -5), '#VALUE!', 'advance', '≥ 0'],
      ['recoupable not a boolean', () => LICENCEPAYMENTS(column(1), 0.1, 5, null, null, null, 'maybe'), '#VALUE!', 'recoupable', 'TRUE'],
      ['every row empty', () => LICENCEPAYMENTS(column('', ''), 0.1), '#VALUE!', 'revenue', 'no period'],
    ] as const)('%s', (_, run, code, place, fragment) => {
      expectFunctionError(run, code, place, fragment);
    });
  });
});

// Holders A, B, C in order of first appearance; uncapped A 7 plays by 2 users, B 12 by 2, C 1 by 1.
const USAGE = [
  ['user', 'holder', 'plays', 'active plays'],
  ['U1', 'A', 6, 2],
  ['U1', 'B', 2, 0],
  ['', '', '', ''],
  ['u2', 'a', 1, ''],
  ['U2', 'C', '1', 1],
  [3, ' B ', 10, 0],
];

describe('POOLSPLIT', () => {
  it('has the contract’s signature, with activePlays and userCap', () => {
    expect(signatureOf(FUNCTIONS.POOLSPLIT)).toBe('POOLSPLIT(amount, usage, [mode], [threshold], [boost], [decimals], [userCap])');
  });

  it('market by default, names matched ignoring case and spaces, header and blank rows skipped (by hand: 7 : 12 : 1)', () => {
    expect(POOLSPLIT(100, USAGE)).toEqual([
      ['A', 35],
      ['B', 60],
      ['C', 5],
    ]);
  });

  it('three columns are enough', () => {
    expect(POOLSPLIT(100, USAGE.map((row) => row.slice(0, 3)), 'market')).toEqual([
      ['A', 35],
      ['B', 60],
      ['C', 5],
    ]);
  });

  it('user-centric: 100/3 per user, 41.67, 41.67, 16.66 (equal remainders: earlier rows)', () => {
    expect(POOLSPLIT(100, USAGE, 'User')).toEqual([
      ['A', 41.67],
      ['B', 41.67],
      ['C', 16.66],
    ]);
  });

  it('artist-centric with threshold [5 plays, 2 users] as a row or a column, boost 2 by default', () => {
    const expected = [
      ['A', 40.91],
      ['B', 54.55],
      ['C', 4.54],
    ];
    expect(POOLSPLIT(100, USAGE, 'artist', [[5, 2]])).toEqual(expected);
    expect(POOLSPLIT(100, USAGE, 'artist-centric', [[5], [2]], 2)).toEqual(expected);
  });

  it('market with a threshold leaves C out (36.84, 63.16, 0); a single threshold is minimum plays', () => {
    expect(POOLSPLIT(100, USAGE, null, [[5, 2]])).toEqual([
      ['A', 36.84],
      ['B', 63.16],
      ['C', 0],
    ]);
    expect(POOLSPLIT(100, USAGE, '', 2)).toEqual([
      ['A', 36.84],
      ['B', 63.16],
      ['C', 0],
    ]);
  });

  it('userCap 5: A 4.75, B 6.25, C 1 of 12; with decimals 0', () => {
    expect(POOLSPLIT(120, USAGE, 'market', null, null, null, 5)).toEqual([
      ['A', 47.5],
      ['B', 62.5],
      ['C', 10],
    ]);
    // 47.5 / 62.5 / 10 at 0 decimals: the unit left goes to A (equal remainders, earlier row).
    expect(POOLSPLIT(120, USAGE, 'market', null, null, 0, 5)).toEqual([
      ['A', 48],
      ['B', 62],
      ['C', 10],
    ]);
  });

  it('artist with cap 5 through the registry (by hand: 45.28, 47.17, 7.55)', () => {
    expect(callFunction(FUNCTIONS.POOLSPLIT, [100, USAGE, 'artist', [[5, 2]], null, null, 5])).toEqual([
      ['A', 45.28],
      ['B', 47.17],
      ['C', 7.55],
    ]);
  });

  describe('errors name the argument, the row and the column', () => {
    const withRow = (row: unknown[]) => [...USAGE, row];
    it.each([
      ['two columns', () => POOLSPLIT(1, [['U', 'A']]), '#VALUE!', 'usage', 'three or four columns'],
      ['empty user', () => POOLSPLIT(1, withRow(['', 'A', 1, 0])), '#VALUE!', 'usage, row 8', 'empty user'],
      ['empty holder', () => POOLSPLIT(1, withRow(['U9', ' ', 1, 0])), '#VALUE!', 'usage, row 8', 'empty holder'],
      ['plays as text', () => POOLSPLIT(1, withRow(['U9', 'A', 'many', 0])), '#VALUE!', 'usage, row 8, column 3', 'the text "many"'],
      ['negative plays', () => POOLSPLIT(1, withRow(['U9', 'A', -1, 0])), '#VALUE!', 'usage, row 8, column 3', 'whole number ≥ 0'],
      ['fractional plays', () => POOLSPLIT(1, withRow(['U9', 'A', 1.5, 0])), '#VALUE!', 'usage, row 8, column 3', 'whole number'],
      ['activePlays above plays', () => POOLSPLIT(1, withRow(['U9', 'A', 1, 2])), '#VALUE!', 'usage, row 8, column 4', 'exceeds plays'],
      ['negative activePlays', () => POOLSPLIT(1, withRow(['U9', 'A', 1, -1])), '#VALUE!', 'usage, row 8, column 4', '≥ 0'],
      ['activePlays as text', () => POOLSPLIT(1, withRow(['U9', 'A', 1, 'x'])), '#VALUE!', 'usage, row 8, column 4', 'the text "x"'],
      ['only a header', () => POOLSPLIT(1, [USAGE[0]]), '#VALUE!', 'usage', 'no rows'],
      ['no counted play', () => POOLSPLIT(1, USAGE, 'user', 1000), '#VALUE!', 'usage', 'no counted play'],
      ['mode', () => POOLSPLIT(1, USAGE, 'spotify'), '#VALUE!', 'mode', '"market", "user", "artist"'],
      ['threshold of three values', () => POOLSPLIT(1, USAGE, 'market', [[1, 2, 3]]), '#VALUE!', 'threshold', 'got 3 values'],
      ['negative threshold', () => POOLSPLIT(1, USAGE, 'market', [[5, -2]]), '#VALUE!', 'threshold', 'minimum distinct users'],
      ['threshold as text', () => POOLSPLIT(1, USAGE, 'market', 'high'), '#VALUE!', 'threshold', 'the text "high"'],
      ['boost below 1', () => POOLSPLIT(1, USAGE, 'artist', null, 0.5), '#VALUE!', 'boost', '≥ 1'],
      ['decimals', () => POOLSPLIT(1, USAGE, null, null, null, 12), '#VALUE!', 'decimals', '0 to 10'],
      ['negative amount', () => POOLSPLIT(-1, USAGE), '#VALUE!', 'amount', '≥ 0'],
      ['amount a range', () => POOLSPLIT([[1], [2]], USAGE), '#VALUE!', 'amount', 'single value'],
      ['userCap 0 is #NUM!', () => POOLSPLIT(1, USAGE, null, null, null, null, 0), '#NUM!', 'userCap', '> 0'],
      ['negative userCap is #NUM!', () => POOLSPLIT(1, USAGE, null, null, null, null, -10), '#NUM!', 'userCap', '> 0'],
    ] as const)('%s', (_, run, code, place, fragment) => {
      expectFunctionError(run, code, place, fragment);
    });
  });
});
