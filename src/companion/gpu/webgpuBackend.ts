/**
 * The companion's WebGPU backend: Dawn's adapter, opened once at start, reported in /v1/health,
 * and reopened after a device loss (driver reset, GPU removed, a kernel that ran too long on a
 * display GPU) so that later jobs get the GPU back. While it is gone jobs run on the CPU and say
 * so in their results.
 */
import { GpuContext, type AdapterDescription } from '../../gpu/context';
import { createGpu } from './dawn';

export type WebGpuOpening = { backend: WebGpuBackend; reason?: undefined } | { backend?: undefined; reason: string };

export class WebGpuBackend {
  private current: GpuContext | undefined;
  private reopening: Promise<void> | undefined;
  private lastLoss: string | undefined;

  private constructor(
    context: GpuContext,
    private readonly gpu: GPU,
  ) {
    this.current = context;
  }

  /**
   * The machine's WebGPU adapter, or why there is none (no GPU, no driver, no Dawn binary). A
   * software adapter (SwiftShader) is refused unless `allowSoftware`: emulating a GPU on the CPU
   * is slower than running the engine on the CPU threads directly.
   */
  static async open(allowSoftware = false): Promise<WebGpuOpening> {
    let gpu: GPU;
    try {
      gpu = createGpu();
    } catch (error) {
      return { reason: `Dawn could not be loaded: ${(error as Error).message.split('\n')[0]}` };
    }
    try {
      const context = await GpuContext.open(gpu);
      if (!context) return { reason: 'no WebGPU adapter was found (no GPU, or no Vulkan, Metal or D3D12 driver for it)' };
      if (context.adapter.software && !allowSoftware) {
        context.destroy();
        return { reason: `the only adapter is a software one (${context.adapter.name}), slower than the CPU threads; --backend webgpu uses it anyway` };
      }
      return { backend: new WebGpuBackend(context, gpu) };
    } catch (error) {
      return { reason: `the WebGPU device could not be opened: ${(error as Error).message}` };
    }
  }

  get adapter(): AdapterDescription | undefined {
    return this.current?.adapter;
  }

  /**
   * The working device, or undefined while it is lost (a new one is then being opened in the
   * background for the jobs that start later).
   */
  context(): GpuContext | undefined {
    const context = this.current;
    if (context && context.lost) {
      this.lastLoss = context.lost;
      this.current = undefined;
      this.reopen();
      return undefined;
    }
    if (!context) this.reopen();
    return context;
  }

  /** Why the device is unavailable right now, if it is. */
  get unavailable(): string | undefined {
    if (this.current && !this.current.lost) return undefined;
    return this.lastLoss ?? this.current?.lost ?? 'the device is being reopened';
  }

  private reopen(): void {
    this.reopening ??= GpuContext.open(this.gpu)
      .then(
        (context) => {
          if (context) this.current = context;
        },
        () => undefined,
      )
      .finally(() => {
        this.reopening = undefined;
      });
  }

  destroy(): void {
    const context = this.current;
    this.current = undefined;
    context?.destroy();
  }
}

/** The GPU backend for `choice`: none for 'cpu'; for 'webgpu' an adapter or an error saying why not. */
export async function openWebGpu(choice: 'auto' | 'cpu' | 'webgpu', log: (line: string) => void): Promise<WebGpuBackend | undefined> {
  if (choice === 'cpu') return undefined;
  const opened = await WebGpuBackend.open(choice === 'webgpu');
  if (opened.backend) return opened.backend;
  if (choice === 'webgpu') throw new Error(`the webgpu backend is not available: ${opened.reason}`);
  log(`no GPU backend (${opened.reason}); jobs run on the CPU threads`);
  return undefined;
}
