// The shared reference helpers are what every other expectation rests on: check them against
// facts that need no Shapley machinery at all.
import { bruteForceShapleyExact, bruteForceBanzhafExact, forEachPermutation } from '../../helpers/bruteForce';
import { Rational, binomial, factorial, rat, ratFromNumber } from '../../helpers/rational';

describe('forEachPermutation', () => {
  it.each([0, 1, 2, 3, 5, 6])('visits all %i! orders exactly once', (n) => {
    const seen = new Set<string>();
    forEachPermutation(n, (order) => {
      expect([...order].sort()).toEqual(Array.from({ length: n }, (_, i) => i));
      seen.add(order.join(','));
    });
    expect(BigInt(seen.size)).toBe(factorial(n));
  });
});

describe('Rational', () => {
  it('normalises and compares structurally', () => {
    expect(rat(6, -4).equals(rat(-3, 2))).toBe(true);
    expect(rat(1, 3).add(rat(1, 6)).equals(rat(1, 2))).toBe(true);
    expect(rat(2, 3).mul(rat(3, 4)).div(rat(1, 2)).toString()).toBe('1');
    expect(rat(1, 3).compare(rat(1, 4))).toBe(1);
  });
  it('converts doubles exactly and back', () => {
    expect(ratFromNumber(0.1).equals(new Rational(3602879701896397n, 36028797018963968n))).toBe(true);
    for (const x of [0.1, -2.5, 1e-300, 123456789.123, 2 ** 60 + 2 ** 10]) expect(ratFromNumber(x).toNumber()).toBe(x);
    expect(rat(factorial(60), factorial(59)).toNumber()).toBe(60);
    expect(rat(1, 3).toNumber()).toBe(1 / 3);
  });
  it('knows small binomials', () => {
    expect(binomial(5, 2)).toBe(10n);
    expect(binomial(50, 25)).toBe(126410606437752n);
    expect(binomial(3, 4)).toBe(0n);
  });
});

describe('brute-force references', () => {
  it('give a dictator everything and others nothing', () => {
    // v(S) = 1 iff player 1 ∈ S: Shapley and Banzhaf are both (0, 1, 0).
    const v = (mask: number) => ((mask & 2) !== 0 ? 1 : 0);
    expect(bruteForceShapleyExact(3, v).map(String)).toEqual(['0', '1', '0']);
    expect(bruteForceBanzhafExact(3, v).map(String)).toEqual(['0', '1', '0']);
  });
  it('split a unanimity game equally', () => {
    const v = (mask: number) => (mask === 15 ? 1 : 0);
    expect(bruteForceShapleyExact(4, v).map(String)).toEqual(['1/4', '1/4', '1/4', '1/4']);
    expect(bruteForceBanzhafExact(4, v).map(String)).toEqual(['1/8', '1/8', '1/8', '1/8']);
  });
});
