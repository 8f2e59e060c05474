/**
 * Leave-one-out values v(N) − v(N∖{i}) from a full coalition table: what each player adds to
 * everyone else. Given so that users can show why the report (§4.1.1) warns against it: two
 * duplicate catalogues each add nothing once the other is in, so both get 0, and the values
 * need not sum to v(N). Each value is one float64 subtraction, hence correctly rounded.
 */
import { checkTable } from '../games/table';
import { EngineInputError } from '../errors';

export function leaveOneOut(values: ArrayLike<number>, n: number): Float64Array {
  checkTable(values, n);
  const all = 2 ** n - 1;
  const out = new Float64Array(n);
  const grand = finiteValue(values, all);
  for (let i = 0; i < n; i++) out[i] = grand - finiteValue(values, all - 2 ** i);
  return out;
}

function finiteValue(values: ArrayLike<number>, mask: number): number {
  const x = values[mask];
  if (!Number.isFinite(x)) throw new EngineInputError('values', mask, `v of coalition mask ${mask} is not a finite number (${x})`);
  return x;
}
