/*
 * The checks a worker's answer passes before it is merged: it answers the unit asked (id,
 * payload, context, seed) and has the shape and finite values of its kind.
 */
import { echoProblem, outputProblem, seedOfContext, digestOfText, type UnitEcho } from '../../src/cluster/unitChecks';

const asked: UnitEcho = { unit: 'job.run.7', payloadDigest: digestOfText('payload'), contextDigest: 'c'.repeat(64), seed: 42 };

describe('the echo of the unit', () => {
  test('the answer to the unit asked passes', () => {
    expect(echoProblem(asked, { ...asked })).toBeUndefined();
  });
  test.each([
    [{ ...asked, unit: 'job.run.8' }, 'it answers unit job.run.8, not job.run.7'],
    [{ ...asked, payloadDigest: digestOfText('other') }, 'it was computed on another payload'],
    [{ ...asked, contextDigest: 'd'.repeat(64) }, 'it was computed on another context'],
    [{ ...asked, seed: 43 }, 'it was computed with seed 43, not 42'],
    [undefined, 'it does not say which unit it answers'],
  ])('%j is refused: %s', (echo, reason) => {
    expect(echoProblem(asked, echo)).toBe(reason);
  });
  test('the seed is read from a sampling plan, null without one', () => {
    expect(seedOfContext({ kind: 'shapley.sample', plan: { seed: 9 } })).toBe(9);
    expect(seedOfContext({ kind: 'shapley.exact', n: 3 })).toBeNull();
  });
});

describe('the output of a unit', () => {
  const block = (mean: number[], m2: number[], blockIndex = 3, samples = 256) => ({ blockIndex, samples, mean: Float64Array.from(mean), m2: Float64Array.from(m2) });
  test('a sampling block of the unit, finite, passes', () => {
    expect(outputProblem('shapley.sample', { blockIndex: 3, samples: 256 }, block([1, 2], [0, 0.5]))).toBeUndefined();
  });
  test.each([
    [block([1, 2], [0, 1], 4), 'it is block 4, not 3'],
    [block([1, 2], [0, 1], 3, 255), 'it holds 255 samples, not 256'],
    [block([1, 2], [0]), 'its means (2) and squares (1) differ in length'],
    [block([1, 2], [0, -1]), 'its sum of squares [1] is negative'],
    [block([1, Number.NaN], [0, 1]), 'output.mean[1] is NaN'],
    [{ blockIndex: 3, samples: 256, mean: [1, 2], m2: [0, 0] }, 'its means are not float64 arrays'],
  ])('a sampling block %#: %s', (output, reason) => {
    expect(outputProblem('shapley.sample', { blockIndex: 3, samples: 256 }, output)).toBe(reason);
  });
  test('an exact range holds one finite value per player of the range', () => {
    expect(outputProblem('shapley.exact', { from: 2, to: 5 }, Float64Array.of(1, 2, 3))).toBeUndefined();
    expect(outputProblem('shapley.exact', { from: 2, to: 5 }, Float64Array.of(1, 2))).toBe('it holds 2 values for players 2–4');
    expect(outputProblem('shapley.exact', { from: 2, to: 5 }, Float64Array.of(1, Infinity, 3))).toBe('output[1] is Infinity');
  });
  test('other kinds: any non-finite number, however nested, is refused', () => {
    expect(outputProblem('attribution.similarity', { from: 0, to: 2 }, { market: Float64Array.of(0.5, 0.25), head: { sums: Float64Array.of(1) }, count: 2 })).toBeUndefined();
    expect(outputProblem('attribution.similarity', { from: 0, to: 2 }, { market: Float64Array.of(0.5), head: { sums: Float64Array.of(1, Number.NaN) } })).toBe('output.head.sums[1] is NaN');
    expect(outputProblem('pool.split', { pass: 1, start: 0 }, { rows: [{ plays: -Infinity }] })).toBe('output.rows[0].plays is -Infinity');
    expect(outputProblem('pool.split', { pass: 1, start: 0 }, undefined)).toBe('it is empty');
  });
});
