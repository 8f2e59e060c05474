/*
 * The values between the coordinator and the workers (src/cluster/codec.ts): whatever goes in
 * comes out the same, every float's bits included, whether an array travels whole or as its
 * non-zero entries; shared memory is shared again on arrival; a mostly-zero answer travels small.
 */
import fc from 'fast-check';
import { decodeValue, encodeValue } from '../../src/cluster/codec';

/** Bits of every float, so that -0, NaN payloads and the like must come back exactly. */
function bitsOf(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    return { tag, bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex'), shared: Object.prototype.toString.call(value.buffer) === '[object SharedArrayBuffer]' };
  }
  if (Array.isArray(value)) return value.map(bitsOf);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bitsOf(v)]));
  return value;
}

/** Mostly zeros (sometimes -0), some NaN and infinities: what answers hold, and the edge cases. */
const floats = fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(-0) }, { weight: 2, arbitrary: fc.double() }), { maxLength: 400 });

describe('the cluster codec', () => {
  test('Float64Array and Float32Array, dense or sparse: the same bits back', () => {
    fc.assert(
      fc.property(floats, fc.boolean(), (values, single) => {
        const array = single ? Float32Array.from(values) : Float64Array.from(values);
        const value = { market: array, nested: [{ users: array.slice(0, 70) }], n: values.length };
        expect(bitsOf(decodeValue(encodeValue(value)))).toEqual(bitsOf(value));
      }),
      { numRuns: 300 },
    );
  });

  test('an array of shared memory comes back shared, with the same bits', () => {
    const shared = new Float64Array(new SharedArrayBuffer(8 * 100));
    shared[3] = 1.5;
    shared[70] = -0;
    const back = decodeValue(encodeValue({ rows: shared })) as { rows: Float64Array };
    expect(bitsOf(back)).toEqual(bitsOf({ rows: shared }));
    expect(Object.prototype.toString.call(back.rows.buffer)).toBe('[object SharedArrayBuffer]');
  });

  test('a mostly-zero vector of 10^5 holders travels as its few entries', () => {
    const market = new Float64Array(100_000);
    market[17] = 0.25;
    market[99_999] = 0.75;
    const dense = encodeValue({ market: Float64Array.from({ length: 100_000 }, (_, i) => i + 1) }).length;
    const sparse = encodeValue({ market }).length;
    expect(dense).toBeGreaterThan(8 * 100_000);
    expect(sparse).toBeLessThan(400);
    expect(Array.from((decodeValue(encodeValue({ market })) as { market: Float64Array }).market.filter((x) => x !== 0))).toEqual([0.25, 0.75]);
  });
});
