/**
 * The only place that names the worker's module, in the form webpack 5 recognises and bundles as
 * a separate chunk. Imported by index.tsx alone: `import.meta` is an ES module feature that the
 * project's CommonJS settings for Node and jest do not accept, so nothing tested imports this.
 */
import type { EngineWorker } from './paneRunner';

export function startEngineWorker(): EngineWorker {
  // @ts-expect-error TS1343: tsconfig targets CommonJS for Node; webpack compiles this file as an ES module.
  return new Worker(/* webpackChunkName: "engine-worker" */ new URL('./engineWorker.ts', import.meta.url)) as unknown as EngineWorker;
}
