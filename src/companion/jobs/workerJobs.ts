/**
 * The worker-thread half of every job type, by the `kind` of its context. Imported by worker.ts
 * only: the main thread never builds games or runs units.
 */
import { shapleyExactWorker } from './shapleyExact';
import { shapleySampleWorker } from './shapleySample';
import { similarityWorker } from './similarity';
import type { WorkerJob } from './types';

export const WORKER_JOBS: Readonly<Record<string, WorkerJob<any>>> = {
  'shapley.exact': shapleyExactWorker,
  'shapley.sample': shapleySampleWorker,
  'attribution.similarity': similarityWorker,
};
