/**
 * The pane's web worker: runs one engine request (engineRun.ts) off the page's thread, posting
 * progress and the result. Cancelling terminates the worker (the engine's loops are synchronous,
 * so a 'cancel' message could not be read before they end); paneRunner.ts starts one per job.
 *
 * Bundled by webpack 5 from `new Worker(new URL('./engineWorker.ts', import.meta.url))`.
 */
import { PaneInputError, runPaneJob, type PaneRequest } from './engineRun';
import type { WorkerReply } from './paneRunner';

// The DOM library has no DedicatedWorkerGlobalScope; these two members are all this file uses.
const scope = self as unknown as { onmessage: ((event: MessageEvent<{ request: PaneRequest }>) => void) | null; postMessage(message: WorkerReply): void };

// Asynchronous for the nucleolus (its LP solver is fetched and compiled on the first request);
// the other requests run to the end in the same turn, as before.
scope.onmessage = async (event) => {
  try {
    const output = await runPaneJob(event.data.request, (progress) => scope.postMessage({ type: 'progress', ...progress }));
    scope.postMessage({ type: 'done', output });
  } catch (error) {
    scope.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof PaneInputError && error.field ? { field: error.field } : {}),
    });
  }
};
