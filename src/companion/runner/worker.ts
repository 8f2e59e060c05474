/**
 * Entry of a worker thread (protocol in pool.ts). Keeps each job's state, built once from the
 * context the pool sends with the thread's first unit of that job, until the job ends. A unit
 * that throws answers with the serialised error; nothing a unit does can stop the thread short
 * of a crash, which the pool reports and repairs.
 */
import { parentPort } from 'node:worker_threads';
import { WORKER_JOBS } from '../jobs/workerJobs';
import { serialiseError } from './pool';

interface RunMessage {
  type: 'run';
  taskId: number;
  key: string;
  context?: { kind: string };
  payload: unknown;
}

interface DropMessage {
  type: 'drop';
  key: string;
}

const states = new Map<string, { kind: string; state: unknown }>();

type UnitResult = { output: unknown; transfer?: ArrayBuffer[] };

function run(message: RunMessage): UnitResult | Promise<UnitResult> {
  let entry = states.get(message.key);
  if (!entry) {
    if (!message.context) throw new Error(`no context for job ${message.key} on this thread`);
    const kind = message.context.kind;
    const job = WORKER_JOBS[kind];
    if (!job) throw new Error(`unknown job kind ${kind}`);
    entry = { kind, state: job.setup(message.context) };
    states.set(message.key, entry);
  }
  return WORKER_JOBS[entry.kind].run(entry.state, message.payload);
}

// A thread runs one unit at a time (the pool waits for its answer), so awaiting an asynchronous
// unit here cannot interleave two units' states.
parentPort!.on('message', async (message: RunMessage | DropMessage) => {
  if (message.type === 'drop') {
    states.delete(message.key);
    return;
  }
  const start = performance.now();
  try {
    const { output, transfer } = await run(message);
    parentPort!.postMessage({ taskId: message.taskId, ok: true, output, elapsedMs: performance.now() - start }, transfer ?? []);
  } catch (error) {
    parentPort!.postMessage({ taskId: message.taskId, ok: false, error: serialiseError(error) });
  }
});
