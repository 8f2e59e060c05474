import { checkDecimals, largestRemainder, roundHalfUp, unitsToNumber } from '../../../src/engine/exact/largestRemainder';
import { decimalOf } from '../../../src/engine/exact/decimal';
import { expectEngineError } from '../remuneration/expectEngineError';

describe('largestRemainder (shared by PAYTOTRAIN and RIGHTSMAP)', () => {
  it('gives the floors, then one unit each to the largest remainders, ties to the earlier claim', () => {
    // 100 units 1:1:1 → 33.33… each: floors 33, one unit left, equal remainders → the first.
    expect(largestRemainder(100n, [1n, 1n, 1n])).toEqual({ units: [34n, 33n, 33n], roundedUp: [true, false, false] });
    // 10 units 1:2:3:4: quotas 1, 2, 3, 4 exactly, nothing left over.
    expect(largestRemainder(10n, [1n, 2n, 3n, 4n]).units).toEqual([1n, 2n, 3n, 4n]);
    // 8 units 1:1:5 → quotas 8/7, 8/7, 40/7: floors 1, 1, 5, remainders 1/7, 1/7, 5/7 → the third.
    expect(largestRemainder(8n, [1n, 1n, 5n]).units).toEqual([1n, 1n, 6n]);
  });

  it('gives a zero claim nothing, and splits nothing when the total is 0', () => {
    expect(largestRemainder(5n, [0n, 1n, 1n]).units).toEqual([0n, 3n, 2n]);
    expect(largestRemainder(0n, [0n, 0n])).toEqual({ units: [0n, 0n], roundedUp: [false, false] });
    expect(() => largestRemainder(1n, [0n, 0n])).toThrow(RangeError);
  });

  it('rounds halves up and converts units back to the nearest float64', () => {
    expect(roundHalfUp(decimalOf(0.005), 2)).toBe(1n);
    expect(roundHalfUp(decimalOf(0.0049), 2)).toBe(0n);
    expect(roundHalfUp(decimalOf(12), 2)).toBe(1200n);
    expect(unitsToNumber(1234n, 2)).toBe(12.34);
  });

  it('checks decimals: default 2, integers 0 to 10', () => {
    expect(checkDecimals(undefined)).toBe(2);
    expect(checkDecimals(0)).toBe(0);
    expectEngineError(() => checkDecimals(2.5), 'decimals', undefined, /integer from 0 to 10, got 2.5/);
    expectEngineError(() => checkDecimals(-1), 'decimals', undefined, /integer from 0 to 10/);
  });
});
