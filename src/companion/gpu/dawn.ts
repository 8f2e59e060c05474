/**
 * Dawn (Google's WebGPU implementation) for Node, from the `webgpu` npm package: one binary per
 * platform that exposes navigator.gpu's API. Loaded by path rather than through the package's
 * ES-module entry so that it works under require() everywhere (the compiled companion, jest),
 * and lazily, so that a machine whose binary or Vulkan/Metal/D3D12 loader is missing still runs
 * the CPU backend and says why the GPU one is absent.
 */
import path from 'node:path';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let loaded: DawnModule | undefined;

function dawnBinaryPath(): string {
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const packageDir = path.dirname(require.resolve('webgpu/package.json'));
  return path.join(packageDir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
}

/** The Dawn module; throws with the reason (no binary for this platform, a missing loader). */
function loadDawn(): DawnModule {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(dawnBinaryPath()) as DawnModule;
  }
  return loaded;
}

/**
 * navigator.gpu for Node. `flags` are Dawn toggles such as 'backend=vulkan' or
 * 'adapter=SwiftShader'; none lets Dawn pick the platform's native backend.
 */
export function createGpu(flags: string[] = []): GPU {
  return loadDawn().create(flags);
}
