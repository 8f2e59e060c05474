/**
 * The batch runner's form: each problem reported against its own field, the method and game it
 * makes when all is well, and the suggestions filled in once cells are read.
 */
import { buildGame, buildMethod, buildThreshold, datasetFormat, initialForm, parseCells, suggestions, summariseCells, type FormErrors } from '../../src/taskpane/batch/batchForm';
import { gridFromText } from '../../src/taskpane/batch/selection';

const form = (change: Partial<ReturnType<typeof initialForm>> = {}) => ({ ...initialForm(7), ...change });

describe('buildMethod', () => {
  test('sampled by permutations or by a target standard error, with the seed', () => {
    expect(buildMethod(form({ permutations: "1'000" }), {})).toEqual({ kind: 'sampled', seed: 7, maxPermutations: 1000, antithetic: false });
    expect(buildMethod(form({ stopBy: 'error', targetStandardError: '0.5%', antithetic: true }), {})).toEqual({ kind: 'sampled', seed: 7, targetStandardError: 0.005, antithetic: true });
    expect(buildMethod(form({ method: 'exact', seed: 'junk' }), {})).toEqual({ kind: 'exact' });
    // Stratified: a fixed budget, never antithetic.
    expect(buildMethod(form({ stratified: true, antithetic: true }), {})).toEqual({ kind: 'sampled', seed: 7, maxPermutations: 2000, antithetic: false, stratified: true });
    const stratifiedByError: FormErrors = {};
    expect(buildMethod(form({ stratified: true, stopBy: 'error' }), stratifiedByError)).toBeUndefined();
    expect(stratifiedByError.targetStandardError).toMatch(/fixed budget/);
  });

  test('each bad field is reported on that field', () => {
    const errors: FormErrors = {};
    expect(buildMethod(form({ seed: '-3', permutations: '2.5' }), errors)).toBeUndefined();
    expect(errors).toEqual({
      seed: 'The seed must be a whole number of at least 0, got "-3".',
      permutations: 'The number of permutations must be a whole number of at least 1, got "2.5".',
    });
    const antithetic: FormErrors = {};
    buildMethod(form({ permutations: '1', antithetic: true }), antithetic);
    expect(antithetic.permutations).toMatch(/at least 2/);
    const target: FormErrors = {};
    buildMethod(form({ stopBy: 'error', targetStandardError: '0' }), target);
    expect(target).toEqual({ targetStandardError: 'A target standard error must be greater than 0.' });
  });
});

describe('buildGame', () => {
  const votingCells = parseCells('voting', { source: 'pasted cells', grid: gridFromText('A\t4\nB\t3\nC\t2\nD\t1') });

  test('needs cells read for the chosen game', () => {
    const errors: FormErrors = {};
    expect(buildGame(form({ kind: 'table' }), undefined, errors)).toBeUndefined();
    expect(errors.cells).toMatch(/^Read the game first/);
    const wrongKind: FormErrors = {};
    expect(buildGame(form({ kind: 'table' }), votingCells, wrongKind)).toBeUndefined();
    expect(wrongKind.cells).toBeDefined();
  });

  test('a voting game with its quota; a quota over the total weight is refused on the quota field', () => {
    expect(buildGame(form({ kind: 'voting', quota: '6' }), votingCells, {})).toEqual({ kind: 'voting', players: ['A', 'B', 'C', 'D'], weights: [4, 3, 2, 1], quota: 6, source: 'pasted cells' });
    const errors: FormErrors = {};
    expect(buildGame(form({ kind: 'voting', quota: '11' }), votingCells, errors)).toBeUndefined();
    expect(errors).toEqual({ quota: 'The quota 11 is more than the total weight 10: no coalition could win.' });
  });

  test('a saturating-scale game needs a positive half size and exponent', () => {
    const cells = parseCells('saturatingScale', { source: 'S!A1:B2', grid: [['X', 100], ['Y', 50]] });
    expect(buildGame(form({ kind: 'saturatingScale', halfSize: '75', alpha: '0.5' }), cells, {})).toMatchObject({ sizes: [100, 50], halfSize: 75, alpha: 0.5 });
    const errors: FormErrors = {};
    buildGame(form({ kind: 'saturatingScale', halfSize: '', alpha: 'x' }), cells, errors);
    expect(errors).toEqual({ halfSize: 'Give a half size D₀.', alpha: '"x" is not a number.' });
  });

  test('suggestions once cells are read: the majority quota, the mean catalogue size', () => {
    expect(suggestions(votingCells)).toEqual({ quota: '6' });
    expect(suggestions(parseCells('saturatingScale', { source: 's', grid: [[1200], [300], [60]] }))).toEqual({ halfSize: '520' });
    expect(summariseCells(votingCells)).toBe('4 players from pasted cells: A, B, C, D');
  });
});

test('similarity threshold and file formats', () => {
  const errors: FormErrors = {};
  expect(buildThreshold(form({ threshold: '0.3' }), errors)).toBe(0.3);
  expect(buildThreshold(form({ threshold: '1.5' }), errors)).toBeUndefined();
  expect(errors.threshold).toBe('The threshold is a cosine similarity from −1 to 1, got "1.5".');
  expect(['a.NPY', 'b.csv', 'c.parquet', 'd.txt'].map(datasetFormat)).toEqual(['npy', 'csv', 'parquet', undefined]);
});
