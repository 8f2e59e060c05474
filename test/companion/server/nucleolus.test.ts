/**
 * shapley.nucleolus through a real companion (loopback server, SQLite, worker threads): the
 * worker thread loads HiGHS's WebAssembly itself, so this is also the check that the LP solver
 * works on Node worker threads. The Talmud's estate 200 with claims 100, 200, 300 has the
 * nucleolus 50, 75, 75 (Aumann & Maschler 1985); a game without imputations is refused with 400.
 */
import { call, ended, waitFor } from '../client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from './inProcess';

jest.setTimeout(120_000);

// v(S) = max(0, 200 − Σ_{j∉S} d_j), d = 100, 200, 300, in mask order.
const TALMUD_200 = [0, 0, 0, 0, 0, 0, 100, 200];

let t: TestCompanion;
beforeAll(async () => {
  t = await startTestCompanion();
});
afterAll(async () => {
  await stopTestCompanion(t);
});

it('runs shapley.nucleolus on a worker thread: the Talmud rule, with method, solver and engine version', async () => {
  const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.nucleolus', input: { n: 3, values: TALMUD_200 } });
  expect(submitted.status).toBe(202);
  const job = await waitFor(t, submitted.body.id, ended);
  expect(job.state).toBe('done');
  const values = job.result.values as number[];
  [50, 75, 75].forEach((x, i) => expect(Math.abs(values[i] - x)).toBeLessThanOrEqual(1e-9 * 200));
  expect(job.result).toMatchObject({
    method: 'nucleolus',
    levels: 2,
    solver: { name: 'HiGHS', version: expect.stringMatching(/^1\.15\./) },
    engineVersion: expect.any(String),
    backend: 'cpu',
  });
});

it('refuses a game without imputations with 400 naming input.values', async () => {
  const refused = await call(t, 'POST', '/v1/jobs', { type: 'shapley.nucleolus', input: { n: 2, values: [0, 60, 50, 100] } });
  expect(refused.status).toBe(400);
  expect(refused.body.error.field).toBe('input.values');
  expect(refused.body.error.message).toMatch(/sum to 110, more than v\(N\) = 100/);
});
