/**
 * The worker-thread half of every job type, by the `kind` of its context. Imported by worker.ts
 * only: the main thread never builds games or runs units.
 */
import { poolSplitWorker } from './poolSplit';
import { shapleyExactWorker } from './shapleyExact';
import { shapleyNucleolusWorker } from './shapleyNucleolus';
import { shapleySampleWorker } from './shapleySample';
import { shapleyStratifiedWorker } from './shapleyStratified';
import { similarityWorker } from './similarity';
import type { AsyncWorkerJob, WorkerJob } from './types';

export const WORKER_JOBS: Readonly<Record<string, WorkerJob<any> | AsyncWorkerJob<any>>> = {
  'shapley.exact': shapleyExactWorker,
  'shapley.sample': shapleySampleWorker,
  'shapley.stratified': shapleyStratifiedWorker,
  'shapley.nucleolus': shapleyNucleolusWorker,
  'attribution.similarity': similarityWorker,
  'pool.split': poolSplitWorker,
};
