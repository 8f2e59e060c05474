/**
 * A fixed set of worker threads running units of work for jobs.
 *
 * Why worker_threads directly rather than piscina: a unit needs its job's context (a shared
 * table, a game built from its spec, normalised embeddings) set up once per thread, not once per
 * task; cancelling a job must drop its queued units and stop the threads busy with it; a crashed
 * thread must fail exactly the unit it ran and be replaced. Those three are the whole pool here
 * (~200 lines) and would be work-arounds around piscina's task model. Piscina also starts its
 * tasks through its own entry module with a dynamic import(), which under tsx needs the ESM
 * loader hooks, while a plain Worker on a .ts file needs only `--require tsx/cjs`.
 *
 * Protocol (see worker.ts): the pool posts {type: 'run', taskId, key, context?, payload}, with
 * `context` only when that thread has not seen `key` yet, and {type: 'drop', key} when a job
 * ends. The thread answers {taskId, ok: true, output, elapsedMs} or {taskId, ok: false, error}.
 */
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { EngineInputError } from '../../engine/errors';
import { JobInputError } from '../jobs/errors';

export interface TaskResult {
  output: unknown;
  /** Time the thread spent on the unit (excluding queueing and messaging). */
  elapsedMs: number;
}

/**
 * Where the runner sends its units: the threads of this machine (WorkerPool) or a cluster of
 * workers (src/cluster/clusterPool.ts).
 */
export interface UnitPool {
  readonly size: number;
  run(key: string, context: unknown, payload: unknown): Promise<TaskResult>;
  cancel(key: string, graceMs: number): void;
  release(key: string): void;
  close(graceMs?: number): Promise<void>;
  /** What a job's result should say of where its units ran (a cluster's workers and checks). */
  describe?(key: string): Record<string, unknown> | undefined;
}

/** Rejection of a task whose job was cancelled: not an error of the job. */
export class TaskCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'TaskCancelled';
  }
}

/** Rejection of a task whose thread stopped (crash, out of memory, process.exit in a unit). */
export class WorkerCrashed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashed';
  }
}

export interface SerialisedError {
  name: string;
  message: string;
  field?: string;
  index?: number;
  detail?: string;
}

/** An error as a thread (or a cluster worker) sends it back: its field and index kept for the report. */
export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof Error) {
    const e = error as Error & { field?: unknown; index?: unknown; detail?: unknown };
    return {
      name: e.name,
      message: e.message,
      field: typeof e.field === 'string' ? e.field : undefined,
      index: typeof e.index === 'number' ? e.index : undefined,
      detail: typeof e.detail === 'string' ? e.detail : undefined,
    };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds the engine's and the jobs' input errors so that the runner reports their field. */
export function deserialiseError(e: SerialisedError): Error {
  if (e.name === 'EngineInputError' && typeof e.field === 'string') return new EngineInputError(e.field, e.index, e.detail ?? e.message);
  if (e.name === 'JobInputError' && typeof e.field === 'string') return new JobInputError(e.field, e.message, e.index);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

interface Task {
  readonly taskId: number;
  readonly key: string;
  readonly context: unknown;
  readonly payload: unknown;
  readonly resolve: (r: TaskResult) => void;
  readonly reject: (e: Error) => void;
  /** Set when the task's job is cancelled while a thread runs it. */
  cancelled?: boolean;
}

interface Thread {
  readonly worker: Worker;
  readonly contexts: Set<string>;
  task?: Task;
  /** Units finished: a thread that dies before its first is a start-up failure. */
  finished: number;
  /** Why the thread stopped, from its 'error' event, for the 'exit' handler. */
  failure?: string;
  /** Terminated on purpose (cancel, close): its exit is expected. */
  retired?: boolean;
}

/** The worker entry next to this module: worker.ts under tsx (dev, tests), worker.js once compiled. */
export function defaultWorkerFile(): string {
  return path.join(__dirname, __filename.endsWith('.ts') ? 'worker.ts' : 'worker.js');
}

/** Consecutive threads that die before finishing a unit before the pool gives up on its file. */
const MAX_START_FAILURES = 3;

export class WorkerPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Task[] = [];
  private nextTaskId = 1;
  private closing = false;
  private startFailures = 0;
  private brokenReason: string | undefined;

  constructor(
    readonly size: number,
    private readonly file: string = defaultWorkerFile(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a worker pool needs at least 1 thread, got ${size}`);
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
  }

  /** Runs `payload` on a thread that holds (or first receives) the context `key`. */
  run(key: string, context: unknown, payload: unknown): Promise<TaskResult> {
    return new Promise<TaskResult>((resolve, reject) => {
      if (this.closing) return reject(new WorkerCrashed('the worker pool is closed'));
      if (this.brokenReason) return reject(new WorkerCrashed(this.brokenReason));
      this.queue.push({ taskId: this.nextTaskId++, key, context, payload, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Cancels every task of `key`: queued ones reject at once with TaskCancelled; running ones
   * reject at once too, and their threads get `graceMs` to finish the unit (cheaper than a new
   * thread) before they are terminated and replaced.
   */
  cancel(key: string, graceMs: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].key === key) this.queue.splice(i, 1)[0].reject(new TaskCancelled());
    }
    for (const thread of this.threads) {
      const task = thread.task;
      if (!task || task.key !== key || task.cancelled) continue;
      task.cancelled = true;
      task.reject(new TaskCancelled());
      const timer = setTimeout(() => {
        if (thread.task === task) this.replace(thread);
      }, graceMs);
      timer.unref();
    }
  }

  /** The job `key` ended: threads may free its context. */
  release(key: string): void {
    for (const thread of this.threads) {
      if (thread.contexts.delete(key)) thread.worker.postMessage({ type: 'drop', key });
    }
  }

  /** Threads currently running a unit. */
  busy(): number {
    return this.threads.filter((t) => t.task).length;
  }

  queued(): number {
    return this.queue.length;
  }

  /**
   * Stops the pool: queued tasks reject; running units get `graceMs` to finish, then every
   * thread is terminated.
   */
  async close(graceMs = 0): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const task of this.queue.splice(0)) task.reject(new WorkerCrashed('the worker pool is closed'));
    const deadline = Date.now() + graceMs;
    while (this.busy() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(
      this.threads.map(async (thread) => {
        thread.retired = true;
        if (thread.task) {
          thread.task.reject(new WorkerCrashed('the worker pool is closed'));
          thread.task = undefined;
        }
        await thread.worker.terminate();
      }),
    );
  }

  private spawn(): Thread {
    const execArgv = this.file.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [];
    const worker = new Worker(this.file, { execArgv });
    const thread: Thread = { worker, contexts: new Set(), finished: 0 };
    worker.on('message', (message: { taskId: number; ok: boolean; output?: unknown; elapsedMs?: number; error?: SerialisedError }) => {
      const task = thread.task;
      if (!task || task.taskId !== message.taskId) return;
      thread.task = undefined;
      thread.finished++;
      this.startFailures = 0;
      if (!task.cancelled) {
        if (message.ok) task.resolve({ output: message.output, elapsedMs: message.elapsedMs ?? 0 });
        else task.reject(deserialiseError(message.error ?? { name: 'Error', message: 'the worker reported an error without details' }));
      }
      this.dispatch();
    });
    worker.on('error', (error) => {
      thread.failure = `${error.name}: ${error.message}`;
    });
    worker.on('exit', (code) => this.onExit(thread, code));
    return thread;
  }

  private onExit(thread: Thread, code: number): void {
    const index = this.threads.indexOf(thread);
    if (index < 0 || thread.retired) return;
    const reason = `a worker thread stopped (${thread.failure ?? `exit code ${code}`})`;
    const task = thread.task;
    thread.task = undefined;
    if (task && !task.cancelled) task.reject(new WorkerCrashed(reason));
    if (this.closing) return;
    if (thread.finished === 0 && !task) this.startFailures++;
    if (this.startFailures >= MAX_START_FAILURES) {
      // The worker file itself does not start: fail fast instead of respawning forever.
      this.brokenReason = `worker threads fail to start: ${reason}`;
      thread.retired = true;
      for (const t of this.queue.splice(0)) t.reject(new WorkerCrashed(this.brokenReason));
      return;
    }
    this.threads[index] = this.spawn();
    this.dispatch();
  }

  /** Terminates a thread stuck on a cancelled unit and puts a fresh one in its place. */
  private replace(thread: Thread): void {
    const index = this.threads.indexOf(thread);
    if (index < 0 || this.closing) return;
    thread.retired = true;
    thread.task = undefined;
    void thread.worker.terminate();
    this.threads[index] = this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    if (this.closing) return;
    for (const thread of this.threads) {
      if (this.queue.length === 0) return;
      if (thread.task || thread.retired) continue;
      // Oldest first: jobs sharing the pool interleave in submission order (each job bounds its
      // own units in flight), and a context is set up at most once per thread and job anyway.
      const task = this.queue.shift()!;
      thread.task = task;
      const fresh = !thread.contexts.has(task.key);
      thread.contexts.add(task.key);
      thread.worker.postMessage({ type: 'run', taskId: task.taskId, key: task.key, context: fresh ? task.context : undefined, payload: task.payload });
    }
  }
}
