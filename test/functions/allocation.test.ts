import { type CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/main';
import { COREGAP, LEAVEONEOUT, OWEN } from '../../src/functions/allocationFunctions';
import { callFunction, FUNCTIONS, signatureOf } from '../../src/functions/registry';
import { bruteForceOwenExact } from '../helpers/bruteForce';
import { box3Value, label, labelTable, shapleyByPermutations } from './bruteForce';
import { expectFunctionError } from './expectError';

const ABC = ['A', 'B', 'C'];
const box3 = labelTable(ABC, box3Value);

/**
 * A 3-stage pipeline (seed 003): two pre-training datasets D1, D2, a base model M, fine-tuning
 * data F. Nothing works without M and some data: one dataset gives 60, both 80, F adds 20.
 */
const PIPELINE = ['D1', 'D2', 'M', 'F'];
function pipelineValue(mask: number): number {
  const [d1, d2, m, f] = [0, 1, 2, 3].map((i) => (mask & (1 << i)) !== 0);
  if (!m || !(d1 || d2)) return 0;
  return (d1 && d2 ? 80 : 60) + (f ? 20 : 0);
}
const pipeline = labelTable(PIPELINE, pipelineValue);
const stages = [['player', 'stage'], ['D1', 'data'], ['D2', 'data'], ['M', 'model'], ['F', 'tuning']];

function cli(args: string[]): { status: number; stdout: string } {
  let stdout = '';
  const io: CliIo = {
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: () => undefined,
    readStdin: () => {
      throw new Error('no stdin');
    },
    stdinIsTerminal: () => true,
  };
  return { status: runCli(args, io), stdout };
}

describe('OWEN', () => {
  test('allocates a 3-stage pipeline: each stage gets its Shapley value in the game among stages', () => {
    // Brute force over the orders that keep each stage together: D1 = D2 = 70/3, M = 140/3, F = 20/3
    // (by hand: among stages, tuning adds 20 only when last, 20/3; data and model split the rest).
    const exact = bruteForceOwenExact(4, [0, 0, 1, 2], pipelineValue).map((r) => r.toNumber());
    expect(exact).toEqual([70 / 3, 70 / 3, 140 / 3, 20 / 3]);
    expect(OWEN(pipeline.coalitions, pipeline.values, stages)).toEqual([
      ['D1', 'data', 70 / 3],
      ['D2', 'data', 70 / 3],
      ['M', 'model', 140 / 3],
      ['F', 'tuning', 20 / 3],
    ]);
    // The Shapley value, which ignores the stages, differs: 55/3, 55/3, 55, 25/3.
    expect(shapleyByPermutations(4, pipelineValue).map((x) => Math.round(x * 3))).toEqual([55, 55, 165, 25]);
  });

  test('returns the rows in the order of unions, names matched ignoring case and spaces', () => {
    const rows = OWEN(pipeline.coalitions, pipeline.values, [[' f ', 'Tuning'], ['m', 'Model'], ['d2', 'Data'], ['D1', 'DATA']]);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([['F', 'Tuning'], ['M', 'Model'], ['D2', 'Data'], ['D1', 'Data']]);
    expect(rows.map((r) => r[2])).toEqual([20 / 3, 140 / 3, 70 / 3, 70 / 3]);
  });

  test('every player alone, or all in one union, is the Shapley value (Box 3: 45, 30, 25)', () => {
    const alone = OWEN(box3.coalitions, box3.values, [['A', 1], ['B', 2], ['C', 3]]);
    expect(alone).toEqual([['A', 1, 45], ['B', 2, 30], ['C', 3, 25]]);
    const together = OWEN(box3.coalitions, box3.values, [['A', 'all'], ['B', 'all'], ['C', 'all'], ['', '']]);
    expect(together.map((r) => r[2])).toEqual([45, 30, 25]);
  });

  test('errors name the unions row', () => {
    const { coalitions, values } = box3;
    expectFunctionError(() => OWEN(coalitions, values, [['A', 'x'], ['Z', 'y'], ['B', 'x'], ['C', 'y']]), '#VALUE!', 'unions, row 2', '"Z" is not a player of the coalition table (A, B, C)');
    expectFunctionError(() => OWEN(coalitions, values, [['A', 'x'], ['B', 'y'], ['a', 'y'], ['C', 'y']]), '#VALUE!', 'unions, row 3', '"A" is already listed in unions row 1');
    expectFunctionError(() => OWEN(coalitions, values, [['A', 'x'], ['B', '']]), '#VALUE!', 'unions, row 2', '"B" has an empty union');
    expectFunctionError(() => OWEN(coalitions, values, [['A', 'x'], ['', 'y']]), '#VALUE!', 'unions, row 2', 'empty player name');
    expectFunctionError(() => OWEN(coalitions, values, [['A', 'x'], ['C', 'y']]), '#N/A', 'unions', '"B" of the coalition table is in no union');
    expectFunctionError(() => OWEN(coalitions, values, [['player', 'union'], ['A', 'x']]), '#N/A', 'unions', '"B", "C" of the coalition table are in no union');
    expectFunctionError(() => OWEN(coalitions, values, [['A'], ['B'], ['C']]), '#VALUE!', 'unions', 'expected two columns [player, union], got 1 column');
    expectFunctionError(() => OWEN([[1, 0], [0, 1], [1, 1]], [[1], [2], [3]], [['A', 'x']]), '#VALUE!', 'coalitions', 'membership matrix');
    expectFunctionError(() => OWEN([['A'], ['B']], [[1], [2]], [['A', 'x'], ['B', 'x']]), '#N/A', 'coalitions', 'missing {A, B}');
  });
});

describe('LEAVEONEOUT', () => {
  test('two duplicate catalogues both get 0; the third gets what it adds', () => {
    // A and B hold the same works (worth 50), C others (worth 30).
    const v = (mask: number) => ((mask & 3) !== 0 ? 50 : 0) + ((mask & 4) !== 0 ? 30 : 0);
    const { coalitions, values } = labelTable(ABC, v);
    expect(LEAVEONEOUT(coalitions, values)).toEqual([['A', 0], ['B', 0], ['C', 30]]);
    expect(LEAVEONEOUT(coalitions, values, [['C'], ['A'], ['B']])).toEqual([['C', 30], ['A', 0], ['B', 0]]);
  });

  test('Box 3 by hand: 100 − 60, 100 − 80, 100 − 80', () => {
    expect(LEAVEONEOUT(box3.coalitions, box3.values)).toEqual([['A', 40], ['B', 20], ['C', 20]]);
  });

  test('table errors come from the shared reader', () => {
    expectFunctionError(() => LEAVEONEOUT([['A'], ['A,B']], [[1], [3]]), '#N/A', 'coalitions', 'missing {B}');
  });
});

describe('COREGAP', () => {
  test('Box 3 at its Shapley split: {B} gains 10 alone (ties with A,C: fewer members first)', () => {
    expect(COREGAP(box3.coalitions, box3.values, [[45], [30], [25]])).toEqual([['B', 10]]);
    // As a row too. By hand at (50, 25, 25): A 0, B 15, C 5, AB 5, AC 5, BC 10.
    expect(COREGAP(box3.coalitions, box3.values, [[50, 25, 25]])).toEqual([['B', 15]]);
  });

  test('writes the coalition as its members in player order joined by ","', () => {
    // players fixes the order: C, B, A. At (34, 33, 33) in that order (C 34, B 33, A 33):
    // excesses A 17, B 7, C −4, AB 14, AC 13, BC −7 → A alone.
    expect(COREGAP(box3.coalitions, box3.values, [[34], [33], [33]], [['C'], ['B'], ['A']])).toEqual([['A', 17]]);
    // A split that gives A, C too little as a pair: (60, 35, 5) → AC 80 − 65 = 15, B 5, C 25 … C wins.
    expect(COREGAP(box3.coalitions, box3.values, [[60], [35], [5]])).toEqual([['C', 25]]);
    const v = (mask: number) => (mask === 0b011 ? 90 : mask === 0b111 ? 90 : 0);
    const t = labelTable(ABC, v);
    expect(COREGAP(t.coalitions, t.values, [[30], [30], [30]])).toEqual([['A,B', 30]]);
    expect(label(0b011, ABC)).toBe('A,B');
  });

  test('an excess ≤ 0 means the split is in the core', () => {
    // Convex game v(S) = |S|²: Shapley gives 3 each; {A} and {A, B} both miss by 2, fewer members first.
    const t = labelTable(ABC, (mask) => label(mask, ABC).split(',').filter(Boolean).length ** 2);
    expect(COREGAP(t.coalitions, t.values, [[3], [3], [3]])).toEqual([['A', -2]]);
  });

  test('errors name the allocation argument and row', () => {
    const { coalitions, values } = box3;
    expectFunctionError(() => COREGAP(coalitions, values, [[45], [30]]), '#VALUE!', 'allocation', 'has 2 amounts but the coalition table has 3 players (A, B, C)');
    expectFunctionError(() => COREGAP(coalitions, values, [[45], [30], [20]]), '#VALUE!', 'allocation', 'sums to 95 but v(N) = 100');
    expectFunctionError(() => COREGAP(coalitions, values, [[45], ['x'], [25]]), '#VALUE!', 'allocation, row 2', 'expected a number');
    expectFunctionError(() => COREGAP(coalitions, values, [['share'], [30], [25]]), '#VALUE!', 'allocation, row 1', 'leave headers out');
    expectFunctionError(() => COREGAP(coalitions, values, [[45, 30]]), '#VALUE!', 'allocation', 'has 2 amounts');
    expectFunctionError(() => COREGAP(coalitions, values, [[45, 30], [1, 2]]), '#VALUE!', 'allocation', 'expected one column (or one row)');
    expectFunctionError(() => COREGAP([['A']], [[5]], [[5]]), '#VALUE!', 'coalitions', 'at least 2 players');
  });
});

describe('the registry and the CLI', () => {
  test('call the same adapters', () => {
    expect(callFunction(FUNCTIONS.OWEN, [pipeline.coalitions, pipeline.values, stages])).toEqual(OWEN(pipeline.coalitions, pipeline.values, stages));
    expect(callFunction(FUNCTIONS.LEAVEONEOUT, [box3.coalitions, box3.values])).toEqual([['A', 40], ['B', 20], ['C', 20]]);
    expect(callFunction(FUNCTIONS.COREGAP, [box3.coalitions, box3.values, [[45], [30], [25]]])).toEqual([['B', 10]]);
    expect(signatureOf(FUNCTIONS.OWEN)).toBe('OWEN(coalitions, values, unions)');
    expect(signatureOf(FUNCTIONS.LEAVEONEOUT)).toBe('LEAVEONEOUT(coalitions, values, [players])');
    expect(signatureOf(FUNCTIONS.COREGAP)).toBe('COREGAP(coalitions, values, allocation, [players])');
    const args = JSON.stringify([box3.coalitions, box3.values, [[45], [30], [25]]]);
    expect(cli(['call', 'COREGAP', args])).toEqual({ status: 0, stdout: '{"value":[["B",10]]}\n' });
    const bad = cli(['call', 'COREGAP', JSON.stringify([box3.coalitions, box3.values, [[1], [2], [3]]])]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ error: '#VALUE!', message: expect.stringContaining('allocation: sums to 6 but v(N) = 100') });
    const list = cli(['call', '--list']).stdout;
    for (const name of ['OWEN', 'LEAVEONEOUT', 'COREGAP']) expect(list).toContain(signatureOf(FUNCTIONS[name]));
  });
});
