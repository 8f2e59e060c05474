/**
 * The one WebGPU device the GPU kernels run on, with the few things every kernel needs: buffers,
 * cached pipelines, dispatches checked for errors, and read-back. Pure WebGPU (no Node, no DOM):
 * the companion hands in a device from Dawn (src/companion/gpu/dawn.ts); a browser could hand in
 * navigator.gpu's.
 *
 * Failure model. WebGPU reports most failures asynchronously through error scopes and the
 * device's `lost` promise instead of exceptions. `submit` wraps each batch of commands in
 * out-of-memory and validation scopes and turns what they catch into a GpuError, so a kernel
 * either returns numbers or throws; a caller (the companion's runner) then retries in smaller
 * pieces or on the CPU and records why.
 */

/** Largest plain copy made of shared memory on its way to the GPU. */
const COPY_PIECE_BYTES = 64 * 1024 * 1024;

/** GPUBufferUsage / GPUMapMode flags, as numbers: Node has no such globals. */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

export type GpuFailure = 'out-of-memory' | 'device-lost' | 'validation' | 'internal' | 'too-large';

/** A GPU failure; `kind` tells the caller whether smaller pieces may succeed. */
export class GpuError extends Error {
  constructor(
    readonly kind: GpuFailure,
    message: string,
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

/** What the companion reports of the adapter (GET /v1/health). */
export interface AdapterDescription {
  /** Human name: the description if the driver gives one, else vendor and architecture. */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A software implementation on the CPU (SwiftShader): right for tests, slower than our threads. */
  readonly software: boolean;
}

export function describeAdapter(info: GPUAdapterInfo): AdapterDescription {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const name = description || [vendor, architecture, device].filter(Boolean).join(' ') || 'unknown WebGPU adapter';
  // isFallbackAdapter is recent in the spec (and in @webgpu/types); Dawn sets it for SwiftShader.
  const software = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true || architecture === 'swiftshader';
  return { name, vendor, architecture, device, description, software };
}

/** Limits we raise to the adapter's maximum when asking for the device. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export class GpuContext {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private lostReason: string | undefined;
  /**
   * The navigator.gpu object the device came from. Dawn for Node crashes the process if that
   * object is garbage-collected while its device lives, so the context holds on to it.
   */
  gpuRoot: GPU | undefined;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
  ) {
    void device.lost.then((info) => {
      this.lostReason = `${info.reason === 'destroyed' ? 'device destroyed' : 'device lost'}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  /** Opens the best adapter of `gpu` with its largest limits; undefined when there is none. */
  static async open(gpu: GPU, powerPreference: GPUPowerPreference = 'high-performance'): Promise<GpuContext | undefined> {
    const adapter = await gpu.requestAdapter({ powerPreference });
    if (!adapter) return undefined;
    const requiredLimits: Record<string, number> = {};
    for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
    const device = await adapter.requestDevice({ requiredLimits });
    const context = new GpuContext(device, describeAdapter(adapter.info));
    context.gpuRoot = gpu;
    return context;
  }

  /** Wraps a device already opened elsewhere (a browser's, a test's). */
  static fromDevice(device: GPUDevice, adapter: AdapterDescription): GpuContext {
    return new GpuContext(device, adapter);
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Why the device is gone, or undefined while it works. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** The compute pipeline of `code` (WGSL), compiled once per code, entry point and constants. */
  pipeline(code: string, entryPoint = 'main', constants?: Record<string, number>): GPUComputePipeline {
    const key = `${entryPoint}\u0000${JSON.stringify(constants ?? {})}\u0000${code}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint, constants } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** A storage buffer of `size` bytes (rounded up to 4), checked against the device's limits. */
  buffer(size: number, usage: number = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label?: string): GPUBuffer {
    this.throwIfLost();
    const bytes = Math.max(4, Math.ceil(size / 4) * 4);
    const limit = (usage & BufferUsage.STORAGE) !== 0 ? Math.min(this.limits.maxBufferSize, this.limits.maxStorageBufferBindingSize) : this.limits.maxBufferSize;
    if (bytes > limit) throw new GpuError('too-large', `${label ?? 'a buffer'} of ${bytes} bytes exceeds the device's limit of ${limit} bytes`);
    return this.device.createBuffer({ size: bytes, usage, label });
  }

  /** A storage buffer holding `data`. */
  upload(data: ArrayBufferView, label?: string, usage: number = BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC): GPUBuffer {
    const buffer = this.buffer(data.byteLength, usage | BufferUsage.COPY_DST, label);
    this.write(buffer, 0, data);
    return buffer;
  }

  /**
   * Writes `data` into `buffer` at `offset` (a multiple of 4). Dawn refuses views of a
   * SharedArrayBuffer (where the companion keeps job data for its threads), and writeBuffer takes
   * whole 4-byte words: such data goes through plain copies of at most 64 MiB, a ragged tail
   * padded with zeros.
   */
  write(buffer: GPUBuffer, offset: number, data: ArrayBufferView): void {
    const queue = this.device.queue;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const shared = typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
    const whole = bytes.byteLength - (bytes.byteLength % 4);
    if (!shared && whole > 0) queue.writeBuffer(buffer, offset, bytes.buffer as ArrayBuffer, bytes.byteOffset, whole);
    else {
      for (let at = 0; at < whole; at += COPY_PIECE_BYTES) {
        const piece = bytes.slice(at, Math.min(whole, at + COPY_PIECE_BYTES));
        queue.writeBuffer(buffer, offset + at, piece);
      }
    }
    if (whole < bytes.byteLength) {
      const padded = new Uint8Array(4);
      padded.set(bytes.subarray(whole));
      queue.writeBuffer(buffer, offset + whole, padded);
    }
  }

  /** A uniform buffer of 32-bit words (u32 view of the bits given). */
  uniform(words: Uint32Array | Int32Array | Float32Array, label?: string): GPUBuffer {
    const buffer = this.buffer(Math.max(16, Math.ceil(words.byteLength / 16) * 16), BufferUsage.UNIFORM | BufferUsage.COPY_DST, label);
    this.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    return buffer;
  }

  /** A bind group of `buffers` at bindings 0, 1, 2… of group 0 of `pipeline`. */
  bind(pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /**
   * Records commands with `record`, submits them and waits until the GPU has run them; throws a
   * GpuError for an out-of-memory or validation error raised meanwhile, or a lost device.
   */
  async submit(record: (encoder: GPUCommandEncoder) => void): Promise<void> {
    this.throwIfLost();
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    device.pushErrorScope('internal');
    const encoder = device.createCommandEncoder();
    record(encoder);
    device.queue.submit([encoder.finish()]);
    // Popped in one synchronous step: with an await between pops, a submit running concurrently
    // (two jobs share the device) could pop this one's scopes.
    const scopes = [device.popErrorScope(), device.popErrorScope(), device.popErrorScope()];
    const [internal, validation, memory] = await Promise.all(scopes);
    await device.queue.onSubmittedWorkDone();
    this.throwIfLost();
    if (memory) throw new GpuError('out-of-memory', `the GPU ran out of memory: ${memory.message}`);
    if (validation) throw new GpuError('validation', `the GPU refused the work: ${validation.message}`);
    if (internal) throw new GpuError('internal', `the GPU failed: ${internal.message}`);
  }

  /** One compute pass: `pipeline` over `workgroups` (x, y, z) with `buffers` bound at 0, 1, 2… */
  dispatch(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[], workgroups: readonly [number, number?, number?]): void {
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bind(pipeline, buffers));
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
  }

  /** The bytes [offset, offset + size) of `buffer` (which needs COPY_SRC), read back. */
  async read(buffer: GPUBuffer, offset = 0, size = buffer.size - offset): Promise<ArrayBuffer> {
    const staging = this.buffer(size, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'read-back');
    try {
      await this.submit((encoder) => encoder.copyBufferToBuffer(buffer, offset, staging, 0, Math.ceil(size / 4) * 4));
      await staging.mapAsync(MapMode.READ);
      const copy = staging.getMappedRange().slice(0, size);
      staging.unmap();
      return copy;
    } finally {
      staging.destroy();
    }
  }

  destroy(): void {
    this.pipelines.clear();
    this.device.destroy();
    this.gpuRoot = undefined;
  }

  private throwIfLost(): void {
    if (this.lostReason) throw new GpuError('device-lost', `the GPU is no longer available (${this.lostReason})`);
  }
}
