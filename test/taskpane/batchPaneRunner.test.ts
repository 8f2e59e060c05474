/**
 * The pane's runner of web workers, with a stand-in worker that runs the real engine request
 * (engineRun.ts, as engineWorker.ts does) asynchronously: results, progress, errors with their
 * field, cancellation, which terminates the worker, and the nucleolus with its LP solver loaded in
 * the worker.
 */
import { PaneInputError, runPaneJob, type PaneRequest } from '../../src/taskpane/batch/engineRun';
import { PaneJobCancelled, PaneJobFailed, PaneRunner, type EngineWorker, type WorkerReply } from '../../src/taskpane/batch/paneRunner';
import { tableGame } from '../../src/engine/games/table';
import { permutationShapley } from '../../src/engine/shapley/sampling';

/** Behaves as engineWorker.ts: runs the request on a later turn and posts progress and the outcome. */
class FakeWorker implements EngineWorker {
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor(private readonly crash = false) {}
  postMessage(message: { request: PaneRequest }): void {
    setTimeout(() => {
      if (this.terminated) return;
      if (this.crash) {
        this.onerror?.({ message: 'out of memory' } as ErrorEvent);
        return;
      }
      const send = (reply: WorkerReply) => this.onmessage?.({ data: reply } as MessageEvent<WorkerReply>);
      // As engineWorker.ts: awaited (the nucleolus loads its solver); a terminated worker posts nothing.
      runPaneJob(message.request, (p) => send({ type: 'progress', ...p }), 0).then(
        (output) => {
          if (!this.terminated) send({ type: 'done', output });
        },
        (error: unknown) => {
          if (!this.terminated) send({ type: 'error', message: (error as Error).message, ...(error instanceof PaneInputError && error.field ? { field: error.field } : {}) });
        },
      );
    }, 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const VALUES = [0, 50, 40, 80, 30, 80, 60, 100];

test('runs a request in a worker, reports progress, resolves with the engine’s numbers and ends the worker', async () => {
  const workers: FakeWorker[] = [];
  const runner = new PaneRunner(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  });
  const progress: number[] = [];
  const out = await runner.run('j1', { kind: 'sample', game: { type: 'table', n: 3, values: VALUES }, options: { seed: 5, maxPermutations: 4000, antithetic: false } }, (p) => progress.push(p.progress));
  const engine = permutationShapley(tableGame(Float64Array.from(VALUES), 3), { seed: 5, maxPermutations: 4000 });
  expect(out.values).toEqual(Array.from(engine.values));
  expect(progress.length).toBeGreaterThan(0);
  expect(workers).toHaveLength(1);
  expect(workers[0].terminated).toBe(true);
  expect(runner.isRunning('j1')).toBe(false);
});

test('an input error comes back with its field', async () => {
  const runner = new PaneRunner(() => new FakeWorker());
  const error = await runner.run('j', { kind: 'exact-voting', weights: [1, 1], quota: 3 }, () => undefined).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PaneJobFailed);
  expect(error).toMatchObject({ field: 'quota' });
});

test('cancel terminates the worker at once and rejects the job', async () => {
  const worker = new FakeWorker();
  const runner = new PaneRunner(() => worker);
  const running = runner.run('j', { kind: 'exact-table', n: 3, values: VALUES }, () => undefined);
  expect(runner.isRunning('j')).toBe(true);
  expect(runner.cancel('j')).toBe(true);
  await expect(running).rejects.toBeInstanceOf(PaneJobCancelled);
  expect(worker.terminated).toBe(true);
  expect(runner.cancel('j')).toBe(false);
});

test('a crashed worker fails the job; without workers nothing runs', async () => {
  await expect(new PaneRunner(() => new FakeWorker(true)).run('j', { kind: 'exact-table', n: 3, values: VALUES }, () => undefined)).rejects.toThrow(/worker failed: out of memory/);
  const none = new PaneRunner(undefined);
  expect(none.available).toBe(false);
  await expect(none.run('j', { kind: 'exact-table', n: 3, values: VALUES }, () => undefined)).rejects.toThrow(/cannot start web workers/);
});
