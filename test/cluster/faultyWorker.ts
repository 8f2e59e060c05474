/*
 * A worker on a faulty machine, for the tests of the coordinator's checks: the real
 * `partage worker` code (startClusterWorker) whose outputs are spoilt before they are sent.
 *   flip: the last bit of the first value of each output changes (right shape, finite: only a
 *         re-run on another worker can tell);
 *   nan:  the first value becomes NaN (the checks before the merge refuse it).
 * Run as: node --require tsx/cjs test/cluster/faultyWorker.ts REDIS_URL SHARED_DIR NAME MODE
 */
import { startClusterWorker } from '../../src/cluster/clusterWorker';
import { redisOptions } from '../../src/cluster/redisUrl';

function firstFloats(kind: string, output: unknown): Float64Array | undefined {
  if (kind === 'shapley.sample') return (output as { mean: Float64Array }).mean;
  if (kind === 'shapley.exact') return output as Float64Array;
  if (kind === 'attribution.similarity') return (output as { market: Float64Array }).market;
  return undefined;
}

const [url, shared, name, mode] = process.argv.slice(2);
void startClusterWorker({
  connection: redisOptions(url),
  sharedDir: shared,
  backend: 'cpu',
  threads: 1,
  name,
  corruptOutput(kind, output) {
    const values = firstFloats(kind, output);
    if (values === undefined || values.length === 0) return output;
    if (mode === 'nan') values[0] = Number.NaN;
    else {
      const bits = new BigUint64Array(values.buffer, values.byteOffset, 1);
      bits[0] ^= 1n;
    }
    return output;
  },
}).then((worker) => process.stdout.write(`partage worker ${worker.name}: faulty (${mode})\n`));
