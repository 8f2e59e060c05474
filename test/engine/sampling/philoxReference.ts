/**
 * Philox4x32-10 written from the paper (Salmon et al. 2011) with BigInt 64-bit products: a
 * second opinion on the engine's 16-bit-split arithmetic, shared by the RNG and permutation tests.
 */
export function philoxReferenceBig(counter: readonly bigint[], key: readonly bigint[]): bigint[] {
  const mask = 0xffffffffn;
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + 0x9e3779b9n) & mask;
      k1 = (k1 + 0xbb67ae85n) & mask;
    }
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & mask, (p0 >> 32n) ^ c3 ^ k1, p0 & mask];
  }
  return [c0, c1, c2, c3];
}

export function philoxReference(counter: readonly number[], key: readonly number[]): number[] {
  return philoxReferenceBig(counter.map(BigInt), key.map(BigInt)).map(Number);
}
