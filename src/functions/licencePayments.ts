import { licencePayments, type LicencePeriod } from '../engine/remuneration/licencePayments';
import { describeCell, isEmptyCell, parseNumberText } from './cells';
import { invalidValue, withEngineErrors } from './errors';
import { isOmitted, readList, readListNumber, readOptionalNumber, readSingleCell, shapeLike } from './ranges';
import { alignedCellIsEmpty, alignedNumber, alignedPlace, readAligned } from './remunerationFunctions';

/**
 * PARTAGE.LICENCEPAYMENTS(revenue, rate, [advance], [minimum], [unitFee], [units], [recoupable]):
 * the payment of each period (one row of revenue per period). rate, minimum, unitFee and units
 * are one value for every period or one per period; an empty minimum, unitFee or units cell is 0,
 * an empty rate cell an error (an unknown rate is not 0 %). A row empty in every per-period
 * argument is skipped and its result cell left empty; the advance goes with the first period
 * that is not. The result has the orientation of revenue.
 */
export function LICENCEPAYMENTS(
  revenue: unknown,
  rate: unknown,
  advance?: unknown,
  minimum?: unknown,
  unitFee?: unknown,
  units?: unknown,
  recoupable?: unknown,
): (string | number)[][] {
  const revenueList = readList(revenue, 'revenue');
  if (isOmitted(rate)) throw invalidValue('rate', 'a rate is needed: the revenue share as a fraction (12 % is 0.12), 0 for none');
  const rates = readAligned(rate, 'rate', revenueList);
  const minimums = readAligned(minimum, 'minimum', revenueList);
  const fees = readAligned(unitFee, 'unitFee', revenueList);
  const unitCounts = readAligned(units, 'units', revenueList);
  const advanceValue = readOptionalNumber(advance, 'advance');
  const recoupableValue = isOmitted(recoupable) ? undefined : readBoolean(readSingleCell(recoupable, 'recoupable'));

  const periods: LicencePeriod[] = [];
  const rowOf: number[] = [];
  revenueList.cells.forEach((cell, i) => {
    const blank =
      isEmptyCell(cell) && alignedCellIsEmpty(rates, i) && alignedCellIsEmpty(minimums, i) && alignedCellIsEmpty(fees, i) && alignedCellIsEmpty(unitCounts, i);
    if (blank) return;
    periods.push({
      revenue: readListNumber(revenueList, i),
      rate: alignedNumber(rates, 'rate', i) as number,
      minimum: alignedNumber(minimums, 'minimum', i, 0),
      unitFee: alignedNumber(fees, 'unitFee', i, 0),
      units: alignedNumber(unitCounts, 'units', i, 0),
    });
    rowOf.push(i);
  });
  if (periods.length === 0) throw invalidValue('revenue', 'no period: every row is empty');
  if (unitCounts.kind === 'omitted' && periods.some((p) => (p.unitFee ?? 0) !== 0)) {
    throw invalidValue('units', 'a unitFee is given but no units: give the outputs or uses of each period');
  }

  const result = withEngineErrors(() => licencePayments(periods, { advance: advanceValue, recoupable: recoupableValue }), {
    revenue: (k) => revenueList.place(rowOf[k]),
    rate: alignedPlace(rates, 'rate', rowOf),
    minimum: alignedPlace(minimums, 'minimum', rowOf),
    unitFee: alignedPlace(fees, 'unitFee', rowOf),
    units: alignedPlace(unitCounts, 'units', rowOf),
  });
  const out = new Array<number | string>(revenueList.cells.length).fill('');
  rowOf.forEach((row, k) => {
    out[row] = result.payments[k];
  });
  return shapeLike(revenueList, out);
}

/** TRUE/FALSE, 1/0, or the text "TRUE"/"FALSE" (any case). */
function readBoolean(cell: ReturnType<typeof readSingleCell>): boolean {
  if (typeof cell === 'boolean') return cell;
  const number = typeof cell === 'number' ? cell : typeof cell === 'string' ? parseNumberText(cell) : undefined;
  if (number === 1) return true;
  if (number === 0) return false;
  const text = typeof cell === 'string' ? cell.trim().toLowerCase() : '';
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw invalidValue('recoupable', `expected TRUE (the advance is recouped from royalties) or FALSE (an upfront fee), got ${describeCell(cell)}`);
}
