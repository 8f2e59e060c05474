/**
 * The GPU the kernel tests run on: the machine's own through Dawn, or SwiftShader (a Vulkan
 * implementation on the CPU, from Debian's chromium) where VK_ICD_FILENAMES points at it, as in
 * CI (.ci/run). Without any adapter the GPU suites are skipped with the reason in their title and
 * on the console — except under CI, where a missing SwiftShader is a broken set-up and fails.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createGpu } from '../../src/companion/gpu/dawn';
import { GpuContext } from '../../src/gpu/context';

let softwareAdapter = false;

/**
 * The timeout of every GPU suite's tests and hooks. SwiftShader runs the kernels on the CPU, and
 * on a busy machine (CI on shared cores) a kernel test can take many times its usual seconds: the
 * suites must not depend on the machine's speed. Speed is measured by the benchmarks instead.
 */
export const GPU_TEST_TIMEOUT_MS = 600_000;

/** Probed in a child process so that a crash of the driver cannot take the test worker down. */
function probe(): string | undefined {
  const script = `
    const path = require('node:path');
    const dawn = require(path.join(path.dirname(require.resolve('webgpu/package.json')), 'dist', process.platform + '-' + (process.platform === 'darwin' ? 'universal' : process.arch), 'dawn.node'));
    dawn.create([]).requestAdapter().then((a) => { process.stdout.write(!a ? 'no WebGPU adapter (no GPU, and VK_ICD_FILENAMES does not point at SwiftShader)' : a.info.isFallbackAdapter || a.info.architecture === 'swiftshader' ? 'ok software' : 'ok'); process.exit(0); },
      (e) => { process.stdout.write('requestAdapter failed: ' + e.message); process.exit(0); });`;
  try {
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'ignore'] });
    softwareAdapter = out === 'ok software';
    return out.startsWith('ok') ? undefined : out || 'the adapter probe printed nothing';
  } catch (error) {
    return `loading Dawn failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

export const gpuUnavailable: string | undefined = probe();

if (gpuUnavailable && process.env.CI) {
  throw new Error(`CI must run the GPU kernels on SwiftShader, but ${gpuUnavailable}. Install chromium and libvulkan1 and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`);
}
if (gpuUnavailable) console.warn(`GPU tests skipped: ${gpuUnavailable}`);

/** `describe` when a GPU is present, else `describe.skip` with the reason in the title. */
export function describeGpu(name: string, body: () => void): void {
  if (gpuUnavailable) describe.skip(`${name} — skipped: ${gpuUnavailable}`, body);
  else describe(name, body);
}

/**
 * For checks that only a real GPU can make (sizes beyond what a software adapter holds in
 * reasonable time and memory): skipped, with the reason in the title, on SwiftShader and without
 * any adapter. CI has no GPU, so these run only where a developer has one
 * (PARTAGE_TEST_NATIVE_GPU=1 bash scripts/test.sh, or plain npx jest without VK_ICD_FILENAMES).
 */
export function describeRealGpu(name: string, body: () => void): void {
  const reason = gpuUnavailable ?? (softwareAdapter ? 'the only adapter is a software one (SwiftShader); these sizes need a real GPU' : undefined);
  if (reason) {
    console.warn(`real-GPU tests skipped (${name}): ${reason}`);
    describe.skip(`${name} — skipped: ${reason}`, body);
  } else describe(name, body);
}

let shared: Promise<GpuContext> | undefined;

/** One context per test file (jest runs each file in its own module registry). */
export function testGpu(): Promise<GpuContext> {
  shared ??= GpuContext.open(createGpu()).then((context) => {
    if (!context) throw new Error('the adapter probed a moment ago is gone');
    return context;
  });
  return shared;
}
