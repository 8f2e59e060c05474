import { performance } from 'node:perf_hooks';

export interface BenchRow {
  name: string;
  size: string;
  /** Median wall time of one run, in milliseconds. */
  medianMs: number;
  /** Optional rate, already formatted with its unit (e.g. "1.2e7 contributions/s"). */
  rate?: string;
  target?: string;
  /** Whether the target is met; undefined when the row has no target. */
  met?: boolean;
}

/**
 * Runs `fn` once to warm the JIT, then `runs` times, and returns the median wall time. The
 * median resists the odd slow run caused by the other core's load or a GC pause.
 */
export function timeMedian(fn: () => unknown, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function formatRate(perSecond: number, unit: string): string {
  return `${perSecond.toExponential(2)} ${unit}/s`;
}

export function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 10_000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function printTable(title: string, rows: BenchRow[]): void {
  const header = ['benchmark', 'size', 'median', 'rate', 'target', 'met'];
  const cells = rows.map((r) => [r.name, r.size, formatMs(r.medianMs), r.rate ?? '', r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  printGrid(title, header, cells);
}

/** A Markdown table with padded columns. */
export function printGrid(title: string, header: string[], cells: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of cells) console.log(line(row));
}

/** A deterministic pseudo-random generator for bench inputs (not the engine's Philox). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
