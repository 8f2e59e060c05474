import { closeSync, ftruncateSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { formatFloat32, StoredDatasetReader } from '../../../src/companion/datasets/reader';
import { JobInputError } from '../../../src/companion/jobs/errors';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { float32Bytes, float64Bytes, npyFile, openTempStore, upload, type TempStore } from './fixtures';

let t: TempStore;
let reader: StoredDatasetReader;
beforeEach(() => {
  t = openTempStore();
  reader = new StoredDatasetReader(t.store);
});
afterEach(() => t.close());

function refusal(read: () => unknown): JobInputError {
  let error: unknown;
  try {
    read();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(JobInputError);
  return error as JobInputError;
}

const numbers = (shape: string, values: number[], name = 'n.npy') => upload(t, npyFile({ shape }, float64Bytes(values)), { name });

describe('StoredDatasetReader shapes', () => {
  it('readVector accepts [n], [n, 1] and [1, n]', async () => {
    const values = [5, 6, 7];
    for (const shape of ['(3,)', '(3, 1)', '(1, 3)']) {
      expect(Array.from(reader.readVector((await numbers(shape, values)).id))).toEqual(values);
    }
  });

  it('readMatrix gives rows × cols in row-major order; a 1-D dataset is rows × 1', async () => {
    const m = reader.readMatrix((await numbers('(2, 3)', [1, 2, 3, 4, 5, 6])).id);
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
    const v = reader.readMatrix((await numbers('(3,)', [1, 2, 3])).id);
    expect([v.rows, v.cols]).toEqual([3, 1]);
  });

  it('readLabels reads a labels dataset, and a numeric vector as numbers in text', async () => {
    const labels = await upload(t, 'Gallimard\nActes Sud\n', { name: 'h.csv' });
    expect(reader.readLabels(labels.id)).toEqual(['Gallimard', 'Actes Sud']);
    expect(reader.readLabels((await numbers('(4,)', [1, 2, 0.1, -3.5])).id)).toEqual(['1', '2', '0.1', '-3.5']);
    const f32 = await upload(t, npyFile({ descr: '<f4', shape: '(1, 4)' }, float32Bytes([7, 0.1, 1 / 3, 16777217])), { name: 'f.npy' });
    expect(reader.readLabels(f32.id)).toEqual(['7', '0.1', '0.33333334', '16777216']);
  });

  it('formatFloat32 gives text that reads back as the same float32, in at most 9 digits', () => {
    for (let i = 0; i < 2000; i++) {
      const v = Math.fround(((Math.sin(i * 12.9898) * 43758.5453) % 1) * 10 ** ((i % 20) - 10));
      const text = formatFloat32(v);
      expect(Math.fround(Number(text))).toBe(v);
      expect(text.replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1e-7))).toBe('1e-7');
    expect(formatFloat32(Math.fround(-2.5))).toBe('-2.5');
  });
});

describe('StoredDatasetReader refusals name the request field', () => {
  it('an unknown id', () => {
    const error = refusal(() => reader.readMatrix('nope', 'input.outputs'));
    expect(error.field).toBe('input.outputs');
    expect(error.message).toBe('input.outputs: no dataset with id "nope" (upload it first: POST /v1/datasets)');
    expect(refusal(() => reader.readLabels('nope')).field).toBe('dataset');
  });

  it('labels asked where numbers are needed', async () => {
    const labels = await upload(t, 'A\nB\nC\n', { name: 'holders.csv' });
    const matrix = refusal(() => reader.readMatrix(labels.id, 'input.items'));
    expect(matrix.field).toBe('input.items');
    expect(matrix.message).toBe(`input.items: dataset "${labels.id}" (holders.csv) holds 3 text labels; a numeric matrix is needed`);
    expect(refusal(() => reader.readVector(labels.id, 'input.dataset')).message).toMatch(/holds 3 text labels; a numeric vector is needed/);
  });

  it('a matrix asked as a vector or as labels', async () => {
    const m = await numbers('(2, 3)', [1, 2, 3, 4, 5, 6], 'm.npy');
    expect(refusal(() => reader.readVector(m.id, 'input.dataset')).message).toBe(
      `input.dataset: dataset "${m.id}" (m.npy) has shape [2, 3]; a vector (one row or one column of numbers) is needed`,
    );
    expect(refusal(() => reader.readLabels(m.id, 'input.holders')).message).toMatch(/^input.holders: .* is a 2 × 3 matrix; labels are needed/);
  });

  it('a stored file gone missing or damaged', async () => {
    const gone = await numbers('(3,)', [1, 2, 3]);
    rmSync(gone.path);
    expect(refusal(() => reader.readVector(gone.id, 'input.dataset')).message).toMatch(/^input.dataset: .*its file is missing from the data dir\): delete it and upload it again/);

    const cut = await numbers('(3,)', [1, 2, 3]);
    truncateSync(cut.path, cut.bytes - 8);
    expect(refusal(() => reader.readMatrix(cut.id)).message).toMatch(/the file has \d+ bytes, its header announces \d+/);

    const labels = await upload(t, 'A\nB\n', { name: 'l.csv' });
    writeFileSync(labels.path, '"A"\n');
    expect(refusal(() => reader.readLabels(labels.id)).message).toMatch(/1 labels stored, 2 registered/);
    writeFileSync(labels.path, '"A"\n{"b": 1}\n');
    expect(refusal(() => reader.readLabels(labels.id)).message).toMatch(/line 2 is not a JSON string/);
  });
});

describe('StoredDatasetReader on files of 2 GiB and more', () => {
  it('reads every part of a float32 matrix larger than 2 GiB', () => {
    // A sparse file: 2^27 + 8 rows of 4 float32 = 2 GiB + 128 bytes of data, zeros but for
    // marked rows at the start, across the 2 GiB boundary (where one read could not reach) and at the end.
    const rows = 2 ** 27 + 8;
    const cols = 4;
    const headerBytes = 128;
    const file = path.join(t.dir, 'big.npy');
    const header = npyFile({ descr: '<f4', shape: `(${rows}, ${cols})`, headerBytes }, new Uint8Array(0));
    const fd = openSync(file, 'w');
    const marks = new Map<number, number[]>([
      [0, [1, 2, 3, 4]],
      [2 ** 27 - 1, [5, 6, 7, 8]],
      [2 ** 27, [9, 10, 11, 12]],
      [rows - 1, [-1, -2, -3, -4.5]],
    ]);
    try {
      writeSync(fd, header, 0, header.length, 0);
      ftruncateSync(fd, headerBytes + rows * cols * 4);
      for (const [row, values] of marks) writeSync(fd, float32Bytes(values), 0, 16, headerBytes + row * cols * 4);
    } finally {
      closeSync(fd);
    }
    const record: DatasetRecord = { id: 'big', name: 'big.npy', format: 'npy', dtype: 'float32', shape: [rows, cols], bytes: 0, path: file, createdAt: new Date().toISOString() };
    t.store.createDataset(record);

    const matrix = reader.readMatrix('big');
    expect([matrix.rows, matrix.cols, matrix.data.length]).toEqual([rows, cols, rows * cols]);
    for (const [row, values] of marks) expect(Array.from(matrix.data.subarray(row * cols, (row + 1) * cols))).toEqual(values);
    expect(Array.from(matrix.data.subarray(5 * cols, 6 * cols))).toEqual([0, 0, 0, 0]);
    rmSync(file);
  });
});
