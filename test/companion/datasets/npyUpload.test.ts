import fc from 'fast-check';
import { DatasetFormatError } from '../../../src/companion/datasets/errors';
import { StoredDatasetReader } from '../../../src/companion/datasets/reader';
import { float32Bytes, float64Bytes, npyFile, openTempStore, refusedUpload, shapeText, type TempStore, upload } from './fixtures';

let t: TempStore;
let reader: StoredDatasetReader;
beforeEach(() => {
  t = openTempStore();
  reader = new StoredDatasetReader(t.store);
});
afterEach(() => t.close());

function refusal(bytes: Uint8Array): Promise<DatasetFormatError> {
  return refusedUpload(t, bytes, { name: 'x.npy' });
}

describe('.npy uploads round trip through the reader', () => {
  it('float64 2-D: same values, shape and dtype', async () => {
    const values = [1.5, -2, 3.25, 0, 1e-300, 6.02e23];
    const record = await upload(t, npyFile({ shape: '(2, 3)' }, float64Bytes(values)), { name: 'm.npy' });
    expect(record).toMatchObject({ format: 'npy', dtype: 'float64', shape: [2, 3], name: 'm.npy' });
    expect(t.store.getDataset(record.id)).toEqual(record);
    const matrix = reader.readMatrix(record.id);
    expect(matrix.rows).toBe(2);
    expect(matrix.cols).toBe(3);
    expect(matrix.data).toBeInstanceOf(Float64Array);
    expect(Array.from(matrix.data)).toEqual(values);
    // Ready for a worker context without a copy.
    expect(matrix.data.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('float32 2-D: the float32 values exactly', async () => {
    const values = [0.1, 0.2, -0.3, 4, 5, 6.5, 7, 8];
    const record = await upload(t, npyFile({ descr: '<f4', shape: '(4, 2)' }, float32Bytes(values)), { name: 'e.npy' });
    expect(record).toMatchObject({ dtype: 'float32', shape: [4, 2] });
    const matrix = reader.readMatrix(record.id);
    expect(matrix.data).toBeInstanceOf(Float32Array);
    expect(Array.from(matrix.data)).toEqual(values.map(Math.fround));
  });

  it('1-D float64 and float32: a vector, and a matrix of one column', async () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const f64 = await upload(t, npyFile({ shape: '(8,)' }, float64Bytes(values)), { name: 'v.npy' });
    const f32 = await upload(t, npyFile({ descr: '<f4', shape: '(8,)' }, float32Bytes(values)), { name: 'w.npy' });
    for (const record of [f64, f32]) {
      expect(record.shape).toEqual([8]);
      expect(Array.from(reader.readVector(record.id))).toEqual(values);
      expect(reader.readVector(record.id)).toBeInstanceOf(Float64Array);
      const matrix = reader.readMatrix(record.id);
      expect([matrix.rows, matrix.cols]).toEqual([8, 1]);
    }
  });

  it('reads a header whose length leaves the data unaligned, and a version 2.0 header', async () => {
    const values = [1.25, 2.5, -3.75];
    // 75 bytes: the data starts at an odd offset, where no Float64Array view could begin.
    const odd = await upload(t, npyFile({ shape: '(3,)', headerBytes: 75 }, float64Bytes(values)), { name: 'odd.npy' });
    expect(Array.from(reader.readVector(odd.id))).toEqual(values);
    const v2 = await upload(t, npyFile({ shape: '(3,)', version: 2 }, float64Bytes(values)), { name: 'v2.npy' });
    expect(Array.from(reader.readVector(v2.id))).toEqual(values);
  });

  it('any shape and finite values come back unchanged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 30, maxLength: 30 }),
        async (rows, cols, float32, pool) => {
          const values = pool.slice(0, rows * cols).map((v) => (float32 ? Math.fround(Math.max(-3e38, Math.min(3e38, v))) : v));
          const bytes = float32 ? float32Bytes(values) : float64Bytes(values);
          const record = await upload(t, npyFile({ descr: float32 ? '<f4' : '<f8', shape: shapeText([rows, cols]) }, bytes), { name: 'p.npy' });
          const matrix = reader.readMatrix(record.id);
          expect([matrix.rows, matrix.cols]).toEqual([rows, cols]);
          // Object.is keeps −0 apart from 0.
          Array.from(matrix.data).forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('.npy uploads refused, with what is wrong, leaving nothing behind', () => {
  it.each([
    ['big-endian float64', '>f8', /'>f8' \(big-endian float64\).*little-endian float32 or float64/],
    ['int64', '<i8', /'<i8' \(int64\) is not supported/],
    ['int32', '<i4', /'<i4' \(int32\)/],
    ['float16', '<f2', /'<f2' \(float16\)/],
  ])('%s', async (_name, descr, message) => {
    const error = await refusal(npyFile({ descr, shape: '(2,)' }, new Uint8Array(16)));
    expect(error.message).toMatch(message);
    expect(error.field).toBe('body');
  });

  it('Fortran order, saying how to fix it', async () => {
    const error = await refusal(npyFile({ shape: '(2, 2)', fortran: true }, float64Bytes([1, 2, 3, 4])));
    expect(error.message).toMatch(/fortran_order.*ascontiguousarray/);
  });

  it('3-D arrays', async () => {
    const error = await refusal(npyFile({ shape: '(2, 2, 2)' }, float64Bytes([1, 2, 3, 4, 5, 6, 7, 8])));
    expect(error.message).toMatch(/shape \(2, 2, 2\) has 3 dimensions/);
  });

  it('a truncated upload and trailing data, with the sizes', async () => {
    const truncated = await refusal(npyFile({ shape: '(2, 3)' }, float64Bytes([1, 2, 3, 4, 5])));
    expect(truncated.message).toMatch(/has 168 bytes but its header announces shape \(2, 3\) of float64, i.e. 176 bytes: truncated/);
    const trailing = await refusal(npyFile({ shape: '(2,)' }, float64Bytes([1, 2, 3])));
    expect(trailing.message).toMatch(/trailing data/);
  });

  it('a file cut inside its header, and one that is not .npy', async () => {
    expect((await refusal(npyFile({ shape: '(2,)' }, float64Bytes([1, 2])).subarray(0, 40))).message).toMatch(/truncated .npy header/);
    expect((await refusal(new TextEncoder().encode('a,b\n1,2\n'))).message).toMatch(/magic string/);
  });

  it('NaN and infinities, with row and column (2-D) or item (1-D)', async () => {
    const nan = await refusal(npyFile({ shape: '(3, 4)' }, float64Bytes([0, 1, 2, 3, 4, 5, NaN, 7, 8, 9, 10, 11])));
    expect(nan.message).toBe('row 2, column 3 is NaN: every value must be a finite number');
    const inf = await refusal(npyFile({ descr: '<f4', shape: '(5,)' }, float32Bytes([1, 2, 3, 4, -Infinity])));
    expect(inf.message).toBe('item 5 is -Infinity: every value must be a finite number');
  });
});
