import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DatasetFormatError } from '../../../src/companion/datasets/errors';
import { StoredDatasetReader } from '../../../src/companion/datasets/reader';
import { deleteDataset, removeLeftoverFiles, storeUpload, type UploadRequest } from '../../../src/companion/datasets/service';
import { UploadTooLargeError } from '../../../src/companion/datasets/upload';
import type { Store } from '../../../src/companion/store/store';
import { bodyOf, float64Bytes, npyFile, openTempStore, upload, type TempStore } from './fixtures';

let t: TempStore;
beforeEach(() => {
  t = openTempStore();
});
afterEach(() => t.close());

async function failure(run: () => Promise<unknown>): Promise<Error> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(t.leftovers()).toEqual([]);
  expect(t.store.listDatasets()).toEqual([]);
  return error as Error;
}

const NPY = npyFile({ shape: '(4,)' }, float64Bytes([1, 2, 3, 4]));

describe('storeUpload', () => {
  it('registers the dataset under a new id, its file in the datasets dir, its size on disk', async () => {
    const a = await upload(t, NPY, { name: 'table.npy' });
    const b = await upload(t, NPY, { name: 'table.npy' });
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(path.dirname(a.path)).toBe(t.datasetsDir);
    expect(a.bytes).toBe(NPY.length);
    expect(Date.parse(a.createdAt)).not.toBeNaN();
    expect(t.store.listDatasets().map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(t.leftovers().sort()).toEqual([`${a.id}.npy`, `${b.id}.npy`].sort());
  });

  it('infers the format from the extension, case-insensitively; an explicit format wins', async () => {
    expect((await upload(t, NPY, { name: 'T.NPY' })).format).toBe('npy');
    expect((await upload(t, '1,2\n', { name: 'x.TXT' })).format).toBe('csv');
    expect((await upload(t, NPY, { name: 'no extension', format: 'npy' })).format).toBe('npy');
    // The explicit format decides how the content is read: a CSV body named .npy.
    expect((await upload(t, '1,2\n3,4\n', { name: 'mislabelled.npy', format: 'csv' })).shape).toEqual([2, 2]);
  });

  it.each<[string, Partial<UploadRequest>, string, RegExp]>([
    ['an unknown extension', { name: 'x.xlsx' }, 'format', /cannot tell the format of "x.xlsx".*format=npy, csv or parquet/],
    ['no extension', { name: 'data' }, 'format', /cannot tell the format/],
    ['an unknown format', { name: 'x.npy', format: 'xlsx' as never }, 'format', /must be one of npy, csv, parquet/],
    ['an unknown header mode', { name: 'x.csv', header: 'maybe' as never }, 'header', /must be one of auto, yes, no/],
    ['an empty name', { name: '' }, 'name', /give the dataset a name/],
    ['a blank name', { name: '   ' }, 'name', /give the dataset a name/],
    ['a name of 201 characters', { name: `${'a'.repeat(197)}.csv` }, 'name', /201 characters; at most 200/],
    ['a name with a slash', { name: '../etc/passwd.csv' }, 'name', /path separator/],
    ['a name with a backslash', { name: 'C:\\data\\x.csv' }, 'name', /path separator/],
    ['a name with a newline', { name: 'a\nb.csv' }, 'name', /control characters/],
  ])('refuses %s, naming the field, before reading the body', async (_case, request, field, message) => {
    const body = bodyOf('1,2\n');
    const error = await failure(() => storeUpload(t.store, t.datasetsDir, body, { name: 'x', ...request }, 1000));
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).field).toBe(field);
    expect(error.message).toMatch(message);
    expect(body.readableDidRead).toBe(false);
  });

  it('accepts a name of exactly 200 characters, kept as given', async () => {
    const name = `${'é'.repeat(196)}.csv`;
    expect((await upload(t, '1\n', { name })).name).toBe(name);
  });

  it('cuts off a body over maxBytes with UploadTooLargeError and keeps nothing', async () => {
    const text = '1,2,3\n'.repeat(400); // 2,400 bytes in chunks of 100
    const error = await failure(() => storeUpload(t.store, t.datasetsDir, bodyOf(text, 100), { name: 'big.csv' }, 1000));
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect((error as UploadTooLargeError).limit).toBe(1000);
    expect((error as UploadTooLargeError).bytes).toBeGreaterThan(1000);
    // The cap is inclusive: exactly maxBytes is accepted.
    expect((await storeUpload(t.store, t.datasetsDir, bodyOf(text, 100), { name: 'fits.csv' }, text.length)).shape).toEqual([400, 3]);
  });

  it('keeps nothing when the client disconnects mid-upload', async () => {
    async function* dropped() {
      yield Buffer.from('1,2\n3,4\n');
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    const error = await failure(() => storeUpload(t.store, t.datasetsDir, Readable.from(dropped()), { name: 'x.csv' }, 1000));
    expect(error.message).toBe('aborted');
  });

  it('keeps nothing when registering fails after the file was stored', async () => {
    const failing: Store = Object.assign(Object.create(t.store) as Store, {
      createDataset: () => {
        throw new Error('disk full');
      },
    });
    const error = await failure(() => storeUpload(failing, t.datasetsDir, bodyOf(NPY), { name: 'x.npy' }, 1000));
    expect(error.message).toBe('disk full');
  });

  it.each<[string, string | Uint8Array, string]>([
    ['a refused .npy', npyFile({ descr: '>f8', shape: '(1,)' }, new Uint8Array(8)), 'x.npy'],
    ['a refused CSV matrix', '1,2\n3,oops\n', 'x.csv'],
    ['a refused CSV late in a large file', `${'1,2\n'.repeat(100_000)}3,x\n`, 'x.csv'],
    ['a refused labels file', 'A\n""\n', 'x.csv'],
  ])('%s leaves no file in the datasets dir', async (_case, bytes, name) => {
    const error = await failure(() => upload(t, bytes, { name }));
    expect(error).toBeInstanceOf(DatasetFormatError);
  });
});

describe('deleteDataset', () => {
  it('removes the row and the file, and says false for an unknown id', async () => {
    const kept = await upload(t, NPY, { name: 'kept.npy' });
    const gone = await upload(t, 'A\nB\n', { name: 'labels.csv' });
    expect(existsSync(gone.path)).toBe(true);
    expect(await deleteDataset(t.store, gone.id)).toBe(true);
    expect(existsSync(gone.path)).toBe(false);
    expect(t.store.getDataset(gone.id)).toBeUndefined();
    expect(await deleteDataset(t.store, gone.id)).toBe(false);
    expect(await deleteDataset(t.store, 'no-such-id')).toBe(false);
    expect(t.store.listDatasets().map((d) => d.id)).toEqual([kept.id]);
    expect(t.leftovers()).toEqual([`${kept.id}.npy`]);
    expect(() => new StoredDatasetReader(t.store).readVector(gone.id, 'input.dataset')).toThrow(/input.dataset: no dataset with id/);
  });
});

describe('removeLeftoverFiles', () => {
  it('removes temporary uploads and unregistered stored files, nothing else', async () => {
    const kept = await upload(t, NPY, { name: 'kept.npy' });
    const labels = await upload(t, 'A\nB\n', { name: 'l.csv' });
    const orphan = '0123abcd-0000-4000-8000-0123456789ab';
    for (const name of ['.upload-0011223344556677', `${orphan}.npy`, `${orphan}.labels.jsonl`, 'notes.txt']) {
      writeFileSync(path.join(t.datasetsDir, name), 'x');
    }
    const removed = await removeLeftoverFiles(t.store, t.datasetsDir);
    expect(removed.sort()).toEqual(['.upload-0011223344556677', `${orphan}.labels.jsonl`, `${orphan}.npy`].sort());
    expect(t.leftovers().sort()).toEqual([`${kept.id}.npy`, `${labels.id}.labels.jsonl`, 'notes.txt'].sort());
    expect(await removeLeftoverFiles(t.store, path.join(t.dir, 'missing'))).toEqual([]);
  });
});
