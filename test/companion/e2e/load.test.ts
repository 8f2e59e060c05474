/**
 * A bounded load test against a real companion on loopback: 50 concurrent clients send 500
 * status requests in all while 4 sampled jobs run. Every request must succeed; p50 and p99
 * latencies are printed for the record (speed is judged by benchmarks, not by this test).
 */
import { call as api } from '../client';
import { makeDataDir, removeDataDir, startCompanion, stopCompanion, type CompanionProcess } from './companionProcess';

jest.setTimeout(180_000);

const CLIENTS = 50;
const REQUESTS = 500;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('companion under load', () => {
  let dataDir: string;
  let companion: CompanionProcess | undefined;

  beforeAll(async () => {
    dataDir = makeDataDir();
    companion = await startCompanion(dataDir, ['--threads', '2']);
  });
  afterAll(async () => {
    if (companion) await stopCompanion(companion);
    removeDataDir(dataDir);
  });

  it('answers 500 status requests from 50 clients without error while 4 jobs run', async () => {
    const c = companion!;
    const sizes = Array.from({ length: 400 }, (_, i) => 1 + ((i * 131) % 500));
    const jobs: string[] = [];
    for (let j = 0; j < 4; j++) {
      const { status, body } = await api(c, 'POST', '/v1/jobs', {
        type: 'shapley.sample',
        input: { game: { type: 'saturatingScale', sizes, halfSize: 10_000, alpha: 0.5 } },
        options: { seed: 100 + j, maxPermutations: 20_000 },
      });
      expect(status).toBe(202);
      jobs.push(body.id);
    }

    const latencies: number[] = [];
    const failures: string[] = [];
    let next = 0;
    const client = async () => {
      while (next < REQUESTS) {
        const k = next++;
        const route = k % 2 === 0 ? `/v1/jobs/${jobs[k % jobs.length]}` : '/v1/jobs';
        const start = performance.now();
        try {
          const { status, body } = await api(c, 'GET', route);
          if (status !== 200 || body === undefined) failures.push(`${route}: ${status}`);
        } catch (error) {
          failures.push(`${route}: ${(error as Error).message}`);
        }
        latencies.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));

    expect(failures).toEqual([]);
    expect(latencies).toHaveLength(REQUESTS);
    latencies.sort((a, b) => a - b);
    const running = await Promise.all(jobs.map(async (id) => (await api(c, 'GET', `/v1/jobs/${id}`)).body.state));
    console.log(
      `load: ${REQUESTS} requests from ${CLIENTS} clients, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms; jobs now ${running.join(', ')}`,
    );
    const health = await fetch(`${c.url}/v1/health`);
    expect(health.status).toBe(200);
    for (const id of jobs) await api(c, 'DELETE', `/v1/jobs/${id}`);
  });
});
