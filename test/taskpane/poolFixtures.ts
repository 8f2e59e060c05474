/* The README's pool (DESIGN §7.2), as the inputs the pool sheet writer receives: plain data. */
import type { PoolInputs } from '../../src/taskpane/pools/poolModel';

/** The README's log, pool 100, threshold {5, 2}. */
export function readmePoolInputs(): PoolInputs {
  return {
    title: 'March',
    source: 'README example',
    amount: 100,
    usage: [
      ['U1', 'A', 6, 2],
      ['U1', 'B', 2, 0],
      ['U2', 'A', 1, 0],
      ['U2', 'C', 1, 1],
      ['U3', 'B', 10, 0],
    ],
    minPlays: 5,
    minUsers: 2,
    boost: 2,
    decimals: 2,
  };
}
