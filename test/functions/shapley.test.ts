import fc from 'fast-check';
import { BANZHAF, SHAPLEY } from '../../src/functions/coalitionFunctions';
import { MAX_SHEET_PLAYERS } from '../../src/functions/coalitionTable';
import { banzhafByCoalitions, box3Value, label, labelTable, permutations, shapleyByPermutations } from './bruteForce';
import { expectFunctionError } from './expectError';

const ABC = ['A', 'B', 'C'];

function expectRows(actual: (string | number)[][], expected: (string | number)[][]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, r) => {
    expect(row).toHaveLength(expected[r].length);
    row.forEach((cell, c) => {
      const want = expected[r][c];
      if (typeof want === 'number') expect(cell as number).toBeCloseTo(want, 10);
      else expect(cell).toBe(want);
    });
  });
}

describe('SHAPLEY on the report Box 3 table', () => {
  const { coalitions, values } = labelTable(ABC, box3Value);

  test('gives the true Shapley values 45, 30, 25 (the report prints 42.5, 32.5, 25)', () => {
    const brute = shapleyByPermutations(3, box3Value);
    // Hand check of the brute force itself: A's marginal contributions over the six orders
    // are 50, 50, 40, 40, 50, 40 → 270 / 6 = 45.
    expect(brute).toEqual([45, 30, 25]);
    expectRows(SHAPLEY(coalitions, values), [
      ['A', 45],
      ['B', 30],
      ['C', 25],
    ]);
  });

  test('amount adds a third column that splits it in proportion, summing to the amount', () => {
    const rows = SHAPLEY(coalitions, values, null, 1000);
    expectRows(rows, [
      ['A', 45, 450],
      ['B', 30, 300],
      ['C', 25, 250],
    ]);
    expect(rows.reduce((s, r) => s + (r[2] as number), 0)).toBeCloseTo(1000, 9);
  });

  test('the amount column uses the surplus v(N) − v(∅) when v(∅) is not 0', () => {
    // Adding 10 to every coalition leaves the Shapley values unchanged; the surplus stays 100.
    const shifted = values.map(([x]) => [x + 10]);
    expectRows(SHAPLEY(coalitions, shifted, null, 200), [
      ['A', 45, 90],
      ['B', 30, 60],
      ['C', 25, 50],
    ]);
  });

  test('BANZHAF gives the raw Banzhaf values of the same table', () => {
    const expected = banzhafByCoalitions(3, box3Value);
    // By hand: A adds 50, 40, 50, 40 to ∅, B, C, BC → 180 / 4 = 45.
    expect(expected[0]).toBe(45);
    expectRows(
      BANZHAF(coalitions, values),
      ABC.map((name, i) => [name, expected[i]]),
    );
  });
});

describe('coalition labels', () => {
  const forms: [string, (names: string[]) => string][] = [
    ['A,B', (names) => names.join(',')],
    ['A+B', (names) => names.join('+')],
    ['{A; B}', (names) => `{${names.join('; ')}}`],
    ['A;B', (names) => names.join(';')],
    [' A , B ', (names) => ` ${names.join(' , ')} `],
  ];
  test.each(forms)('%s', (_, write) => {
    const coalitions: string[][] = [];
    const values: number[][] = [];
    for (let mask = 1; mask < 8; mask++) {
      coalitions.push([write(ABC.filter((__, i) => (mask & (1 << i)) !== 0))]);
      values.push([box3Value(mask)]);
    }
    expectRows(SHAPLEY(coalitions, values), [
      ['A', 45],
      ['B', 30],
      ['C', 25],
    ]);
  });

  test.each([[''], ['{}'], ['∅'], ['{ }'], ['  ']])('%j is the empty coalition', (empty) => {
    // v(∅) = 7 shifts nothing in the Shapley values but must be read (else the amount column changes).
    const { coalitions, values } = labelTable(ABC, (m) => box3Value(m) + 7);
    coalitions[0] = [empty];
    const rows = SHAPLEY(coalitions, values, null, 100);
    expectRows(rows, [
      ['A', 45, 45],
      ['B', 30, 30],
      ['C', 25, 25],
    ]);
  });

  test('names are trimmed and matched ignoring case; the first spelling is displayed', () => {
    const coalitions = [['Agence A'], ['  agence a , Studio B'], ['STUDIO B']];
    const values = [[2], [10], [4]];
    // v(A)=2, v(B)=4, v(AB)=10: φ_A = (2 + 6)/2 = 4, φ_B = (4 + 8)/2 = 6.
    expectRows(SHAPLEY(coalitions, values), [
      ['Agence A', 4],
      ['Studio B', 6],
    ]);
  });

  test('players are listed in order of first appearance without players', () => {
    const { coalitions, values } = labelTable(ABC, box3Value);
    // Put C's coalitions first: order becomes C, A, B.
    const order = [4, 5, 1, 2, 3, 6, 7, 0];
    const rows = SHAPLEY(
      order.map((m) => coalitions[m]),
      order.map((m) => values[m]),
    );
    expectRows(rows, [
      ['C', 25],
      ['A', 45],
      ['B', 30],
    ]);
  });

  test('players fixes the order (as a column or a row) and its spelling is displayed', () => {
    const { coalitions, values } = labelTable(ABC, box3Value);
    const expected = [
      ['c', 25],
      ['b', 30],
      ['a', 45],
    ];
    expectRows(SHAPLEY(coalitions, values, [['c'], ['b'], ['a']]), expected);
    expectRows(SHAPLEY(coalitions, values, [['c', 'b', 'a']]), expected);
  });

  test('players that are numbers match numeric labels', () => {
    const coalitions = [[1], [2], ['1,2']];
    const values = [[1], [1], [4]];
    expectRows(SHAPLEY(coalitions, values, [[2, 1]]), [
      ['2', 2],
      ['1', 2],
    ]);
  });

  test('v(∅) defaults to 0 when left out; blank rows below the data are skipped', () => {
    const { coalitions, values } = labelTable(ABC, box3Value);
    const rows = SHAPLEY([...coalitions.slice(1), [''], [null]], [...values.slice(1), [''], [null]]);
    expectRows(rows, [
      ['A', 45],
      ['B', 30],
      ['C', 25],
    ]);
  });

  test('a coalition repeated with the same value is accepted', () => {
    const { coalitions, values } = labelTable(ABC, box3Value);
    expectRows(SHAPLEY([...coalitions, ['B+A']], [...values, [80]]), [
      ['A', 45],
      ['B', 30],
      ['C', 25],
    ]);
  });

  test('numbers given as text are read', () => {
    const { coalitions, values } = labelTable(ABC, box3Value);
    const text = values.map(([x]) => [` ${x} `]);
    expectRows(SHAPLEY(coalitions, text), [
      ['A', 45],
      ['B', 30],
      ['C', 25],
    ]);
  });
});

describe('membership matrices', () => {
  function membership(n: number, cell: (member: boolean) => number | boolean | string): (number | boolean | string)[][] {
    return Array.from({ length: 2 ** n }, (_, mask) => Array.from({ length: n }, (__, i) => cell((mask & (1 << i)) !== 0)));
  }
  const values = Array.from({ length: 8 }, (_, mask) => [box3Value(mask)]);

  test.each([
    ['1/0', (m: boolean) => (m ? 1 : 0)],
    ['TRUE/FALSE', (m: boolean) => m],
    ['1/empty', (m: boolean) => (m ? 1 : '')],
    ['text "TRUE"/"0"', (m: boolean) => (m ? 'TRUE' : '0')],
  ])('%s cells with names in players', (_, cell) => {
    expectRows(SHAPLEY(membership(3, cell), values, [['Landscapes', 'Portraits', 'Abstract']]), [
      ['Landscapes', 45],
      ['Portraits', 30],
      ['Abstract', 25],
    ]);
  });

  test('a single column of 0/1 with one player name is a membership matrix', () => {
    expectRows(SHAPLEY([[0], [1]], [[0], [5]], [['Solo']]), [['Solo', 5]]);
  });

  test('BANZHAF accepts the same matrix', () => {
    const expected = banzhafByCoalitions(3, box3Value);
    expectRows(
      BANZHAF(membership(3, (m) => (m ? 1 : 0)), values, [['A'], ['B'], ['C']]),
      ABC.map((name, i) => [name, expected[i]]),
    );
  });
});

describe('agreement with brute force on random games', () => {
  test('SHAPLEY and BANZHAF match the definitions for 1 to 5 players, rows in any order', () => {
    const names = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            table: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2 ** n, maxLength: 2 ** n }),
            order: fc.shuffledSubarray(
              Array.from({ length: 2 ** n }, (_, i) => i),
              { minLength: 2 ** n, maxLength: 2 ** n },
            ),
          }),
        ),
        ({ n, table, order }) => {
          const v = (mask: number): number => table[mask];
          const coalitions = order.map((m) => [label(m, names.slice(0, n), '+')]);
          const values = order.map((m) => [v(m)]);
          const players = [names.slice(0, n)];
          const shapley = shapleyByPermutations(n, v);
          const banzhaf = banzhafByCoalitions(n, v);
          expectRows(
            SHAPLEY(coalitions, values, players),
            names.slice(0, n).map((name, i) => [name, shapley[i]]),
          );
          expectRows(
            BANZHAF(coalitions, values, players),
            names.slice(0, n).map((name, i) => [name, banzhaf[i]]),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('the brute-force reference enumerates every order exactly once', () => {
    const seen = new Set([...permutations(4)].map((p) => p.join('')));
    expect(seen.size).toBe(24);
  });
});

describe('SHAPLEY and BANZHAF errors', () => {
  const { coalitions, values } = labelTable(ABC, box3Value);

  test('a missing coalition is #N/A naming it', () => {
    const rows = [1, 2, 3, 4, 5, 7];
    expectFunctionError(
      () => SHAPLEY(rows.map((m) => coalitions[m]), rows.map((m) => values[m])),
      '#N/A',
      'coalitions',
      'missing {B, C}',
      '2^3 = 8',
    );
  });

  test('many missing coalitions are listed up to five, then counted', () => {
    const message = expectFunctionError(() => SHAPLEY([['A'], ['B'], ['C'], ['D']], [[1], [1], [1], [1]]), '#N/A', 'coalitions', 'and 6 more');
    expect(message).toContain('missing {A, B}, {A, C}, {B, C}, {A, B, C}, {A, D}');
  });

  test('a coalition given twice with different values names both rows', () => {
    expectFunctionError(
      () => SHAPLEY([...coalitions, ['b,a']], [...values, [81]]),
      '#VALUE!',
      'coalitions, rows 4 and 9',
      '{A, B}',
      '80 and 81',
    );
  });

  test('a name repeated within a label', () => {
    expectFunctionError(() => SHAPLEY([['A'], ['A,a']], [[1], [2]]), '#VALUE!', 'coalitions, row 2', '"A" appears twice');
  });

  test('an empty name between separators', () => {
    expectFunctionError(() => SHAPLEY([['A'], ['A,,B']], [[1], [2]]), '#VALUE!', 'coalitions, row 2', 'empty player name', '"A,,B"');
    expectFunctionError(() => SHAPLEY([['A+']], [[1]]), '#VALUE!', 'coalitions, row 1', 'empty player name');
  });

  test('unbalanced braces', () => {
    expectFunctionError(() => SHAPLEY([['{A'], ['B']], [[1], [2]]), '#VALUE!', 'coalitions, row 1', 'unbalanced braces');
  });

  test('a boolean in a label column', () => {
    expectFunctionError(() => SHAPLEY([['A'], [true]], [[1], [2]]), '#VALUE!', 'coalitions, row 2', 'TRUE', 'membership matrix');
  });

  test('a label naming someone not in players', () => {
    expectFunctionError(() => SHAPLEY(coalitions, values, [['A', 'B']]), '#VALUE!', 'coalitions, row 5', '"C" is not one of players');
  });

  test('a player name that labels could not spell', () => {
    expectFunctionError(() => SHAPLEY(coalitions, values, [['A'], ['B+C']]), '#VALUE!', 'players, row 2', '"B+C" contains');
  });

  test('players repeated (ignoring case)', () => {
    expectFunctionError(() => SHAPLEY(coalitions, values, [['A'], ['B'], ['a']]), '#VALUE!', 'players, row 3', 'repeats "A" (players, row 1)');
    expectFunctionError(() => SHAPLEY(coalitions, values, [['A', 'B', 'b']]), '#VALUE!', 'players, column 3', 'repeats "B"');
  });

  test('a value that is not a number, with a header hint on the first row', () => {
    expectFunctionError(() => SHAPLEY(coalitions, [...values.slice(0, 5), ['n/a'], ...values.slice(6)]), '#VALUE!', 'values, row 6', 'the text "n/a"');
    expectFunctionError(() => SHAPLEY(coalitions, [['Value'], ...values.slice(1)]), '#VALUE!', 'values, row 1', 'leave headers out');
    expectFunctionError(() => SHAPLEY(coalitions, [...values.slice(0, 3), [''], ...values.slice(4)]), '#VALUE!', 'values, row 4', 'empty cell');
    expectFunctionError(() => SHAPLEY(coalitions, [...values.slice(0, 3), [true], ...values.slice(4)]), '#VALUE!', 'values, row 4', 'TRUE');
  });

  test('values of another height or width', () => {
    expectFunctionError(() => SHAPLEY(coalitions, values.slice(1)), '#VALUE!', 'values', 'has 7 rows but coalitions has 8');
    expectFunctionError(() => SHAPLEY(coalitions, values.map(([x]) => [x, x])), '#VALUE!', 'values', 'one column');
  });

  test('no players at all', () => {
    expectFunctionError(() => SHAPLEY([[''], ['{}']], [[0], [0]]), '#VALUE!', 'coalitions', 'no players');
  });

  test(`more than ${MAX_SHEET_PLAYERS} players is refused at the first extra name`, () => {
    const names = Array.from({ length: MAX_SHEET_PLAYERS + 1 }, (_, i) => `P${i}`);
    expectFunctionError(
      () => SHAPLEY([[names.join(',')]], [[1]]),
      '#VALUE!',
      'coalitions, row 1',
      `would be player ${MAX_SHEET_PLAYERS + 1}`,
      `at most ${MAX_SHEET_PLAYERS} players`,
    );
    expectFunctionError(() => SHAPLEY([['A']], [[1]], [names]), '#VALUE!', 'players, column 21', `at most ${MAX_SHEET_PLAYERS} players`);
  });

  test('amount with no surplus to split', () => {
    expectFunctionError(() => SHAPLEY([['A'], ['B'], ['A,B']], [[1], [-1], [0]], null, 100), '#VALUE!', 'amount', 'v(N) equals v(∅)');
  });

  test('amount that is not a number', () => {
    expectFunctionError(() => SHAPLEY(coalitions, values, null, 'lots'), '#VALUE!', 'amount', 'the text "lots"');
  });

  test('membership matrix without players, or with the wrong number of names', () => {
    const matrix = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const v = [[0], [1], [1], [3]];
    expectFunctionError(() => SHAPLEY(matrix, v), '#VALUE!', 'players', 'membership matrix', '2 columns');
    expectFunctionError(() => SHAPLEY(matrix, v, [['A', 'B', 'C']]), '#VALUE!', 'players', 'has 3 names', '2 columns');
    expectFunctionError(() => SHAPLEY(matrix, v, [['A', '']]), '#VALUE!', 'players, column 2', 'empty player name');
  });

  test('a membership cell that is not 0/1 names its row and column', () => {
    const matrix = [
      [0, 0],
      [1, 0],
      [0, 'x'],
      [1, 1],
    ];
    expectFunctionError(() => SHAPLEY(matrix, [[0], [1], [1], [3]], [['A', 'B']]), '#VALUE!', 'coalitions, row 3, column 2', '"x"');
    expectFunctionError(() => SHAPLEY([[2, 0]], [[1]], [['A', 'B']]), '#VALUE!', 'coalitions, row 1, column 1', 'got 2');
  });

  test('a flat list is not a range', () => {
    expectFunctionError(() => SHAPLEY(['A', 'B'], [[1], [2]]), '#VALUE!', 'coalitions', 'rows of cells');
  });

  test('BANZHAF reports the same input errors', () => {
    expectFunctionError(() => BANZHAF([['A'], ['B']], [[1], [2]]), '#N/A', 'coalitions', 'missing {A, B}');
  });
});
