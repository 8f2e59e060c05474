/**
 * Deals and pools (DESIGN §7.2). LICENCEPAYMENTS over 10⁴ periods (exact decimals), and
 * POOLSPLIT on a usage log of 10⁶ rows [user, holder, plays, activePlays]: through the adapter
 * as a sheet calls it (rows of cells with names), and the engine alone on columns of ids. The
 * log has 50,000 users with 20 holders each out of 20,000 (a few heavy listeners above the cap).
 */
import { mulberry32, formatRate, timeMedian, type BenchRow } from './harness';
import { licencePayments, type LicencePeriod } from '../src/engine/remuneration/licencePayments';
import { poolSplit, type PoolMode } from '../src/engine/remuneration/poolSplit';
import { LICENCEPAYMENTS } from '../src/functions/licencePayments';
import { POOLSPLIT } from '../src/functions/poolSplit';

export function benchDeals(): BenchRow[] {
  const next = mulberry32(11);
  const periods = 10_000;
  const revenue = Array.from({ length: periods }, () => [Math.round(next() * 1e8) / 100]);
  const units = Array.from({ length: periods }, () => [Math.floor(next() * 10_000)]);
  const engineInput: LicencePeriod[] = revenue.map(([r], t) => ({ revenue: r, rate: 0.12, minimum: 2500, unitFee: 0.004, units: units[t][0] }));
  const licenceMs = timeMedian(() => LICENCEPAYMENTS(revenue, 0.12, 5_000_000, 2500, 0.004, units), 3);
  const licenceEngineMs = timeMedian(() => licencePayments(engineInput, { advance: 5_000_000 }), 3);

  const rows = 1_000_000;
  const holdersPerUser = 20;
  const userCount = rows / holdersPerUser;
  const holderCount = 20_000;
  const users = new Int32Array(rows);
  const holders = new Int32Array(rows);
  const plays = new Float64Array(rows);
  const active = new Float64Array(rows);
  const sheet: (string | number)[][] = [['user', 'holder', 'plays', 'active plays']];
  for (let u = 0, i = 0; u < userCount; u++) {
    const heavy = next() < 0.02;
    for (let k = 0; k < holdersPerUser; k++, i++) {
      // Skewed popularity: a few holders get most plays, as in streaming.
      const h = Math.floor(holderCount * next() ** 3);
      const p = 1 + Math.floor(next() * (heavy ? 400 : 60));
      users[i] = u;
      holders[i] = h;
      plays[i] = p;
      active[i] = Math.floor(p * next() * 0.5);
      sheet.push([`user${u}`, `holder${h}`, p, active[i]]);
    }
  }
  // Excel hands ranges over as parsed JSON: flat strings, as here.
  const cells = JSON.parse(JSON.stringify(sheet)) as (string | number)[][];
  const usage = { users, holders, plays, activePlays: active };
  const out: BenchRow[] = [
    {
      name: 'LICENCEPAYMENTS 10⁴ periods, through the adapter',
      size: '10⁴ periods, advance, minimum, unit fee',
      medianMs: licenceMs,
      rate: formatRate(periods / (licenceMs / 1000), 'periods'),
    },
    {
      name: 'LICENCEPAYMENTS 10⁴ periods, engine alone',
      size: '10⁴ periods, advance, minimum, unit fee',
      medianMs: licenceEngineMs,
      rate: formatRate(periods / (licenceEngineMs / 1000), 'periods'),
    },
  ];
  const cases: { label: string; mode: PoolMode; threshold?: number[]; cap?: number }[] = [
    { label: 'market', mode: 'market' },
    { label: 'user', mode: 'user', threshold: [100, 5] },
    { label: 'artist, cap 1000', mode: 'artist', threshold: [100, 5], cap: 1000 },
  ];
  for (const c of cases) {
    const options = { mode: c.mode, minPlays: c.threshold?.[0], minUsers: c.threshold?.[1], userCap: c.cap };
    const adapterMs = timeMedian(() => POOLSPLIT(10_000_000, cells, c.mode, c.threshold ? [c.threshold] : null, null, null, c.cap ?? null), 3);
    const engineMs = timeMedian(() => poolSplit(10_000_000, usage, options), 3);
    out.push(
      {
        name: `POOLSPLIT 10⁶ log rows, in-process through the adapter (${c.label})`,
        size: '50,000 users × 20, 20,000 holders',
        medianMs: adapterMs,
        rate: formatRate(rows / (adapterMs / 1000), 'rows'),
      },
      {
        name: `POOLSPLIT 10⁶ log rows, engine alone (${c.label})`,
        size: '50,000 users × 20, 20,000 holders',
        medianMs: engineMs,
        rate: formatRate(rows / (engineMs / 1000), 'rows'),
      },
    );
  }
  return out;
}
