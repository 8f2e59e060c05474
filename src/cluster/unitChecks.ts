/*
 * What the coordinator checks of a worker's answer before the runner merges it: that it answers
 * the unit that was asked (its id, the digest of its payload, the digest of its context and the
 * seed in it) and that it has the shape and the finite values that unit's kind produces. A
 * worker whose memory, disk or build is bad must fail these checks, not slip a wrong number into
 * a merged result; a wrong number of the right shape is what the re-run check (clusterPool.ts)
 * is for.
 */
import { createHash } from 'node:crypto';
import type { BlockOutput, BlockUnit } from '../companion/jobs/shapleySample';
import type { ExactUnit } from '../companion/jobs/shapleyExact';

/** What a worker repeats of the unit it ran, so that the coordinator can tell it is the one asked. */
export interface UnitEcho {
  /** The BullMQ job id of the unit. */
  unit: string;
  /** SHA-256 of the payload as queued (its base64 text). */
  payloadDigest: string;
  contextDigest: string;
  /** The seed of the job's sampling plan, when it has one. */
  seed: number | null;
}

export function digestOfText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The seed of a context's sampling plan (shapley.sample), or null. */
export function seedOfContext(context: unknown): number | null {
  const seed = (context as { plan?: { seed?: unknown } } | null)?.plan?.seed;
  return typeof seed === 'number' ? seed : null;
}

/** Why `echo` is not the answer to the unit asked, or undefined when it is. */
export function echoProblem(asked: UnitEcho, echo: Partial<UnitEcho> | undefined): string | undefined {
  if (echo === undefined) return 'it does not say which unit it answers';
  if (echo.unit !== asked.unit) return `it answers unit ${String(echo.unit)}, not ${asked.unit}`;
  if (echo.payloadDigest !== asked.payloadDigest) return 'it was computed on another payload';
  if (echo.contextDigest !== asked.contextDigest) return 'it was computed on another context';
  if (echo.seed !== asked.seed) return `it was computed with seed ${String(echo.seed)}, not ${String(asked.seed)}`;
  return undefined;
}

/**
 * By tag, not instanceof: arrays decoded by v8.deserialize belong to the main realm, which is
 * not the realm of code run in a vm context (a test runner's).
 */
const tagOf = (value: unknown): string => Object.prototype.toString.call(value);
const isFloat64Array = (value: unknown): value is Float64Array => tagOf(value) === '[object Float64Array]';
const isFloatArray = (value: unknown): value is Float64Array | Float32Array => isFloat64Array(value) || tagOf(value) === '[object Float32Array]';

/** The first value in `value` (numbers and float arrays, however nested) that is not finite. */
function firstNonFinite(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (value === null || typeof value !== 'object' || depth > 8) return undefined;
  if (isFloatArray(value)) {
    for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i])) return `${path}[${i}] is ${value[i]}`;
    return undefined;
  }
  if (ArrayBuffer.isView(value) || tagOf(value) === '[object ArrayBuffer]') return undefined;
  if (tagOf(value) === '[object Map]') {
    for (const [k, v] of value as Map<unknown, unknown>) {
      const problem = firstNonFinite(v, `${path}.${String(k)}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const problem = firstNonFinite(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function sampleBlockProblem(payload: BlockUnit, output: BlockOutput): string | undefined {
  if (output === null || typeof output !== 'object') return 'the block is not an object';
  if (output.blockIndex !== payload.blockIndex) return `it is block ${output.blockIndex}, not ${payload.blockIndex}`;
  if (output.samples !== payload.samples) return `it holds ${output.samples} samples, not ${payload.samples}`;
  if (!isFloat64Array(output.mean) || !isFloat64Array(output.m2)) return 'its means are not float64 arrays';
  if (output.mean.length === 0 || output.mean.length !== output.m2.length) return `its means (${output.mean.length}) and squares (${output.m2.length}) differ in length`;
  for (let i = 0; i < output.m2.length; i++) if (output.m2[i] < 0) return `its sum of squares [${i}] is negative`;
  return undefined;
}

function exactRangeProblem(payload: ExactUnit, output: unknown): string | undefined {
  if (!isFloat64Array(output)) return 'the values are not a float64 array';
  if (output.length !== payload.to - payload.from) return `it holds ${output.length} values for players ${payload.from}–${payload.to - 1}`;
  return undefined;
}

/** Why a unit's output cannot be merged, or undefined when it can. */
export function outputProblem(kind: string, payload: unknown, output: unknown): string | undefined {
  const shape = kind === 'shapley.sample' ? sampleBlockProblem(payload as BlockUnit, output as BlockOutput) : kind === 'shapley.exact' ? exactRangeProblem(payload as ExactUnit, output) : output === undefined ? 'it is empty' : undefined;
  return shape ?? firstNonFinite(output, 'output');
}
