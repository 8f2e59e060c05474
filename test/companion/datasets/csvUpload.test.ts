import { StoredDatasetReader } from '../../../src/companion/datasets/reader';
import type { UploadRequest } from '../../../src/companion/datasets/service';
import { openTempStore, refusedUpload, type TempStore, upload } from './fixtures';

let t: TempStore;
let reader: StoredDatasetReader;
beforeEach(() => {
  t = openTempStore();
  reader = new StoredDatasetReader(t.store);
});
afterEach(() => t.close());

async function refusal(text: string, request: Partial<UploadRequest> = {}): Promise<string> {
  const error = await refusedUpload(t, text, { name: 'x.csv', ...request });
  expect(error.field).toBe('body');
  return error.message;
}

describe('CSV numeric matrices', () => {
  it('detects a header row over numbers and drops it', async () => {
    const record = await upload(t, 'a,b,c\n1,2,3\n4.5,-5,6e2\n', { name: 'm.csv' });
    expect(record).toMatchObject({ format: 'csv', dtype: 'float64', shape: [2, 3] });
    const matrix = reader.readMatrix(record.id);
    expect([matrix.rows, matrix.cols]).toEqual([2, 3]);
    expect(Array.from(matrix.data)).toEqual([1, 2, 3, 4.5, -5, 600]);
  });

  it('keeps a numeric first row, and header=yes drops it anyway', async () => {
    const text = '1,2\r\n3,4\r\n5,6\r\n';
    const kept = await upload(t, text, { name: 'k.csv' });
    expect(Array.from(reader.readMatrix(kept.id).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const dropped = await upload(t, text, { name: 'd.csv', header: 'yes' });
    expect(dropped.shape).toEqual([2, 2]);
    expect(Array.from(reader.readMatrix(dropped.id).data)).toEqual([3, 4, 5, 6]);
  });

  it('reads semicolons with decimal commas, and tabs', async () => {
    const semicolon = await upload(t, '\ufeffx;y\n1,5;2\n-0,25;3,75\n', { name: 'eu.csv' });
    expect(Array.from(reader.readMatrix(semicolon.id).data)).toEqual([1.5, 2, -0.25, 3.75]);
    const tab = await upload(t, 'x\ty\n1,5\t2\n', { name: 't.tsv' });
    expect(tab.format).toBe('csv');
    expect(Array.from(reader.readMatrix(tab.id).data)).toEqual([1.5, 2]);
  });

  it('one numeric column is a vector', async () => {
    const record = await upload(t, 'value\n10\n20\n30\n', { name: 'v.csv' });
    expect(record.shape).toEqual([3]);
    expect(Array.from(reader.readVector(record.id))).toEqual([10, 20, 30]);
  });

  it('names the line and column of text in a numeric matrix', async () => {
    expect(await refusal('a,b\n1,2\n3,x\n')).toBe('line 3, column 2: "x" is not a number; a CSV dataset is a numeric matrix or a single column of labels');
    expect(await refusal('1;2\n3;4\n5;NaN\n')).toMatch(/^line 3, column 2: "NaN" is not a number/);
    // header=no: the first row is data, so its text is refused.
    expect(await refusal('a,b\n1,2\n', { header: 'no' })).toMatch(/^line 1, column 1: "a" is not a number/);
  });

  it('refuses a ragged row with its line', async () => {
    expect(await refusal('1,2,3\n4,5,6\n7,8\n')).toMatch(/^CSV: .*line 3/);
  });

  it('refuses an empty file and a header without data', async () => {
    expect(await refusal('')).toMatch(/no data rows/);
    expect(await refusal('a,b\n', { header: 'yes' })).toMatch(/header row and no data/);
  });
});

describe('CSV labels', () => {
  it('a single text column is labels, in order, quotes and separators kept', async () => {
    const record = await upload(t, 'Gallimard\n"Éditions ""Minuit"""\n"Actes, Sud"\n"two\nlines"\n', { name: 'holders.csv' });
    expect(record).toMatchObject({ dtype: 'string', shape: [4] });
    expect(reader.readLabels(record.id)).toEqual(['Gallimard', 'Éditions "Minuit"', 'Actes, Sud', 'two\nlines']);
  });

  it('header=yes drops the column name; under auto it is a label', async () => {
    const text = 'holder\nA\nB\n';
    expect(reader.readLabels((await upload(t, text, { name: 'a.csv', header: 'yes' })).id)).toEqual(['A', 'B']);
    expect(reader.readLabels((await upload(t, text, { name: 'b.csv' })).id)).toEqual(['holder', 'A', 'B']);
  });

  it('refuses an empty label and a second column, with the line', async () => {
    expect(await refusal('A\n""\nC\n')).toBe('line 2: empty label');
    expect(await refusal('A\nB\nC,D\n')).toMatch(/^CSV: .*line 3/);
  });
});
