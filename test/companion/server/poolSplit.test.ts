/**
 * pool.split through a real companion (HTTP on loopback, SQLite, worker threads): usage logs
 * uploaded with kind=usage (CSV and Parquet, kept as uploaded), the job's result equal to
 * PARTAGE.POOLSPLIT on the same log, a bad row failing the job with the field and the file's
 * line, refused uploads, and a cancel in the middle of a long job.
 */
import { call, ended, waitFor } from '../client';
import { csvOf, functionSplit, groupedLog, parquetOf, type PoolRequest } from '../jobs/poolLogs';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from './inProcess';

jest.setTimeout(120_000);

describe('pool.split through the companion', () => {
  let t: TestCompanion;
  beforeAll(async () => {
    t = await startTestCompanion();
  });
  afterAll(async () => {
    await stopTestCompanion(t);
  });

  async function uploadLog(name: string, body: string | Uint8Array): Promise<string> {
    const answer = await call(t, 'POST', `/v1/datasets?name=${encodeURIComponent(name)}&kind=usage`, body, { 'content-type': 'application/octet-stream' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ dtype: 'usage', shape: [] });
    return answer.body.id as string;
  }

  async function runJob(dataset: string, request: PoolRequest): Promise<any> {
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'pool.split', input: { dataset, ...request } });
    expect(submitted.status).toBe(202);
    return waitFor(t, submitted.body.id, ended);
  }

  const rows = groupedLog(300, 40, 11);

  it('splits a CSV log and a Parquet log as PARTAGE.POOLSPLIT does', async () => {
    const csv = await uploadLog('log.csv', csvOf(rows, 4));
    const parquet = await uploadLog('log.parquet', await parquetOf(rows, 4, 250));
    for (const request of [{ amount: 5000 }, { amount: 5000, mode: 'user' as const, threshold: [20, 2] as [number, number], userCap: 12 }, { amount: 77.77, mode: 'artist' as const, threshold: 30 }]) {
      const expected = functionSplit(rows, 4, request);
      for (const dataset of [csv, parquet]) {
        const job = await runJob(dataset, request);
        expect(job.state).toBe('done');
        expect(job.result.rows).toEqual(expected);
        expect(job.result).toMatchObject({ method: 'pool-split', rowsRead: rows.length, engineVersion: expect.stringMatching(/^\d+\.\d+\.\d+/), backend: 'cpu' });
        expect(job.progress).toBe(1);
      }
    }
  });

  it('fails a job on a bad row, naming the field and the line', async () => {
    const dataset = await uploadLog('bad.csv', 'user,holder,plays\na,X,3\nb,Y,3.5\n');
    const job = await runJob(dataset, { amount: 10 });
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ field: 'input.dataset', index: 2 });
    expect(job.error.message).toMatch(/line 3, plays: plays are counts/);
  });

  it('refuses a usage upload that is not one, and a request naming another kind of dataset', async () => {
    const wide = await call(t, 'POST', '/v1/datasets?name=wide.csv&kind=usage', 'a,b,c,d,e\n1,2,3,4,5\n', { 'content-type': 'text/csv' });
    expect(wide.status).toBe(400);
    expect(JSON.stringify(wide.body)).toMatch(/5 columns; a usage log has three or four/);
    const npy = await call(t, 'POST', '/v1/datasets?name=x.npy&kind=usage', 'x', { 'content-type': 'application/octet-stream' });
    expect(npy.status).toBe(400);
    expect(JSON.stringify(npy.body)).toMatch(/kind: a usage log is a CSV or Parquet file/);
    const numeric = await call(t, 'POST', '/v1/datasets?name=m.csv', '1,2,3\n4,5,6\n', { 'content-type': 'text/csv' });
    expect(numeric.status).toBe(201);
    const refused = await call(t, 'POST', '/v1/jobs', { type: 'pool.split', input: { dataset: numeric.body.id, amount: 1 } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/input\.dataset.*is not a usage log/);
  });

  it('cancels a long job between blocks', async () => {
    // ~1.5·10⁶ rows (~30 MB), user mode: three reads of the file, block by block.
    const lines: string[] = ['user,holder,plays'];
    for (let r = 0; r < 1_500_000; r++) lines.push(`listener${r >> 6},holder${(r * 7919) % 3001},${r % 13}`);
    const dataset = await uploadLog('long.csv', `${lines.join('\n')}\n`);
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'pool.split', input: { dataset, amount: 100, mode: 'user' } });
    const running = await waitFor(t, submitted.body.id, (job) => ended(job) || job.progress > 0);
    expect(running.state).toBe('running');
    expect(running.progress).toBeLessThan(1);
    const cancelled = await call(t, 'DELETE', `/v1/jobs/${submitted.body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    const after = await waitFor(t, submitted.body.id, ended);
    expect(after.state).toBe('cancelled');
    // The server keeps working: a small job after it runs to the end.
    const job = await runJob(await uploadLog('small.csv', 'a,X,1\nb,Y,3\n'), { amount: 4 });
    expect(job.result.rows).toEqual([['X', 1], ['Y', 3]]);
  });
});
