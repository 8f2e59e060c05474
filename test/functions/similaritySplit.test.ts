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

/**
 * The model as a player (seed 004) by the definition: holders below the threshold score 0, the
 * model keeps its score whatever the threshold, and the row is the brute-force Shapley value of
 * the max game over holders + model divided by the top score; no recognisable holder → the model
 * gets everything.
 */
function sharesWithModel(scores: number[], threshold: number, model: number): number[] {
  const counted = scores.map((s) => (s >= threshold && s > 0 ? s : 0));
  if (counted.every((s) => s === 0)) return [...scores.map(() => 0), 1];
  return maxGameShares([...counted, model]);
}

describe('SIMILARITYSPLIT with modelScores (the model as a player)', () => {
  test('a hand-checked block: 0.8 and the model 0.6 share 0.625 / 0.375; a row below the threshold goes to the model', () => {
    // Row 1: B (0.4) is below 0.5. Max game of A 0.8 and the model 0.6: the first 0.6 shared by
    // two (0.3 each), the last 0.2 A's alone: A 0.5, model 0.3; over the top 0.8: 0.625, 0.375.
    expect(sharesWithModel([0.8, 0.4], 0.5, 0.6)).toEqual([0.625, 0, 0.375].map((x) => expect.closeTo(x, 12)));
    const block = [
      [0.8, 0.4],
      [0.3, 0.2],
    ];
    expectCloseRows(SIMILARITYSPLIT(block, 0.5, 0.6), [
      [0.625, 0, 0.375],
      [0, 0, 1],
    ]);
    expectCloseRows(SIMILARITYSPLIT(block, 0.5, [[0.6], [0.6]]), SIMILARITYSPLIT(block, 0.5, 0.6) as number[][]);
  });

  test('random rows, one model score per row (a column or a row): brute force over permutations with the model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }).chain((rows) =>
          fc.tuple(fc.constant(rows), fc.double({ min: 0, max: 0.8, noNaN: true }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rows.length, maxLength: rows.length })),
        ),
        ([rows, threshold, model]) => {
          const expected = rows.map((row, r) => sharesWithModel(row, threshold, model[r]));
          expectCloseRows(SIMILARITYSPLIT(rows, threshold, model.map((m) => [m])), expected);
          expectCloseRows(SIMILARITYSPLIT(rows, threshold, [model]), expected);
          SIMILARITYSPLIT(rows, threshold, [model]).forEach((row) => expect((row as number[]).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('the model is not filtered by the threshold; a model score of 0 (or an empty cell in a list) takes nothing from recognisable holders', () => {
    expectCloseRows(SIMILARITYSPLIT([[0.9, 0.6]], 0.5, 0.1), [sharesWithModel([0.9, 0.6], 0.5, 0.1)]);
    expectCloseRows(SIMILARITYSPLIT([[0.9, 0.6]], 0.5, 0), [[...(maxGameShares([0.9, 0.6]) as number[]), 0]]);
    // An empty cell among per-row scores is 0 (a lone empty cell is an omitted argument).
    expectCloseRows(SIMILARITYSPLIT([[0.9, 0.6], [0.7, 0]], 0.5, [[''], [0.2]]), [[...(maxGameShares([0.9, 0.6]) as number[]), 0], sharesWithModel([0.7, 0], 0.5, 0.2)]);
    // A model more similar than every holder: it gets the largest share.
    const row = SIMILARITYSPLIT([[0.5, 0.4]], 0, 0.9)[0] as number[];
    expect(row[2]).toBeGreaterThan(row[0]);
  });

  test('without modelScores the result is the same, bit for bit, and has no extra column', () => {
    const rows = [
      [0.82, 0.41, 0.77],
      [0.2, 0.9, 0.9],
    ];
    expect(SIMILARITYSPLIT(rows, 0.3, null)).toEqual(SIMILARITYSPLIT(rows, 0.3));
    expect(SIMILARITYSPLIT(rows, 0.3, '')).toEqual(SIMILARITYSPLIT(rows, 0.3));
    expect(SIMILARITYSPLIT(rows, 0.3)[0]).toHaveLength(3);
  });

  test('an all-empty row stays empty, model column included; its model score is not read', () => {
    expectCloseRows(
      SIMILARITYSPLIT(
        [
          [0.5, 0.5],
          ['', ''],
        ],
        0,
        [[0.5], ['n/a']],
      ),
      [maxGameShares([0.5, 0.5, 0.5]), ['', '', '']],
    );
  });
});

describe('SIMILARITYSPLIT modelScores errors', () => {
  test('the wrong number of model scores', () => {
    expectFunctionError(() => SIMILARITYSPLIT([[0.5], [0.4], [0.3]], 0, [[0.1], [0.2]]), '#VALUE!', 'modelScores', 'one score per row of scores (3)', 'got 2');
    expectFunctionError(
      () =>
        SIMILARITYSPLIT([[0.5], [0.4]], 0, [
          [0.1, 0.2],
          [0.3, 0.4],
        ]),
      '#VALUE!',
      'modelScores',
      'one column',
    );
  });

  test('a model score that is not a number names its row (or column)', () => {
    expectFunctionError(() => SIMILARITYSPLIT([[0.5], [0.4]], 0, [[0.1], ['high']]), '#VALUE!', 'modelScores, row 2', '"high"');
    expectFunctionError(() => SIMILARITYSPLIT([[0.5], [0.4]], 0, [[0.1, true]]), '#VALUE!', 'modelScores, column 2', 'TRUE');
    expectFunctionError(() => SIMILARITYSPLIT([[0.5]], 0, 'high'), '#VALUE!', 'modelScores', '"high"');
  });

  test('a negative model score is outside the allowed range, named by row', () => {
    expectFunctionError(() => SIMILARITYSPLIT([[0.5], [0.4]], 0, [[0.1], [-0.2]]), '#VALUE!', 'modelScores, row 2', '≥ 0', '-0.2');
    expectFunctionError(() => SIMILARITYSPLIT([[0.5], [0.4]], 0, -1), '#VALUE!', 'modelScores', '≥ 0');
  });
});
