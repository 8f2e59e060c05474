/**
 * Runs engine requests in web workers, one worker per job: several jobs run side by side, and
 * cancelling one terminates its worker at once, wherever the engine is in its loop.
 */
import type { PaneOutput, PaneProgress, PaneRequest } from './engineRun';

export type WorkerReply =
  | ({ type: 'progress' } & PaneProgress)
  | { type: 'done'; output: PaneOutput }
  | { type: 'error'; message: string; field?: string };

/** The part of a Worker the runner uses (tests pass a stand-in). */
export interface EngineWorker {
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: { request: PaneRequest }): void;
  terminate(): void;
}

export type WorkerFactory = () => EngineWorker;

export class PaneJobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PaneJobCancelled';
  }
}

/** A failed pane job, with the engine's field when it named one. */
export class PaneJobFailed extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PaneJobFailed';
  }
}

export class PaneRunner {
  private readonly running = new Map<string, { worker: EngineWorker; cancel: () => void }>();

  /** Without a factory (no Worker in this host) nothing can run in the pane. */
  constructor(private readonly factory: WorkerFactory | undefined) {}

  get available(): boolean {
    return this.factory !== undefined;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  run(id: string, request: PaneRequest, onProgress: (progress: PaneProgress) => void): Promise<PaneOutput> {
    if (!this.factory) return Promise.reject(new PaneJobFailed('this pane cannot start web workers'));
    if (this.running.has(id)) return Promise.reject(new PaneJobFailed(`job ${id} is already running`));
    const worker = this.factory();
    return new Promise<PaneOutput>((resolve, reject) => {
      const finish = () => {
        this.running.delete(id);
        worker.onmessage = null;
        worker.onerror = null;
        worker.terminate();
      };
      this.running.set(id, {
        worker,
        cancel: () => {
          finish();
          reject(new PaneJobCancelled());
        },
      });
      worker.onmessage = (event) => {
        const reply = event.data;
        if (reply.type === 'progress') onProgress({ progress: reply.progress, detail: reply.detail });
        else if (reply.type === 'done') {
          finish();
          resolve(reply.output);
        } else {
          finish();
          reject(new PaneJobFailed(reply.message, reply.field));
        }
      };
      worker.onerror = (event) => {
        finish();
        reject(new PaneJobFailed(`the pane's worker failed: ${event.message || 'unknown error'}`));
      };
      worker.postMessage({ request });
    });
  }

  /** Stops a running job (its promise rejects with PaneJobCancelled); false when none runs. */
  cancel(id: string): boolean {
    const job = this.running.get(id);
    if (!job) return false;
    job.cancel();
    return true;
  }
}
