/** Every job type the companion runs, by the `type` a client names in POST /v1/jobs. */
import { poolSplit } from './poolSplit';
import { shapleyExact } from './shapleyExact';
import { shapleyNucleolus } from './shapleyNucleolus';
import { shapleySample } from './shapleySample';
import { shapleyStratified } from './shapleyStratified';
import { attributionSimilarity } from './similarity';
import type { JobDefinition, JobType } from './types';

export const JOB_DEFINITIONS: Readonly<Record<JobType, JobDefinition<any>>> = {
  'shapley.exact': shapleyExact,
  'shapley.sample': shapleySample,
  'shapley.stratified': shapleyStratified,
  'shapley.nucleolus': shapleyNucleolus,
  'attribution.similarity': attributionSimilarity,
  'pool.split': poolSplit,
};
