/**
 * The job list the pane keeps between sessions: what survives closing the pane, and what a pane
 * job found unfinished becomes.
 */
import { memoryStorage } from '../../src/taskpane/companion/companionSettings';
import { JOBS_KEY, loadJobs, MAX_KEPT_JOBS, PANE_CLOSED_MESSAGE, saveJobs, type BatchJobRecord } from '../../src/taskpane/batch/jobStore';

function record(id: string, change: Partial<BatchJobRecord> = {}): BatchJobRecord {
  return { id, where: 'companion', companionUrl: 'https://localhost:3917', label: `job ${id}`, gameKind: 'table', methodText: 'exact', createdAt: '2026-01-01T00:00:00Z', state: 'running', progress: 0.5, ...change };
}

const result = (n: number) => ({ game: 'g', players: Array.from({ length: n }, (_, i) => `P${i}`), values: Array(n).fill(1), method: 'exact', backend: 'cpu', engineVersion: '0.1.0' });

test('companion jobs come back as they were saved, without the passing estimate of time left', () => {
  const storage = memoryStorage();
  saveJobs(storage, [record('a', { etaSeconds: 12 }), record('b', { state: 'done', progress: 1, result: result(3) })]);
  const back = loadJobs(storage);
  expect(back).toEqual([record('a'), record('b', { state: 'done', progress: 1, result: result(3) })]);
});

test('a pane job found running died with the pane: interrupted, saying so', () => {
  const storage = memoryStorage();
  saveJobs(storage, [record('p', { where: 'pane', companionUrl: undefined }), record('q', { where: 'pane', state: 'done', progress: 1, result: result(2) })]);
  const [p, q] = loadJobs(storage);
  expect(p).toMatchObject({ state: 'interrupted', error: { message: PANE_CLOSED_MESSAGE } });
  expect(q.state).toBe('done');
  expect(q.result).toEqual(result(2));
});

test(`keeps the newest ${MAX_KEPT_JOBS} jobs, and huge results are left to the companion`, () => {
  const storage = memoryStorage();
  const jobs = Array.from({ length: MAX_KEPT_JOBS + 5 }, (_, i) => record(`j${i}`, { state: 'done', result: i === 0 ? result(5_000) : result(1) }));
  saveJobs(storage, jobs);
  const back = loadJobs(storage);
  expect(back.map((j) => j.id)).toEqual(jobs.slice(0, MAX_KEPT_JOBS).map((j) => j.id));
  expect(back[0].result).toBeUndefined();
  expect(back[1].result).toEqual(result(1));
});

test('over the storage quota, the list is kept without results', () => {
  const storage = memoryStorage();
  let calls = 0;
  const tight = { ...storage, setItem: (key: string, value: string) => (++calls === 1 ? (() => { throw new Error('QuotaExceededError'); })() : storage.setItem(key, value)) };
  saveJobs(tight, [record('a', { state: 'done', result: result(3) })]);
  expect(loadJobs(storage)).toEqual([record('a', { state: 'done' })]);
});

test('damaged or foreign content reads as no jobs, or skips the bad entries', () => {
  const storage = memoryStorage();
  storage.setItem(JOBS_KEY, 'not json');
  expect(loadJobs(storage)).toEqual([]);
  storage.setItem(JOBS_KEY, JSON.stringify([{ id: 'x' }, record('ok'), 7]));
  expect(loadJobs(storage).map((j) => j.id)).toEqual(['ok']);
});
