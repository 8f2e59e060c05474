/**
 * Usage-log uploads (kind=usage): kept byte for byte as uploaded, head or schema checked, every
 * refusal naming what is wrong and leaving nothing behind, and orphaned usage files cleaned up
 * after a crash like the other stored forms.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeLeftoverFiles } from '../../../src/companion/datasets/service';
import { parquetOf } from '../jobs/poolLogs';
import { openTempStore, refusedUpload, upload, type TempStore } from './fixtures';

let t: TempStore;
beforeEach(() => {
  t = openTempStore();
});
afterEach(() => t.close());

describe('usage log uploads', () => {
  it('keeps a CSV log as uploaded, as a usage dataset', async () => {
    const csv = 'user;holder;plays;active\na;X;3;1\nb;"Y; Z";2;0\n';
    const record = await upload(t, csv, { name: 'log.csv', kind: 'usage' });
    expect(record).toMatchObject({ format: 'csv', dtype: 'usage', shape: [], bytes: Buffer.byteLength(csv) });
    expect(record.path).toBe(path.join(t.datasetsDir, `${record.id}.usage.csv`));
    expect(readFileSync(record.path, 'utf8')).toBe(csv);
    expect(t.leftovers()).toEqual([`${record.id}.usage.csv`]);
  });

  it('keeps a Parquet log as uploaded', async () => {
    const bytes = await parquetOf([['a', 'X', 3, 0], ['b', 'Y', 1, 1]], 4);
    const record = await upload(t, bytes, { name: 'log.parquet', kind: 'usage' });
    expect(record).toMatchObject({ format: 'parquet', dtype: 'usage' });
    expect(new Uint8Array(readFileSync(record.path))).toEqual(bytes);
  });

  it.each([
    ['two columns', 'a,X\nb,Y\n', /first row has 2 columns; a usage log has three or four/],
    ['five columns', 'a,X,1,1,1\n', /first row has 5 columns/],
    ['no rows', '\n\n', /the usage log has no rows/],
  ])('refuses a CSV with %s', async (_, csv, message) => {
    const error = await refusedUpload(t, csv, { name: 'log.csv', kind: 'usage' });
    expect(error.message).toMatch(message);
  });

  it('refuses a Parquet file of two columns, and one whose plays are text, naming the column', async () => {
    const writer = await import('hyparquet-writer');
    const two = new Uint8Array(writer.parquetWriteBuffer({ columnData: [{ name: 'u', data: ['a'], type: 'STRING' }, { name: 'h', data: ['X'], type: 'STRING' }] }));
    expect((await refusedUpload(t, two, { name: 'log.parquet', kind: 'usage' })).message).toMatch(/has 2 columns; a usage log has three or four/);
    const text = new Uint8Array(
      writer.parquetWriteBuffer({
        columnData: [
          { name: 'u', data: ['a'], type: 'STRING' },
          { name: 'h', data: ['X'], type: 'STRING' },
          { name: 'plays', data: ['3'], type: 'STRING' },
        ],
      }),
    );
    expect((await refusedUpload(t, text, { name: 'log.parquet', kind: 'usage' })).message).toMatch(/column "plays" holds text; plays are numbers/);
  });

  it('refuses a usage log in .npy and an unknown kind, naming kind', async () => {
    const npy = await refusedUpload(t, 'x', { name: 'log.npy', kind: 'usage' });
    expect(npy.field).toBe('kind');
    const other = await refusedUpload(t, 'a,X,1\n', { name: 'log.csv', kind: 'sales' as never });
    expect(other.field).toBe('kind');
    expect(other.message).toMatch(/kind: must be "usage" or absent/);
  });

  it('removes an orphaned usage file after a crash, not a registered one', async () => {
    const kept = await upload(t, 'a,X,1\n', { name: 'log.csv', kind: 'usage' });
    const orphan = '0123abcd-0000-4000-8000-0123456789ab';
    writeFileSync(path.join(t.datasetsDir, `${orphan}.usage.parquet`), 'x');
    expect(await removeLeftoverFiles(t.store, t.datasetsDir)).toEqual([`${orphan}.usage.parquet`]);
    expect(t.leftovers()).toEqual([`${kept.id}.usage.csv`]);
  });
});
