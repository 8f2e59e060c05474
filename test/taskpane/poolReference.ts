/*
 * A test-side reference of the three distribution models of DESIGN §7.2, written from the
 * contract in exact rationals (no code of src/ used): whole plays and active plays, an integer
 * boost, a cap per user on the user's total plays, amounts in whole cents by largest remainder
 * with ties to the earlier holder. Small logs only.
 */
import { rat, Rational, sumRationals } from '../helpers/rational';

export type Row = [user: string, holder: string, plays: number, active?: number];
export interface ReferenceOptions {
  amount: number;
  minPlays?: number;
  minUsers?: number;
  boost?: number;
  userCap?: number;
  decimals?: number;
}

export function referenceSplit(log: readonly Row[], mode: 'market' | 'user' | 'artist', o: ReferenceOptions): { holders: string[]; amounts: number[] } {
  const holders = [...new Set(log.map((r) => r[1]))];
  const users = [...new Set(log.map((r) => r[0]))];
  const boost = o.boost ?? 2;
  const decimals = o.decimals ?? 2;
  const playsOf = (h: string) => log.filter((r) => r[1] === h).reduce((s, r) => s + r[2], 0);
  const usersOf = (h: string) => new Set(log.filter((r) => r[1] === h && r[2] > 0).map((r) => r[0])).size;
  const ok = (h: string) => playsOf(h) >= (o.minPlays ?? 0) && usersOf(h) >= (o.minUsers ?? 0);
  const scale = (u: string): Rational => {
    const total = log.filter((r) => r[0] === u).reduce((s, r) => s + r[2], 0);
    return o.userCap !== undefined && total > o.userCap ? rat(o.userCap).div(rat(total)) : Rational.ONE;
  };
  const weight = (r: Row): Rational => {
    const [u, h, p, a = 0] = r;
    if (mode === 'artist') {
      const base = ok(h) ? boost : 1;
      return rat(base * (p - a + a * boost)).mul(scale(u));
    }
    return ok(h) ? rat(p).mul(scale(u)) : Rational.ZERO;
  };
  const amount = rat(Math.round(o.amount * 10 ** decimals));
  const claims = holders.map(() => Rational.ZERO);
  if (mode === 'user') {
    const counted = users.filter((u) => log.some((r) => r[0] === u && !weight(r).isZero()));
    for (const u of counted) {
      const rows = log.filter((r) => r[0] === u);
      const total = sumRationals(rows.map(weight));
      for (const r of rows) {
        const h = holders.indexOf(r[1]);
        claims[h] = claims[h].add(amount.div(rat(counted.length)).mul(weight(r)).div(total));
      }
    }
  } else {
    const total = sumRationals(log.map(weight));
    for (const r of log) {
      const h = holders.indexOf(r[1]);
      claims[h] = claims[h].add(amount.mul(weight(r)).div(total));
    }
  }
  // Largest remainder in whole units of 10^-decimals.
  const floors = claims.map((c) => c.num / c.den);
  const rests = claims.map((c, h) => c.sub(rat(floors[h])));
  let left = Number(amount.num - floors.reduce((s, f) => s + f, 0n));
  const order = holders.map((_, h) => h).sort((a, b) => rests[b].compare(rests[a]) || a - b);
  const units = [...floors];
  for (const h of order) {
    if (left === 0) break;
    units[h] += 1n;
    left -= 1;
  }
  return { holders, amounts: units.map((x) => Number(x) / 10 ** decimals) };
}
