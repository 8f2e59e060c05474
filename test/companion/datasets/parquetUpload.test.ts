/**
 * Parquet uploads. hyparquet and hyparquet-writer are ES modules: jest loads them through the
 * transform that jest.config.js applies to them (transformIgnorePatterns).
 */
import fc from 'fast-check';
import { StoredDatasetReader } from '../../../src/companion/datasets/reader';
import { openTempStore, refusedUpload, type TempStore, upload } from './fixtures';

type Writer = typeof import('hyparquet-writer');
type WriteOptions = Parameters<Writer['parquetWriteBuffer']>[0];

let writer: Writer;
let t: TempStore;
let reader: StoredDatasetReader;
beforeAll(async () => {
  writer = await import('hyparquet-writer');
});
beforeEach(() => {
  t = openTempStore();
  reader = new StoredDatasetReader(t.store);
});
afterEach(() => t.close());

function parquet(options: WriteOptions): Uint8Array {
  return new Uint8Array(writer.parquetWriteBuffer(options));
}

/** Three-level LIST of FLOAT (what pyarrow writes for a list<float32> column), with a text id column. */
function embeddingFile(rows: (number[] | null)[], rowGroupSize = 1000): Uint8Array {
  return parquet({
    columnData: [
      { name: 'id', data: rows.map((_, i) => `doc-${i}`) },
      { name: 'embedding', data: rows },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'embedding', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
    ],
    rowGroupSize,
  });
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const error = await refusedUpload(t, bytes, { name: 'x.parquet' });
  expect(error.field).toBe('body');
  return error.message;
}

describe('Parquet uploads round trip through the reader', () => {
  it('numeric columns of mixed types → a float64 matrix, rows in order across row groups', async () => {
    const n = 10;
    const a = Array.from({ length: n }, (_, i) => i * 1.5 - 3);
    const b = Array.from({ length: n }, (_, i) => i * 7);
    const c = Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_000_007n);
    const bytes = parquet({
      columnData: [
        { name: 'a', data: a, type: 'DOUBLE' },
        { name: 'b', data: b, type: 'INT32' },
        { name: 'c', data: c, type: 'INT64' },
      ],
      rowGroupSize: 3,
    });
    const record = await upload(t, bytes, { name: 'm.parquet' });
    expect(record).toMatchObject({ format: 'parquet', dtype: 'float64', shape: [n, 3] });
    const matrix = reader.readMatrix(record.id);
    const expected = a.flatMap((_, i) => [a[i], b[i], Number(c[i])]);
    expect(Array.from(matrix.data)).toEqual(expected);
  });

  it('FLOAT columns only → float32, values exact', async () => {
    const x = [0.1, 0.2, 0.3];
    const y = [1e-3, -5, 1 / 3];
    const record = await upload(t, parquet({ columnData: [{ name: 'x', data: new Float32Array(x), type: 'FLOAT' }, { name: 'y', data: new Float32Array(y), type: 'FLOAT' }] }), { name: 'f.parquet' });
    expect(record).toMatchObject({ dtype: 'float32', shape: [3, 2] });
    const matrix = reader.readMatrix(record.id);
    expect(matrix.data).toBeInstanceOf(Float32Array);
    expect(Array.from(matrix.data)).toEqual([x[0], y[0], x[1], y[1], x[2], y[2]].map(Math.fround));
  });

  it('one numeric column → a vector', async () => {
    const record = await upload(t, parquet({ columnData: [{ name: 'v', data: [3, 1, 4, 1, 5], type: 'DOUBLE' }] }), { name: 'v.parquet' });
    expect(record.shape).toEqual([5]);
    expect(Array.from(reader.readVector(record.id))).toEqual([3, 1, 4, 1, 5]);
  });

  it('one text column → labels', async () => {
    const holders = ['Gallimard', 'Éditions "Minuit"', 'Actes, Sud', 'two\nlines', 'Gallimard'];
    const record = await upload(t, parquet({ columnData: [{ name: 'holder', data: holders, type: 'STRING' }], rowGroupSize: 2 }), { name: 'h.parquet' });
    expect(record).toMatchObject({ dtype: 'string', shape: [5] });
    expect(reader.readLabels(record.id)).toEqual(holders);
  });

  it('an embedding list column → a float32 matrix, other columns left out', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => [i, i + 0.5, -i / 3]);
    const record = await upload(t, embeddingFile(rows, 3), { name: 'e.parquet' });
    expect(record).toMatchObject({ dtype: 'float32', shape: [7, 3] });
    const matrix = reader.readMatrix(record.id);
    expect(Array.from(matrix.data)).toEqual(rows.flat().map(Math.fround));
  });

  it('any matrix and row-group size comes back unchanged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (cols, rows, rowGroupSize) => {
          const columnData = Array.from({ length: cols }, (_, c) => ({ name: `c${c}`, data: rows.map((r) => r[c]), type: 'DOUBLE' as const }));
          const record = await upload(t, parquet({ columnData, rowGroupSize }), { name: 'p.parquet' });
          const matrix = reader.readMatrix(record.id);
          expect([matrix.rows, matrix.cols]).toEqual([rows.length, cols]);
          const expected = rows.flatMap((r) => r.slice(0, cols));
          Array.from(matrix.data).forEach((v, i) => expect(Object.is(v, expected[i])).toBe(true));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('Parquet uploads refused with column and row, leaving nothing behind', () => {
  it('a null among numbers', async () => {
    const bytes = parquet({ columnData: [{ name: 'a', data: [1, 2, 3], type: 'DOUBLE' }, { name: 'b', data: [1, 2, null], type: 'DOUBLE' }] });
    expect(await refusal(bytes)).toBe('column "b", row 3 is empty (null): every value must be a number');
  });

  it('NaN and infinities', async () => {
    expect(await refusal(parquet({ columnData: [{ name: 'a', data: [1, NaN, 3], type: 'DOUBLE' }] }))).toBe('column "a", row 2 is NaN: every value must be a finite number');
    expect(await refusal(embeddingFile([[1, 2], [3, Infinity]]))).toBe('column "embedding", row 2, item 2 is Infinity: every value must be a finite number');
  });

  it('text mixed with numbers', async () => {
    const bytes = parquet({ columnData: [{ name: 'x', data: [1, 2], type: 'DOUBLE' }, { name: 'name', data: ['a', 'b'], type: 'STRING' }] });
    expect(await refusal(bytes)).toMatch(/^column "name" holds text while column "x" holds numbers; a Parquet dataset is numeric columns/);
  });

  it('ragged, empty and null lists', async () => {
    expect(await refusal(embeddingFile([[1, 2, 3], [4, 5, 6], [7, 8]], 2))).toBe(
      'column "embedding", row 3 has 2 numbers where row 1 has 3: every row must have the same length',
    );
    expect(await refusal(embeddingFile([[1, 2], null]))).toBe('column "embedding", row 2 is empty (null): every row must be a list of numbers');
    expect(await refusal(embeddingFile([[], [1]]))).toBe('column "embedding", row 1 is an empty list');
  });

  it('null and empty labels', async () => {
    expect(await refusal(parquet({ columnData: [{ name: 'holder', data: ['A', null, 'C'], type: 'STRING' }] }))).toBe('column "holder", row 2 is empty (null): labels are text');
    expect(await refusal(parquet({ columnData: [{ name: 'holder', data: ['A', ''], type: 'STRING' }] }))).toBe('column "holder", row 2: empty label');
  });

  it('columns that are not numbers or text', async () => {
    expect(await refusal(parquet({ columnData: [{ name: 'flag', data: [true, false], type: 'BOOLEAN' }] }))).toMatch(/^column "flag" holds BOOLEAN values/);
    expect(await refusal(parquet({ columnData: [{ name: 'x', data: [1, 2], type: 'DOUBLE' }, { name: 'when', data: [new Date(0), new Date(1)], type: 'TIMESTAMP' }] }))).toMatch(
      /^column "when" holds TIMESTAMP\w* values/,
    );
  });

  it('integers beyond 2^53', async () => {
    expect(await refusal(parquet({ columnData: [{ name: 'id', data: [1n, 2n ** 60n + 1n], type: 'INT64' }] }))).toBe(
      'column "id", row 2: the integer 1152921504606846977 is beyond 2^53 and cannot be held exactly as a number',
    );
  });

  it('a codec hyparquet cannot read, saying how to write a readable file', async () => {
    const identity = (bytes: Uint8Array) => bytes;
    const bytes = parquet({ columnData: [{ name: 'a', data: [1, 2], type: 'DOUBLE' }], codec: 'ZSTD', compressors: { ZSTD: identity } } as WriteOptions);
    expect(await refusal(bytes)).toMatch(/^column "a" is compressed with ZSTD, which the companion cannot read: write the file with snappy/);
  });

  it('a file that is not Parquet, or is cut short', async () => {
    expect(await refusal(new TextEncoder().encode('a,b\n1,2\n'))).toMatch(/^not a readable Parquet file: /);
    const whole = parquet({ columnData: [{ name: 'a', data: [1, 2, 3], type: 'DOUBLE' }] });
    expect(await refusal(whole.subarray(0, whole.length - 10))).toMatch(/^not a readable Parquet file: /);
  });
});
