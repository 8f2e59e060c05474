/**
 * pool.split driven in this thread (both halves, outputs structured-cloned as between threads):
 * equal to PARTAGE.POOLSPLIT on the same log in every mode, for CSV and Parquet logs, with a
 * header, three and four columns, blocks small enough that the file is read in many units (a
 * quoted name with a newline falls across block boundaries); a hand-computed split; every
 * refusal naming the request field or the file's line / row; and a 2·10⁶-row log streamed with
 * the heap staying far below the file's size.
 */
import { mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { poolSplit, poolSplitUnits, poolSplitWorker } from '../../../src/companion/jobs/poolSplit';
import { JobInputError } from '../../../src/companion/jobs/errors';
import { csvOf, functionSplit, groupedLog, parquetOf, runAsync, shuffled, usageEnvironment, usageRecord, writeLog, type LogRow, type PoolRequest } from './poolLogs';

jest.setTimeout(120_000);

let dir: string;
const defaultUnits = { ...poolSplitUnits };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'partage-pool-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  Object.assign(poolSplitUnits, defaultUnits);
});

let fileCount = 0;
function csvDataset(content: string): ReturnType<typeof usageRecord> {
  const file = path.join(dir, `log${++fileCount}.csv`);
  writeLog(file, content);
  return usageRecord(`csv${fileCount}`, file, 'csv');
}

async function parquetDataset(rows: LogRow[], columns: 3 | 4, rowGroupSize = 1000): Promise<ReturnType<typeof usageRecord>> {
  const file = path.join(dir, `log${++fileCount}.parquet`);
  writeLog(file, await parquetOf(rows, columns, rowGroupSize));
  return usageRecord(`pq${fileCount}`, file, 'parquet');
}

async function jobSplit(record: ReturnType<typeof usageRecord>, request: PoolRequest, options: { reversed?: boolean } = {}) {
  return runAsync(poolSplit, poolSplitWorker, { dataset: record.id, ...request }, usageEnvironment([record]), options);
}

async function refusal(record: ReturnType<typeof usageRecord>, request: PoolRequest): Promise<JobInputError> {
  try {
    await jobSplit(record, request);
  } catch (error) {
    if (error instanceof JobInputError) return error;
    throw error;
  }
  throw new Error('the job was not refused');
}

const REQUESTS: PoolRequest[] = [
  { amount: 1000 },
  { amount: 1000, mode: 'market', threshold: 40 },
  { amount: 1000, mode: 'market', userCap: 25 },
  { amount: 1000, mode: 'user' },
  { amount: 1000, mode: 'user', threshold: [30, 3], userCap: 10 },
  { amount: 1000, mode: 'artist' },
  { amount: 1000, mode: 'artist', threshold: [50, 4], boost: 2.5 },
  { amount: 999.99, mode: 'artist', threshold: 20, boost: 2, userCap: 40, decimals: 3 },
  { amount: 12345.67, mode: 'user', threshold: 15, decimals: 0 },
];

describe('pool.split equals PARTAGE.POOLSPLIT on the same log', () => {
  const rows = groupedLog(400, 60);

  it.each(REQUESTS.map((r) => [JSON.stringify(r), r] as const))('CSV, four columns, read in many blocks: %s', async (_, request) => {
    poolSplitUnits.csvBlockBytes = 512;
    const record = csvDataset(csvOf(rows, 4));
    const run = await jobSplit(record, request);
    const expected = functionSplit(rows, 4, request);
    expect(run.result.rows).toEqual(expected);
    expect(run.result.rowsRead).toBe(rows.length);
    expect(run.units).toBeGreaterThan(20);
    expect(run.result.grouping).toBe('user');
    // To the cent (the unit of `decimals`): the amounts add up exactly to the amount.
    const decimals = request.decimals ?? 2;
    const units = (run.result.rows as Array<[string, number]>).reduce((s, [, x]) => s + Math.round(x * 10 ** decimals), 0);
    expect(units).toBe(Math.round(request.amount * 10 ** decimals));
    expect(run.progress[run.progress.length - 1]).toBe(1);
    for (let k = 1; k < run.progress.length; k++) expect(run.progress[k]).toBeGreaterThanOrEqual(run.progress[k - 1]);
  });

  it.each(REQUESTS.map((r) => [JSON.stringify(r), r] as const))('CSV, three columns, one block: %s', async (_, request) => {
    const record = csvDataset(csvOf(rows, 3));
    const run = await jobSplit(record, request);
    expect(run.result.rows).toEqual(functionSplit(rows, 3, request));
    // One block per pass, after the unit that reads the layout.
    expect(run.units).toBe((run.result.passes as number) + 1);
  });

  it.each(REQUESTS.map((r) => [JSON.stringify(r), r] as const))('CSV without quotes, independent byte ranges merged out of order: %s', async (_, request) => {
    poolSplitUnits.csvBlockBytes = 700;
    const plain = rows.map(([u, h, p, a]): LogRow => [u, h.replace(/[,\n]/g, ' '), p, a]);
    const record = csvDataset(csvOf(plain, 4));
    const run = await jobSplit(record, request, { reversed: true });
    expect(run.result.rows).toEqual(functionSplit(plain, 4, request));
    expect(run.result.rowsRead).toBe(plain.length);
    expect(run.units).toBeGreaterThan(20);
  });

  it.each(REQUESTS.map((r) => [JSON.stringify(r), r] as const))('Parquet, four columns, many row groups, out of order: %s', async (_, request) => {
    poolSplitUnits.parquetRows = 150;
    const record = await parquetDataset(rows, 4, 400);
    const run = await jobSplit(record, request, { reversed: true });
    expect(run.result.rows).toEqual(functionSplit(rows, 4, request));
    expect(run.result.rowsRead).toBe(rows.length);
  });

  it('Parquet, three columns', async () => {
    const record = await parquetDataset(rows, 3);
    for (const request of [REQUESTS[4], REQUESTS[6]]) {
      const run = await jobSplit(record, request);
      expect(run.result.rows).toEqual(functionSplit(rows, 3, request));
    }
  });

  it('a log in no order, without a distinct-users threshold (each pair once)', async () => {
    const seen = new Set<string>();
    const once = rows.filter(([u, h]) => {
      const key = `${u.toLowerCase()}|${h.trim().toLowerCase()}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const mixed = shuffled(once);
    const record = csvDataset(csvOf(mixed, 4, false));
    for (const request of [REQUESTS[2], REQUESTS[3], { amount: 500, mode: 'artist' as const, threshold: 60, userCap: 30 }]) {
      const run = await jobSplit(record, request);
      expect(run.result.rows).toEqual(functionSplit(mixed, 4, request));
      expect(run.result.grouping).toBe('none');
    }
  });

  it('a log sorted by holder may repeat pairs and still count distinct users', async () => {
    const byHolder = rows.slice().sort((a, b) => (a[1].trim().toLowerCase() < b[1].trim().toLowerCase() ? -1 : a[1].trim().toLowerCase() > b[1].trim().toLowerCase() ? 1 : 0));
    const record = csvDataset(csvOf(byHolder, 4));
    const request: PoolRequest = { amount: 1000, mode: 'user', threshold: [0, 3] };
    const run = await jobSplit(record, request);
    expect(run.result.rows).toEqual(functionSplit(byHolder, 4, request));
    expect(run.result.grouping).toBe('holder');
  });
});

describe('pool.split by hand', () => {
  // a: X 3, Y 1 (1 active); b: X 1; c: Y 4, Z 1.
  // Market: plays 4, 5, 1 of 10 → 40, 50, 10.
  // User: a third each; a: X 3/4, Y 1/4; b: X; c: Y 4/5, Z 1/5 → X 58.333…, Y 35, Z 6.666…;
  // floors 58.33, 35, 6.66 leave one cent, to the largest remainder (Z's .666… over X's .333…).
  // Artist, threshold 4 plays, boost 2: X reaches, 3 + 1 plays × 2 = 8; Y reaches, 4 plays × 2
  // and its active play × 4 = 12; Z does not, 1; of 21 → 80, 120, 10 of 210.
  const log = 'listener;rightholder;plays;active\na;X;3;0\na;Y;1;1\nb;X;1;0\nc;Y;4;0\nc;Z;1;0\n';
  it.each([
    [{ amount: 100 }, [['X', 40], ['Y', 50], ['Z', 10]]],
    [{ amount: 100, mode: 'user' as const }, [['X', 58.33], ['Y', 35], ['Z', 6.67]]],
    [{ amount: 210, mode: 'artist' as const, threshold: 4 }, [['X', 80], ['Y', 120], ['Z', 10]]],
  ])('%j', async (request, expected) => {
    const run = await jobSplit(csvDataset(log), request);
    expect(run.result.rows).toEqual(expected);
    expect(run.result.rowsRead).toBe(5);
  });
});

describe('pool.split refusals name the field, or the line / row of the file', () => {
  const good = 'user,holder,plays\na,X,3\nb,Y,1\n';

  it.each([
    ['input.foo', { amount: 1, foo: 1 }, /input\.foo: is not a field/],
    ['input.amount', { amount: -1 }, /input\.amount: must be a finite amount ≥ 0/],
    ['input.amount', { amount: 'ten' }, /input\.amount/],
    ['input.mode', { amount: 1, mode: 'best' }, /input\.mode: must be "market", "user" or "artist"/],
    ['input.threshold', { amount: 1, threshold: [1, 2, 3] }, /input\.threshold: must be minimum plays/],
    ['input.threshold', { amount: 1, threshold: -2 }, /input\.threshold/],
    ['input.boost', { amount: 1, mode: 'artist', boost: 0.5 }, /input\.boost: expected a finite number ≥ 1/],
    ['input.decimals', { amount: 1, decimals: 11 }, /input\.decimals/],
    ['input.userCap', { amount: 1, userCap: 0 }, /input\.userCap: expected a number of plays > 0/],
  ])('%s', (field, request, message) => {
    const record = csvDataset(good);
    const env = usageEnvironment([record]);
    let error: unknown;
    try {
      poolSplit.validate({ dataset: record.id, ...request }, {}, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobInputError);
    expect((error as JobInputError).field).toBe(field);
    expect((error as JobInputError).message).toMatch(message);
  });

  it('refuses options, an unknown dataset and one that is not a usage log', () => {
    const record = csvDataset(good);
    const numeric = { ...usageRecord('numbers', record.path, 'csv'), dtype: 'float64', shape: [2, 3] };
    const env = usageEnvironment([record, numeric]);
    expect(() => poolSplit.validate({ dataset: record.id, amount: 1 }, { seed: 1 }, env)).toThrow(/options\.seed: is not an option/);
    expect(() => poolSplit.validate({ dataset: 'nope', amount: 1 }, {}, env)).toThrow(/input\.dataset: no dataset with id "nope"/);
    expect(() => poolSplit.validate({ dataset: 'numbers', amount: 1 }, {}, env)).toThrow(/input\.dataset: dataset "numbers" is not a usage log.*kind=usage/);
  });

  it.each([
    ['a plays cell that is not a number', 'user,holder,plays\na,X,3\nb,Y,abc\n', /line 3, column 3 \(plays\): "abc" is not a number/, 2],
    ['fractional plays', 'user,holder,plays\na,X,3\nb,Y,1\nc,Z,2.5\n', /line 4, plays: plays are counts: expected a whole number ≥ 0, got 2\.5/, 3],
    ['negative plays', 'a,X,3\nb,Y,-1\n', /line 2, plays: plays are counts/, 1],
    ['active plays above plays', 'user,holder,plays,active\na,X,3,4\n', /line 2, activePlays: activePlays 4 exceeds plays 3/, 1],
    ['active plays not a number', 'user,holder,plays,active\na,X,3,1\na,Y,3,x\n', /line 3, column 4 \(activePlays\): "x" is not a number/, 2],
    ['a row with two columns', 'user,holder,plays\na,X,3\nb,Y\n', /line 3: has 2 columns; the log has 3/, 2],
    ['an empty user', 'user,holder,plays\na,X,3\n,Y,1\n', /line 3, column 1 \(user\): empty user/, 2],
    ['an empty holder', 'user,holder,plays\na,,3\n', /line 2, column 2 \(holder\): empty holder/, 1],
    ['a quoted name over two lines before the bad row', 'user,holder,plays\na,"X\nY",3\nb,Y,?\n', /line 4, column 3 \(plays\)/, 3],
  ])('%s', async (_, content, message, index) => {
    const error = await refusal(csvDataset(content), { amount: 10 });
    expect(error.field).toBe('input.dataset');
    expect(error.message).toMatch(message);
    expect(error.index).toBe(index);
  });

  it('names the line in a later block', async () => {
    poolSplitUnits.csvBlockBytes = 64;
    const lines = ['user,holder,plays'];
    for (let i = 0; i < 200; i++) lines.push(`u${i},h${i % 7},${i === 150 ? '1.5' : i % 9}`);
    const error = await refusal(csvDataset(`${lines.join('\n')}\n`), { amount: 10 });
    expect(error.message).toMatch(/line 152, plays: plays are counts/);
  });

  it('refuses a log of five columns, and one with a header only, naming the dataset', async () => {
    const wide = await refusal(csvDataset('a,b,c,d,e\n1,2,3,4,5\n'), { amount: 1 });
    expect(wide.field).toBe('input.dataset');
    expect(wide.message).toMatch(/5 columns; a usage log has three or four/);
    const empty = await refusal(csvDataset('user,holder,plays\n'), { amount: 1 });
    expect(empty.message).toMatch(/input\.dataset: the usage log has no rows/);
  });

  it('refuses a log without a counted play (the engine names the usage, the job the dataset)', async () => {
    const none = await refusal(csvDataset('a,X,0\nb,Y,0\n'), { amount: 1 });
    expect(none.field).toBe('input.dataset');
    expect(none.message).toMatch(/no counted play/);
    const below = await refusal(csvDataset('a,X,2\nb,Y,3\n'), { amount: 1, threshold: 10 });
    expect(below.message).toMatch(/below the threshold/);
  });

  it('refuses a distinct-users threshold on a log grouped neither by user nor by holder', async () => {
    const error = await refusal(csvDataset('a,X,1\nb,Y,1\na,Y,1\nb,X,1\n'), { amount: 1, threshold: [0, 2] });
    expect(error.field).toBe('input.dataset');
    expect(error.message).toMatch(/grouped by user or by holder.*data row 3 returns to an earlier user and data row 4 to an earlier holder/);
    // Without that threshold the same log is split.
    const run = await jobSplit(csvDataset('a,X,1\nb,Y,1\na,Y,1\nb,X,1\n'), { amount: 1, threshold: 0 });
    expect(run.result.rows).toEqual([['X', 0.5], ['Y', 0.5]]);
  });

  it('names the Parquet row', async () => {
    const rows: LogRow[] = [['a', 'X', 3, 1], ['b', 'Y', 2, 0], ['c', 'Z', 1, 2]];
    const error = await refusal(await parquetDataset(rows, 4), { amount: 1 });
    expect(error.field).toBe('input.dataset');
    expect(error.message).toMatch(/row 3, activePlays: activePlays 2 exceeds plays 1/);
    expect(error.index).toBe(2);
  });
});

describe('pool.split streams a large log', () => {
  it('2·10⁶ rows with the heap far below the file size', async () => {
    const rows = 2_000_000;
    const users = 20_000;
    const holders = 5_000;
    const file = path.join(dir, 'large.csv');
    const out = createWriteStream(file);
    let x = 12345;
    const plays = new Float64Array(holders);
    const names: number[] = [];
    const seenHolder = new Uint8Array(holders);
    let text = 'user,holder,plays\n';
    for (let r = 0; r < rows; r++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const h = (x >>> 8) % holders;
      const p = (x >>> 3) % 20;
      if (!seenHolder[h]) (seenHolder[h] = 1), names.push(h);
      plays[h] += p;
      // Long names, as exports carry (ids with a namespace): the file grows, the state does not.
      text += `listener-account-${String(Math.floor(r / (rows / users))).padStart(9, '0')}@streaming.example,holder${h},${p}\n`;
      if (text.length > 1 << 16) {
        if (!out.write(text)) await new Promise<void>((r2) => out.once('drain', () => r2()));
        text = '';
      }
    }
    out.end(text);
    await new Promise<void>((r) => out.on('finish', () => r()));
    const size = statSync(file).size;
    const record = usageRecord('large', file, 'csv');

    // What stays alive after each unit (a full collection first): garbage would say nothing.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const run = await runAsync(poolSplit, poolSplitWorker, { dataset: 'large', amount: 1_000_000 }, usageEnvironment([record]), {
      onUnit: () => {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    expect(run.result.rowsRead).toBe(rows);
    expect(run.result.users).toBe(users);
    const result = run.result.rows as Array<[string, number]>;
    expect(result.map(([name]) => name)).toEqual(names.map((h) => `holder${h}`));
    // Market mode: each holder within a cent of its pro-rata share, and the cents add up.
    let total = 0;
    for (const p of plays) total += p;
    result.forEach(([, amount], k) => expect(Math.abs(amount - (1_000_000 * plays[names[k]]) / total)).toBeLessThanOrEqual(0.01));
    expect(Math.round(result.reduce((s, [, a]) => s + a * 100, 0))).toBe(100_000_000);
    // Loading the log would take several times the file (strings, arrays); streaming keeps
    // per-holder and per-user sums and one block in flight.
    expect(size).toBeGreaterThan(100 * 1024 * 1024);
    expect(peak - base).toBeLessThan(size / 4);
  });
});
