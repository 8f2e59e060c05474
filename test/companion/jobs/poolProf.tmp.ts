import { createWriteStream, statSync } from 'node:fs';
import { readCsvUsageBlock, csvLayoutOf } from '../../../src/companion/datasets/usageLog';
import { poolSplit, poolSplitWorker } from '../../../src/companion/jobs/poolSplit';
import { runAsync, usageEnvironment, usageRecord } from './poolLogs';
async function main() {
  const file = '/tmp/pooltest/big.csv';
  if (process.env.SKIPGEN) { const t = Date.now(); const run = await runAsync(poolSplit, poolSplitWorker, { dataset: 'x', amount: 1000 }, usageEnvironment([usageRecord('x', file, 'csv')])); console.log('job', Date.now() - t); return; }
  const out = createWriteStream(file);
  let text = 'user,holder,plays\n';
  let x = 1;
  for (let r = 0; r < 2e6; r++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    text += `listener${Math.floor(r / 100)},holder${(x >>> 8) % 5000},${(x >>> 3) % 20}\n`;
    if (text.length > 65536) { if (!out.write(text)) await new Promise((r2) => out.once('drain', r2)); text = ''; }
  }
  out.end(text); await new Promise((r) => out.on('finish', r));
  let t = Date.now();
  const layout = csvLayoutOf(file);
  let start = 0, n = 0; const size = statSync(file).size;
  while (start < size) { const b = readCsvUsageBlock(file, start, 0, 4 << 20, layout, 3, () => { n++; }); start = b.end; }
  console.log('read only', n, Date.now() - t, 'ms');
  t = Date.now();
  const run = await runAsync(poolSplit, poolSplitWorker, { dataset: 'x', amount: 1000 }, usageEnvironment([usageRecord('x', file, 'csv')]));
  console.log('job', run.result.rowsRead, Date.now() - t, 'ms', run.units);
}
main();
