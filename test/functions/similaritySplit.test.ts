import fc from 'fast-check';
import { SIMILARITYSPLIT } from '../../src/functions/similaritySplit';
import { shapleyByPermutations } from './bruteForce';
import { expectFunctionError } from './expectError';

/** Shares of one output by the definition: Shapley of v(S) = max_{i∈S} sᵢ (v(∅) = 0), over the max. */
function maxGameShares(scores: number[]): number[] {
  const top = Math.max(0, ...scores);
  if (top === 0) return scores.map(() => 0);
  // Brute force on the scores divided by the top one: the max game is homogeneous, and for
  // subnormal scores (which fast-check does generate) averaging the raw values would lose bits.
  const scaled = scores.map((s) => s / top);
  const v = (mask: number): number => scaled.reduce((m, s, i) => ((mask & (1 << i)) !== 0 ? Math.max(m, s) : m), 0);
  return shapleyByPermutations(scores.length, v);
}

function expectCloseRows(actual: (string | number)[][], expected: (string | number)[][]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, r) => {
    expect(row).toHaveLength(expected[r].length);
    row.forEach((x, c) => {
      const want = expected[r][c];
      if (typeof want === 'number') expect(x as number).toBeCloseTo(want, 12);
      else expect(x).toBe(want);
    });
  });
}

describe('SIMILARITYSPLIT', () => {
  test('a hand-checked row: scores 0.9, 0.6, 0.3', () => {
    // Airport game: the cost 0.3 is shared by 3, the next 0.3 by 2, the last 0.3 by 1.
    // φ = 0.1, 0.25, 0.55 → shares 1/9, 5/18, 11/18.
    expect(maxGameShares([0.3, 0.6, 0.9]).map((x) => x * 0.9)).toEqual([0.1, 0.25, 0.55].map((x) => expect.closeTo(x, 12)));
    expectCloseRows(SIMILARITYSPLIT([[0.3, 0.6, 0.9]]), [[1 / 9, 5 / 18, 11 / 18]]);
  });

  test('each row is one output; rows sum to 1', () => {
    const scores = [
      [0.82, 0.41, 0.77, 0.1],
      [0.2, 0.9, 0.9, 0.5],
    ];
    const result = SIMILARITYSPLIT(scores);
    expectCloseRows(result, scores.map(maxGameShares));
    result.forEach((row) => expect((row as number[]).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12));
  });

  test('scores below the threshold count as 0; a row with none reaching it is all 0', () => {
    const result = SIMILARITYSPLIT(
      [
        [0.8, 0.5, 0.6],
        [0.4, 0.2, 0.1],
      ],
      0.6,
    );
    // 0.6 reaches the threshold (≥); 0.5 does not.
    expectCloseRows(result, [maxGameShares([0.8, 0, 0.6]), [0, 0, 0]]);
  });

  test('negative scores are never recognisable, even under a negative threshold', () => {
    expectCloseRows(SIMILARITYSPLIT([[-0.2, 0.4, -0.9]], -1), [[0, 1, 0]]);
    expectCloseRows(SIMILARITYSPLIT([[-0.2, -0.4]]), [[0, 0]]);
  });

  test('empty cells are no similarity; an all-empty row stays empty', () => {
    expectCloseRows(
      SIMILARITYSPLIT([
        [0.5, '', 0.5],
        ['', null, ''],
      ]),
      [maxGameShares([0.5, 0, 0.5]), ['', '', '']],
    );
  });

  test('the split does not depend on the scale of the scores', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 2, max: 100 }), (scores, factor) => {
        const a = SIMILARITYSPLIT([scores])[0] as number[];
        const b = SIMILARITYSPLIT([scores.map((s) => s * factor)])[0] as number[];
        a.forEach((x, i) => expect(b[i]).toBeCloseTo(x, 9));
        expectCloseRows([a], [maxGameShares(scores)]);
      }),
      { numRuns: 80 },
    );
  });

  test('text numbers and percentages are read', () => {
    expectCloseRows(SIMILARITYSPLIT([['30%', '0.6', 0.9]]), [[1 / 9, 5 / 18, 11 / 18]]);
  });

  test('a single value is one output with one rightholder', () => {
    expectCloseRows(SIMILARITYSPLIT(0.7), [[1]]);
  });
});

describe('SIMILARITYSPLIT errors', () => {
  test('a score that is not a number names its row and column', () => {
    expectFunctionError(
      () =>
        SIMILARITYSPLIT([
          [0.5, 0.2],
          [0.1, 'high'],
        ]),
      '#VALUE!',
      'scores, row 2, column 2',
      '"high"',
    );
    expectFunctionError(() => SIMILARITYSPLIT([[0.5, true]]), '#VALUE!', 'scores, row 1, column 2', 'TRUE');
  });

  test('a threshold that is not a number', () => {
    expectFunctionError(() => SIMILARITYSPLIT([[0.5]], 'strict'), '#VALUE!', 'threshold', '"strict"');
  });

  test('a ragged range', () => {
    expectFunctionError(() => SIMILARITYSPLIT([[0.5, 0.2], [0.1]]), '#VALUE!', 'scores, row 2', 'rectangular');
  });
});
