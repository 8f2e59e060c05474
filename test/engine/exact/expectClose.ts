import { Rational } from '../../helpers/rational';

/**
 * Asserts |actual_i − expected_i| ≤ tol · max(1, max_j |expected_j|) for every i, with a message
 * that names the offending entry (jest's toBeCloseTo has only an absolute, decimal tolerance).
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number> | readonly Rational[],
  tol = 1e-12,
): void {
  const want = Array.from(expected as ArrayLike<number | Rational>, (x) => (x instanceof Rational ? x.toNumber() : x));
  expect(actual.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(actual[i] - want[i]) <= tol * scale)) bad.push(`[${i}] got ${actual[i]}, want ${want[i]}`);
  }
  expect(bad).toEqual([]);
}
