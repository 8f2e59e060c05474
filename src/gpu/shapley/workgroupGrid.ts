/**
 * Shapes of dispatches. WebGPU caps each dimension of a dispatch at maxComputeWorkgroupsPerDimension
 * (65,535 on most devices), far below the workgroups a large batch needs, so the kernels take a
 * 2-D grid and number their workgroups row by row: group = wg.y · num_workgroups.x + wg.x, with
 * the surplus of the last row doing nothing.
 */
import type { GpuContext } from '../context';

/** A grid (x, y) of at least `workgroups` workgroups, neither side above `maxPerDimension`. */
export function workgroupGrid(workgroups: number, maxPerDimension: number): [number, number] {
  if (workgroups <= maxPerDimension) return [Math.max(1, workgroups), 1];
  const y = Math.ceil(workgroups / maxPerDimension);
  if (y > maxPerDimension) throw new RangeError(`${workgroups} workgroups exceed a ${maxPerDimension} × ${maxPerDimension} grid`);
  return [Math.ceil(workgroups / y), y];
}

/** WGSL: the linear number of the workgroup in such a grid. */
export const LINEAR_GROUP_WGSL = /* wgsl */ `
fn linearGroup(wg: vec3<u32>, groups: vec3<u32>) -> u32 {
  return wg.y * groups.x + wg.x;
}
`;

/** Limits of one device that the kernels size their dispatches by, possibly lowered by tests. */
export interface DispatchLimits {
  /** Largest storage buffer a kernel may bind, in bytes. */
  readonly storageBytes: number;
  readonly workgroupsPerDimension: number;
}

export interface DispatchLimitOptions {
  /** Lowers the storage binding size used (tests force several chunks or dispatches with it). */
  readonly maxStorageBytes?: number;
  /** Lowers the workgroups per dimension used (tests force 2-D grids with it). */
  readonly maxWorkgroupsPerDimension?: number;
}

function positiveWhole(name: string, value: number | undefined, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new RangeError(`options.${name} must be a whole number ≥ ${minimum}, got ${String(value)}`);
  }
  return value;
}

export function dispatchLimits(gpu: GpuContext, options: DispatchLimitOptions = {}): DispatchLimits {
  const { limits } = gpu;
  const storage = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const wanted = positiveWhole('maxStorageBytes', options.maxStorageBytes, 16);
  const groups = positiveWhole('maxWorkgroupsPerDimension', options.maxWorkgroupsPerDimension, 1);
  return {
    // Whole 16-byte units, so that every element type the kernels bind fits evenly.
    storageBytes: Math.floor(Math.min(storage, wanted ?? Infinity) / 16) * 16,
    workgroupsPerDimension: Math.min(limits.maxComputeWorkgroupsPerDimension, groups ?? Infinity),
  };
}
