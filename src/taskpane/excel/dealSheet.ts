/*
 * A deal comparison sheet: the forecast and every offer's terms as named, editable inputs;
 * per scenario, each offer's payments as one live PARTAGE.LICENCEPAYMENTS formula spilling one
 * payment per period, with Excel's own SUM and NPV below; the cumulative base-scenario payments
 * (Excel's SUM) and a line chart of them; the break-even revenue of two offers worked out with
 * Excel's arithmetic; the inputs kept in custom properties so that the pane edits the sheet again.
 *
 * Names (scoped to the sheet): Periods, RevenueLow/Base/High, UnitsLow/Base/High, DiscountRate,
 * Offer<k>_Rate, _Advance, _Recoupable, _Minimum, _UnitFee (a levy: _Rate and _Exemption only;
 * a tiered share: _Schedule, _Mode and _RoyaltiesLow/Base/High in place of _Rate), BreakEven and
 * BreakEvenLast.
 *
 * The break-even. In one period with revenue R (and that period's units), every offer pays
 * P(R) = max(s(R) + b, K): s(R) = r·R for a flat share, PURPOSESHARE(R) on a tiered schedule;
 *   LICENCEPAYMENTS with a recoupable advance A pays A + max(e − min(A, e), m) = max(e, A + m),
 *   e = s(R) + fee·units; not recoupable, A + max(e, m); a levy pays r·max(R − E, 0).
 * So b = fee·units (+ A when not recoupable, − r·E for a levy) and K = A + m (0 for a levy).
 * s is linear on each slice of a schedule (a bracket schedule jumps where a slice starts), so the
 * difference of two offers is linear between the candidate revenues: 0, where each slice starts,
 * and where each offer's royalties reach its floor on each slice. The sheet lists them; on each
 * interval from a candidate to the next it takes the difference at the candidate and midway,
 * and the root where the difference changes sign on that interval. The lowest root is BreakEven,
 * the highest BreakEvenLast, "unbounded" when they pay the same at every revenue past the last
 * candidate, "never" when they never pay the same. Differences are rounded to 10⁻⁶ so that a
 * root at a kink is not lost to binary fractions.
 */
import { ENGINE_VERSION } from '../../engine/version';
import { isLevy, isRateSchedule, isTiered, OFFER_KIND_TITLES, SCHEDULE_HEADER, paidTo, SCENARIO_TITLES, SCENARIOS, type DealInputs, type Offer, type Scenario } from '../deals/dealModel';
import { cellAddress, columnLetter, rangeAddress } from './a1';
import { writeSheetPlan, type SheetCell, type SheetName, type SheetNote, type SheetPlan } from './plannedSheet';
import type { SourceNoteMode } from './pressSheet';
import { payloadFromProperties, StoredSheetError, type StoreKind } from './sheetStore';

export const DEAL_STORE: StoreKind = { key: 'partage.deals', version: 1, what: 'deal comparison' };
export const DEAL_CHART_NAME = 'partage cumulative payments';
export const DEAL_PREFIX = 'Deals';

const MONEY = '#,##0.00';
const RATE = '0.00%';
const FORECAST_FIRST_ROW = 7;

const CAP: Readonly<Record<Scenario, string>> = { low: 'Low', base: 'Base', high: 'High' };
export const revenueName = (s: Scenario): string => `Revenue${CAP[s]}`;
export const unitsName = (s: Scenario): string => `Units${CAP[s]}`;
export type TermName = 'Rate' | 'Advance' | 'Recoupable' | 'Minimum' | 'UnitFee' | 'Exemption' | 'Schedule' | 'Mode';
export const termName = (k: number, term: TermName): string => `Offer${k + 1}_${term}`;
/** A tiered share's royalties per period in one scenario: PURPOSESHARE of each revenue. */
export const royaltiesName = (k: number, s: Scenario): string => `Offer${k + 1}_Royalties${CAP[s]}`;

/** The formula of one offer's payments in one scenario. */
export function paymentsFormula(offer: Pick<Offer, 'kind' | 'schedule'>, k: number, s: Scenario): string {
  const revenue = revenueName(s);
  if (isLevy(offer)) {
    const e = termName(k, 'Exemption');
    return `=PARTAGE.LICENCEPAYMENTS(IF(${revenue}>${e},${revenue}-${e},0),${termName(k, 'Rate')})`;
  }
  // A tiered share: its royalties by the schedule, at 100 %.
  const [base, rate] = isTiered(offer) ? [royaltiesName(k, s), '1'] : [revenue, termName(k, 'Rate')];
  return `=PARTAGE.LICENCEPAYMENTS(${base},${rate},${termName(k, 'Advance')},${termName(k, 'Minimum')},${termName(k, 'UnitFee')},${unitsName(s)},${termName(k, 'Recoupable')})`;
}

export interface DealSheetPlan extends SheetPlan {
  /** Each scenario's payments block: the first and last period rows, the total and NPV rows. */
  blocks: Record<Scenario, { header: number; first: number; last: number; total: number; npv: number }>;
  /** The column of each offer in the terms and payments blocks ("B", "C"…). */
  offerColumns: string[];
  /** Rows of the terms table. */
  termRows: { kind: number; paidTo: number; rate: number; advance: number; recoupable: number; minimum: number; unitFee: number; exemption: number; mode?: number };
  /** Each tiered offer's schedule rows (its first and last slice), by offer index. */
  schedules: Record<number, { first: number; last: number }>;
  /** Each scenario's royalties-by-schedule block, when an offer is tiered. */
  royalties?: Record<Scenario, { header: number; first: number; last: number }>;
  cumulative: { header: number; first: number; last: number };
  breakEven: { first: string; last: string; verdict: string; candidates: { first: number; last: number } };
  chart: { name: string; type: 'Line'; title: string; seriesAddress: string; seriesCount: number; categoriesAddress: string; topLeft: string; bottomRight: string };
}

export function planDealSheet(inputs: DealInputs): DealSheetPlan {
  const T = inputs.periods.length;
  const K = inputs.offers.length;
  const cells: SheetCell[] = [];
  const names: SheetName[] = [];
  const notes: SheetNote[] = [];
  const put = (address: string, cell: Omit<SheetCell, 'address'>): void => {
    cells.push({ address, ...cell });
  };
  const name = (n: string, address: string, comment: string): void => {
    names.push({ name: n, address, comment: comment.slice(0, 255) });
  };
  const offerColumns = inputs.offers.map((_, k) => columnLetter(1 + k));

  put('A1', { value: `Deal comparison: ${inputs.title}`, style: 'title' });
  put('A2', {
    value:
      'Each offer’s payments are a live PARTAGE.LICENCEPAYMENTS formula over the forecast and its terms (orange): edit a revenue, a rate or a fee and every payment, total, NPV, the break-even and the chart recalculate. Totals and NPV are Excel’s SUM and NPV. A commons levy goes to a fund, not to rightholders: it is shown apart.',
    style: 'intro',
  });
  put('A3', { value: `${K} offers over ${T} periods; engine ${ENGINE_VERSION}.`, style: 'muted' });

  // The forecast.
  const fLast = FORECAST_FIRST_ROW + T - 1;
  put('A5', { value: 'Forecast', style: 'section' });
  put('A6', { value: 'Period', style: 'header' });
  SCENARIOS.forEach((s, j) => {
    put(cellAddress(1 + j, 6), { value: `Revenue ${s}`, style: 'header' });
    put(cellAddress(4 + j, 6), { value: `Units ${s}`, style: 'header' });
  });
  inputs.periods.forEach((p, t) => {
    const row = FORECAST_FIRST_ROW + t;
    put(`A${row}`, { value: p });
    SCENARIOS.forEach((s, j) => {
      put(cellAddress(1 + j, row), { value: inputs.revenue[s][t], numberFormat: MONEY, style: 'input' });
      put(cellAddress(4 + j, row), { value: inputs.units[s][t], numberFormat: '#,##0', style: 'input' });
    });
  });
  name('Periods', `A${FORECAST_FIRST_ROW}:A${fLast}`, 'The periods of the forecast (a year, a month)');
  SCENARIOS.forEach((s, j) => {
    name(revenueName(s), rangeAddress(1 + j, FORECAST_FIRST_ROW, 1 + j, fLast), `Revenue per period, ${s} scenario`);
    name(unitsName(s), rangeAddress(4 + j, FORECAST_FIRST_ROW, 4 + j, fLast), `Outputs or uses per period, ${s} scenario (for fees per output)`);
  });
  const discountRow = fLast + 2;
  put(`A${discountRow}`, { value: 'Discount rate per period (for NPV)' });
  put(`B${discountRow}`, { value: inputs.discountRate, numberFormat: RATE, style: 'input' });
  name('DiscountRate', `B${discountRow}`, 'Discount rate per period: NPV discounts each period’s payment, the first once');

  // The terms.
  const termsTop = discountRow + 2;
  const termRows = {
    kind: termsTop + 2,
    paidTo: termsTop + 3,
    rate: termsTop + 4,
    advance: termsTop + 5,
    recoupable: termsTop + 6,
    minimum: termsTop + 7,
    unitFee: termsTop + 8,
    exemption: termsTop + 9,
    ...(inputs.offers.some(isTiered) ? { mode: termsTop + 10 } : {}),
  };
  put(`A${termsTop}`, { value: 'Offers', style: 'section' });
  put(`A${termsTop + 1}`, { value: 'Term', style: 'header' });
  put(`A${termRows.kind}`, { value: 'Kind' });
  put(`A${termRows.paidTo}`, { value: 'Paid to' });
  put(`A${termRows.rate}`, { value: 'Revenue share or levy rate' });
  put(`A${termRows.advance}`, { value: 'Advance or upfront fee (period 1)' });
  put(`A${termRows.recoupable}`, { value: 'Advance recoupable from royalties' });
  put(`A${termRows.minimum}`, { value: 'Minimum (or flat fee) per period' });
  put(`A${termRows.unitFee}`, { value: 'Fee per output' });
  put(`A${termRows.exemption}`, { value: 'Levy: exempt revenue per period' });
  if (termRows.mode !== undefined) put(`A${termRows.mode}`, { value: 'Rate schedule: marginal or bracket' });
  inputs.offers.forEach((offer, k) => {
    const c = offerColumns[k];
    put(`${c}${termsTop + 1}`, { value: offer.name, style: 'header' });
    put(`${c}${termRows.kind}`, { value: OFFER_KIND_TITLES[offer.kind] });
    put(`${c}${termRows.paidTo}`, { value: paidTo(offer), style: isLevy(offer) ? 'keyResult' : undefined });
    if (isTiered(offer)) {
      put(`${c}${termRows.rate}`, { value: 'schedule below', style: 'muted' });
      put(`${c}${termRows.mode!}`, { value: offer.scheduleMode ?? 'marginal', style: 'input' });
      name(termName(k, 'Mode'), `${c}${termRows.mode!}`, `${offer.name}: marginal (each slice at its rate) or bracket (the whole revenue at the rate of the highest slice reached)`);
    } else {
      put(`${c}${termRows.rate}`, { value: offer.rate, numberFormat: RATE, style: 'input' });
      name(termName(k, 'Rate'), `${c}${termRows.rate}`, `${offer.name}: ${isLevy(offer) ? 'levy rate on revenue above the exemption' : 'revenue share'}`);
    }
    if (isLevy(offer)) {
      put(`${c}${termRows.exemption}`, { value: offer.exemption, numberFormat: MONEY, style: 'input' });
      name(termName(k, 'Exemption'), `${c}${termRows.exemption}`, `${offer.name}: revenue per period below which no levy is due`);
      return;
    }
    put(`${c}${termRows.advance}`, { value: offer.advance, numberFormat: MONEY, style: 'input' });
    // A logical, not the text "TRUE": IF() in the break-even needs one.
    put(`${c}${termRows.recoupable}`, { formula: offer.recoupable ? '=TRUE' : '=FALSE', numberFormat: 'General', style: 'input' });
    put(`${c}${termRows.minimum}`, { value: offer.minimum, numberFormat: MONEY, style: 'input' });
    put(`${c}${termRows.unitFee}`, { value: offer.unitFee, numberFormat: 'General', style: 'input' });
    name(termName(k, 'Advance'), `${c}${termRows.advance}`, `${offer.name}: paid with period 1; recouped from royalties when recoupable, else an upfront fee`);
    name(termName(k, 'Recoupable'), `${c}${termRows.recoupable}`, `${offer.name}: TRUE when royalties first repay the advance`);
    name(termName(k, 'Minimum'), `${c}${termRows.minimum}`, `${offer.name}: floor on each period’s payment, never recouped`);
    name(termName(k, 'UnitFee'), `${c}${termRows.unitFee}`, `${offer.name}: fee per output or use`);
  });

  // Tiered shares: their schedules, and their royalties per period by PURPOSESHARE.
  let top = (termRows.mode ?? termRows.exemption) + 2;
  const schedules: DealSheetPlan['schedules'] = {};
  let royalties: DealSheetPlan['royalties'];
  if (inputs.offers.some(isTiered)) {
    put(`A${top}`, { value: 'Rate schedules (PARTAGE.PURPOSESHARE, purpose 1: slices from 0)', style: 'section' });
    top += 1;
    inputs.offers.forEach((offer, k) => {
      if (!isTiered(offer)) return;
      put(`A${top}`, { value: offer.name, style: 'header' });
      // The header is part of the named schedule: a one-slice schedule would read as three rates without it.
      SCHEDULE_HEADER.forEach((h, j) => put(cellAddress(1 + j, top), { value: h, style: 'header' }));
      const header = top;
      const first = top + 1;
      offer.schedule.forEach((tier, i) => {
        put(`A${first + i}`, { value: `Slice ${i + 1}` });
        put(`B${first + i}`, { value: 1, numberFormat: '0' });
        put(`C${first + i}`, { value: tier.from, numberFormat: MONEY, style: 'input' });
        put(`D${first + i}`, { value: tier.rate, numberFormat: RATE, style: 'input' });
      });
      const last = first + offer.schedule.length - 1;
      name(termName(k, 'Schedule'), `B${header}:D${last}`, `${offer.name}: the tiered revenue share [purpose, from, rate], as PARTAGE.PURPOSESHARE reads it`);
      schedules[k] = { first, last };
      top = last + 2;
    });
    royalties = {} as NonNullable<DealSheetPlan['royalties']>;
    for (const s of SCENARIOS) {
      const header = top + 1;
      const first = header + 1;
      const last = header + T;
      put(`A${top}`, { value: `Royalties by rate schedule: ${s} scenario`, style: 'section' });
      put(`A${header}`, { value: 'Period', style: 'header' });
      inputs.periods.forEach((p, t) => put(`A${first + t}`, { value: p }));
      const revenueColumn = 1 + SCENARIOS.indexOf(s);
      inputs.offers.forEach((offer, k) => {
        if (!isTiered(offer)) return;
        const c = offerColumns[k];
        put(`${c}${header}`, { value: offer.name, style: 'header' });
        inputs.periods.forEach((_, t) =>
          put(`${c}${first + t}`, {
            formula: `=PARTAGE.PURPOSESHARE(${cellAddress(revenueColumn, FORECAST_FIRST_ROW + t)},1,${termName(k, 'Schedule')},0,${termName(k, 'Mode')})`,
            numberFormat: MONEY,
          }),
        );
        name(royaltiesName(k, s), `${c}${first}:${c}${last}`, `${offer.name}: royalties per period by its rate schedule, ${s} scenario`);
        notes.push({ address: `${c}${first}`, text: `PARTAGE.PURPOSESHARE, ${s} scenario: the period's revenue on the offer's rate schedule (${offer.scheduleMode ?? 'marginal'}); exact decimal arithmetic. Engine ${ENGINE_VERSION}.` });
      });
      royalties[s] = { header, first, last };
      top = last + 2;
    }
  }

  // Payments, per scenario.
  const lastCol = offerColumns[K - 1];
  const blocks = {} as DealSheetPlan['blocks'];
  for (const s of SCENARIOS) {
    const header = top + 1;
    const first = header + 1;
    const last = header + T;
    const total = last + 1;
    const npv = last + 2;
    put(`A${top}`, { value: `Payments per period: ${s} scenario`, style: 'section' });
    put(`A${header}`, { value: 'Period', style: 'header' });
    inputs.periods.forEach((p, t) => put(`A${first + t}`, { value: p }));
    put(`A${total}`, { value: 'Total (SUM)', style: 'keyResult' });
    put(`A${npv}`, { value: 'NPV at DiscountRate', style: 'keyResult' });
    inputs.offers.forEach((offer, k) => {
      const c = offerColumns[k];
      put(`${c}${header}`, { value: isLevy(offer) ? `${offer.name} (to the commons fund)` : offer.name, style: 'header' });
      put(`${c}${first}`, { formula: paymentsFormula(offer, k, s), numberFormat: MONEY });
      for (let row = first + 1; row <= last; row++) put(`${c}${row}`, { numberFormat: MONEY });
      put(`${c}${total}`, { formula: `=SUM(${c}${first}:${c}${last})`, numberFormat: MONEY, style: 'keyResult' });
      put(`${c}${npv}`, { formula: `=NPV(DiscountRate,${c}${first}:${c}${last})`, numberFormat: MONEY, style: 'keyResult' });
      notes.push({
        address: `${c}${first}`,
        text: `PARTAGE.LICENCEPAYMENTS, ${s} scenario: ${isLevy(offer) ? 'the levy rate on the revenue above the exemption, paid to a commons fund (seed 001), not to rightholders' : `${isTiered(offer) ? 'the royalties by the rate schedule (above) at 100 %' : 'rate × revenue'} + fee × units; a recoupable advance is repaid from royalties first; each period pays at least the minimum; the advance is paid with period 1`}. Exact decimal arithmetic. Engine ${ENGINE_VERSION}.`,
      });
    });
    blocks[s] = { header, first, last, total, npv };
    top = npv + 2;
  }

  // Cumulative base payments, for the chart.
  const base = blocks.base;
  const cumHeader = top + 1;
  const cumFirst = cumHeader + 1;
  const cumLast = cumHeader + T;
  put(`A${top}`, { value: 'Cumulative payments: base scenario', style: 'section' });
  put(`A${cumHeader}`, { value: 'Period', style: 'header' });
  inputs.periods.forEach((p, t) => put(`A${cumFirst + t}`, { value: p }));
  inputs.offers.forEach((_, k) => {
    const c = offerColumns[k];
    put(`${c}${cumHeader}`, { formula: `=${c}${base.header}`, style: 'header' });
    inputs.periods.forEach((_, t) => put(`${c}${cumFirst + t}`, { formula: `=SUM(${c}$${base.first}:${c}${base.first + t})`, numberFormat: MONEY }));
  });

  // Break-even of two offers, in the first period of the base scenario.
  const [ia, ib] = inputs.breakEven;
  const pair = [ia, ib];
  const beTop = cumLast + 2;
  const r = { pair: beTop + 1, slope: beTop + 2, fixed: beTop + 3, floor: beTop + 4 };
  put(`A${beTop}`, { value: 'Break-even revenue (first period, base units)', style: 'section' });
  put(`A${r.pair}`, { value: 'Offers compared', style: 'header' });
  put(`A${r.slope}`, { value: 'r: share of revenue (slope; a schedule: by slice)' });
  put(`A${r.fixed}`, { value: 'b: fixed part (fees per output, upfront fee, − levy exemption)' });
  put(`A${r.floor}`, { value: 'K: floor (advance + minimum)' });
  const unitsCell = cellAddress(5, FORECAST_FIRST_ROW);
  const columns = ['B', 'C'];
  pair.forEach((k, j) => {
    const c = columns[j];
    const offer = inputs.offers[k];
    put(`${c}${r.pair}`, { formula: `=${offerColumns[k]}${termsTop + 1}`, style: 'header' });
    if (isTiered(offer)) put(`${c}${r.slope}`, { value: 'schedule', style: 'muted' });
    else put(`${c}${r.slope}`, { formula: `=${termName(k, 'Rate')}`, numberFormat: RATE });
    if (isLevy(offer)) {
      put(`${c}${r.fixed}`, { formula: `=-${termName(k, 'Rate')}*${termName(k, 'Exemption')}`, numberFormat: MONEY });
      put(`${c}${r.floor}`, { value: 0, numberFormat: MONEY });
    } else {
      put(`${c}${r.fixed}`, { formula: `=${termName(k, 'UnitFee')}*${unitsCell}+IF(${termName(k, 'Recoupable')},0,${termName(k, 'Advance')})`, numberFormat: MONEY });
      put(`${c}${r.floor}`, { formula: `=${termName(k, 'Advance')}+${termName(k, 'Minimum')}`, numberFormat: MONEY });
    }
  });
  /** What offer j of the pair pays in one period of revenue x, in Excel arithmetic. */
  const payment = (j: number, x: string): string => {
    const c = columns[j];
    const k = pair[j];
    const royalties = isTiered(inputs.offers[k]) ? `PARTAGE.PURPOSESHARE(${x},1,${termName(k, 'Schedule')},0,${termName(k, 'Mode')})` : `${c}$${r.slope}*${x}`;
    return `MAX(${royalties}+${c}$${r.fixed},${c}$${r.floor})`;
  };
  const difference = (x: string): string => `${payment(0, x)}-${payment(1, x)}`;
  /** The slope of offer j's payment just above revenue x: its rate there, or 0 on its floor. */
  const slope = (j: number, x: string): string => {
    const c = columns[j];
    const k = pair[j];
    if (!isTiered(inputs.offers[k])) return `IF(${c}$${r.slope}*${x}+${c}$${r.fixed}>${c}$${r.floor},${c}$${r.slope},0)`;
    const { first, last } = schedules[k];
    return `IF(PARTAGE.PURPOSESHARE(${x},1,${termName(k, 'Schedule')},0,${termName(k, 'Mode')})+${c}$${r.fixed}>${c}$${r.floor},VLOOKUP(${x},$C$${first}:$D$${last},2,TRUE),0)`;
  };
  const slopeOfDifference = (x: string): string => `${slope(0, x)}-${slope(1, x)}`;

  // The candidate revenues: 0, where each slice starts and where each offer reaches its floor.
  const candidates: { label: string; formula?: string }[] = [{ label: 'Revenue 0' }];
  pair.forEach((k, j) => {
    const c = columns[j];
    const offer = inputs.offers[k];
    if (!isTiered(offer)) {
      candidates.push({ label: `${offer.name}: reaches its floor, (K − b) / r`, formula: `=IF(${c}${r.slope}>0,MAX(0,(${c}${r.floor}-${c}${r.fixed})/${c}${r.slope}),0)` });
      return;
    }
    const { first, last } = schedules[k];
    for (let row = first; row <= last; row++) {
      const slice = row - first + 1;
      candidates.push({ label: `${offer.name}: slice ${slice} starts`, formula: `=C${row}` });
      const reach = `C${row}+(${c}${r.floor}-${c}${r.fixed}-PARTAGE.PURPOSESHARE(C${row},1,${termName(k, 'Schedule')},0,${termName(k, 'Mode')}))/D${row}`;
      const within = row < last ? `MIN(C${row + 1},MAX(C${row},${reach}))` : `MAX(C${row},${reach})`;
      candidates.push({ label: `${offer.name}: reaches its floor on slice ${slice}`, formula: `=IF(D${row}>0,${within},C${row})` });
    }
  });
  const tableHeader = r.floor + 2;
  const cFirst = tableHeader + 1;
  const cLast = tableHeader + candidates.length;
  const cands = 'BreakEvenCandidates';
  put(`A${r.floor + 1}`, { value: 'Between a candidate and the next the difference of payments is linear: its root there, if any, is a break-even.', style: 'muted' });
  ['Candidate revenue', 'Revenue', 'Next candidate', 'Midway', 'Difference of payments', 'Its slope up to the next', 'Root on [revenue, next)'].forEach((h, j) =>
    put(cellAddress(j, tableHeader), { value: h, style: 'header' }),
  );
  candidates.forEach((candidate, i) => {
    const row = cFirst + i;
    const [x, next, mid, d, sl] = ['B', 'C', 'D', 'E', 'F'].map((col) => `${col}${row}`);
    put(`A${row}`, { value: candidate.label });
    put(x, candidate.formula === undefined ? { value: 0, numberFormat: MONEY } : { formula: candidate.formula, numberFormat: MONEY });
    put(next, { formula: `=IF(COUNTIF(${cands},">"&${x})=0,"none",MINIFS(${cands},${cands},">"&${x}))`, numberFormat: MONEY });
    // Midway tells on which piece of each offer the interval lies (past the last candidate, any point above).
    put(mid, { formula: `=IF(ISNUMBER(${next}),(${x}+${next})/2,${x}+1)`, numberFormat: MONEY });
    put(d, { formula: `=${difference(x)}`, numberFormat: MONEY });
    put(sl, { formula: `=${slopeOfDifference(mid)}`, numberFormat: RATE });
    // Rounded to 10⁻⁶ for the test of 0 only, so that a root at a kink is not lost to binary fractions.
    const root = `${x}-${d}/${sl}`;
    put(`G${row}`, {
      formula: `=IF(ROUND(${d},6)=0,${x},IF(${sl}=0,"none",IF(AND(${root}>${x},OR(NOT(ISNUMBER(${next})),${root}<${next})),${root},"none")))`,
      numberFormat: MONEY,
    });
  });
  name(cands, `B${cFirst}:B${cLast}`, 'The revenues where either offer’s payment changes slope or jumps');
  const roots = `G${cFirst}:G${cLast}`;
  const after = cLast + 1;
  const rr = { top: after + 1, there: after + 2, slopeAbove: after + 3, first: after + 4, last: after + 5, verdict: after + 6 };
  put(`A${rr.top}`, { value: 'The largest candidate' });
  put(`B${rr.top}`, { formula: `=MAX(${cands})`, numberFormat: MONEY });
  put(`A${rr.there}`, { value: 'Difference of payments there (rounded to 10⁻⁶)' });
  put(`B${rr.there}`, { formula: `=ROUND(${difference(`B${rr.top}`)},6)`, numberFormat: MONEY });
  put(`A${rr.slopeAbove}`, { value: 'Slope of the difference above it' });
  put(`B${rr.slopeAbove}`, { formula: `=${slopeOfDifference(`(B${rr.top}+1)`)}`, numberFormat: RATE });
  put(`A${rr.first}`, { value: 'Break-even revenue (the lowest)', style: 'keyResult' });
  put(`B${rr.first}`, { formula: `=IF(COUNT(${roots})=0,"never",MIN(${roots}))`, numberFormat: MONEY, style: 'keyResult' });
  put(`A${rr.last}`, { value: 'Break-even revenue (the highest)' });
  put(`B${rr.last}`, { formula: `=IF(AND(B${rr.there}=0,B${rr.slopeAbove}=0),"unbounded",IF(COUNT(${roots})=0,"never",MAX(${roots})))`, numberFormat: MONEY });
  const [A, B] = [`B${r.pair}`, `C${r.pair}`];
  const differences = `E${cFirst}:E${cLast}`;
  const above = `IF(B${rr.slopeAbove}>0,${A},IF(B${rr.slopeAbove}<0,${B},IF(B${rr.there}>0,${A},IF(B${rr.there}<0,${B},"neither"))))`;
  const always = `IF(AND(COUNTIF(${differences},"<=0")=0,B${rr.there}>0),": "&${A}&" always pays more",IF(AND(COUNTIF(${differences},">=0")=0,B${rr.there}<0),": "&${B}&" always pays more",": the one that pays more changes where a bracket schedule jumps"))`;
  put(`A${rr.verdict}`, { value: 'Verdict' });
  put(`B${rr.verdict}`, {
    formula: `=IF(ISNUMBER(B${rr.first}),${A}&" and "&${B}&" pay the same at a first-period revenue of "&TEXT(B${rr.first},"#,##0.00")&IF(ISNUMBER(B${rr.last}),IF(B${rr.last}<>B${rr.first}," and again at "&TEXT(B${rr.last},"#,##0.00"),"")," and at every revenue above "&TEXT(B${rr.top},"#,##0.00"))&"; above it, "&${above}&" pays more.",${A}&" and "&${B}&" never pay the same"&${always}&".")`,
    style: 'muted',
  });
  name('BreakEven', `B${rr.first}`, 'The lowest first-period revenue at which the two offers pay the same, or "never"');
  name('BreakEvenLast', `B${rr.last}`, 'The highest first-period revenue at which the two offers pay the same; "unbounded" when they pay the same at every revenue above the last candidate; "never"');
  notes.push({
    address: `B${rr.first}`,
    text: 'Excel arithmetic (and PURPOSESHARE for a schedule): in one period each offer pays max(royalties + b, K) (LICENCEPAYMENTS with one period); between the candidate revenues listed above the difference is linear, so each root is found on the interval where it changes sign. "never" when the offers never pay the same.',
  });

  const chartTop = rr.verdict + 2;
  const chart = {
    name: DEAL_CHART_NAME,
    type: 'Line' as const,
    title: 'Cumulative payments, base scenario',
    seriesAddress: `B${cumHeader}:${lastCol}${cumLast}`,
    seriesCount: K,
    categoriesAddress: `A${cumFirst}:A${cumLast}`,
    topLeft: `A${chartTop}`,
    bottomRight: cellAddress(Math.max(K, 5), chartTop + 18),
  };
  const columnWidths = [{ column: 'A', points: 230 }, ...['B', 'C', 'D', 'E', 'F', 'G'].concat(offerColumns).filter((c, i, all) => all.indexOf(c) === i).map((column) => ({ column, points: 120 }))];
  return {
    cells,
    names,
    notes,
    charts: [],
    columnWidths,
    blocks,
    offerColumns,
    termRows,
    cumulative: { header: cumHeader, first: cumFirst, last: cumLast },
    breakEven: { first: `B${rr.first}`, last: `B${rr.last}`, verdict: `B${rr.verdict}`, candidates: { first: cFirst, last: cLast } },
    schedules,
    royalties,
    chart,
  };
}

export interface DealWriteOptions {
  sheetName?: string;
  sourceNotes: SourceNoteMode;
}

/**
 * Writes the plan (plannedSheet.ts) and then the line chart, which the shared writer does not
 * draw (it draws column charts); on an update the old chart is deleted first.
 */
export async function writeDealSheet(context: Excel.RequestContext, inputs: DealInputs, options: DealWriteOptions): Promise<{ sheetName: string; plan: DealSheetPlan }> {
  const plan = planDealSheet(inputs);
  if (options.sheetName !== undefined) {
    const old = context.workbook.worksheets.getItemOrNullObject(options.sheetName);
    await context.sync();
    if (!old.isNullObject) {
      const chart = old.charts.getItemOrNullObject(DEAL_CHART_NAME);
      chart.load('name');
      await context.sync();
      if (!chart.isNullObject) chart.delete();
      await context.sync();
    }
  }
  const { sheetName } = await writeSheetPlan(context, plan, {
    prefix: DEAL_PREFIX,
    sheetName: options.sheetName,
    sourceNotes: options.sourceNotes,
    store: { kind: DEAL_STORE, payload: inputs },
  });
  const sheet = context.workbook.worksheets.getItem(sheetName);
  const planned = plan.chart;
  const chart = sheet.charts.add(planned.type, sheet.getRange(planned.seriesAddress), 'Columns');
  chart.name = planned.name;
  chart.title.text = planned.title;
  chart.setPosition(planned.topLeft, planned.bottomRight);
  const categories = sheet.getRange(planned.categoriesAddress);
  for (let k = 0; k < planned.seriesCount; k++) chart.series.getItemAt(k).setXAxisValues(categories);
  chart.legend.position = 'Bottom';
  await context.sync();
  return { sheetName, plan };
}

const isNumberArray = (x: unknown, n: number): x is number[] => Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** The stored inputs, checked; undefined when the sheet has none. */
export function dealInputsFromProperties(sheetName: string, items: ReadonlyArray<{ key: string; value: string }>): DealInputs | undefined {
  const payload = payloadFromProperties(sheetName, DEAL_STORE, items) as Partial<DealInputs> | undefined;
  if (payload === undefined) return undefined;
  const bad = (detail: string): never => {
    throw new StoredSheetError(sheetName, DEAL_STORE.what, detail);
  };
  if (typeof payload.title !== 'string') bad('title missing');
  if (!Array.isArray(payload.periods) || payload.periods.length === 0 || !payload.periods.every((p) => typeof p === 'string')) bad('periods missing');
  const T = payload.periods!.length;
  for (const s of SCENARIOS) {
    if (!isNumberArray(payload.revenue?.[s], T)) bad(`${s} revenue: expected ${T} numbers`);
    if (!isNumberArray(payload.units?.[s], T)) bad(`${s} units: expected ${T} numbers`);
  }
  if (typeof payload.discountRate !== 'number') bad('discount rate missing');
  if (!Array.isArray(payload.offers) || payload.offers.length === 0) bad('offers missing');
  payload.offers!.forEach((o, k) => {
    if (typeof o?.name !== 'string' || !(o.kind in OFFER_KIND_TITLES)) bad(`offer ${k + 1}: name or kind missing`);
    for (const f of ['rate', 'advance', 'minimum', 'unitFee', 'exemption'] as const) if (typeof o[f] !== 'number') bad(`offer ${k + 1}: ${f} missing`);
    if (typeof o.recoupable !== 'boolean') bad(`offer ${k + 1}: recoupable missing`);
    if (o.schedule !== undefined) {
      if (!isRateSchedule(o.schedule)) bad(`offer ${k + 1}: rate schedule damaged`);
      if (o.scheduleMode !== 'marginal' && o.scheduleMode !== 'bracket') bad(`offer ${k + 1}: schedule mode missing`);
    }
  });
  const be = payload.breakEven;
  if (!Array.isArray(be) || be.length !== 2 || !be.every((i) => Number.isInteger(i) && i >= 0 && i < payload.offers!.length)) bad('break-even offers missing');
  return payload as DealInputs;
}

export interface DealSheetInputs {
  sheetName: string;
  inputs: DealInputs;
  warnings: string[];
}

/**
 * A deal sheet as it stands: the stored inputs with the current numbers of the named input
 * cells taken over (the forecast, the discount rate, each offer's terms); undefined when the
 * sheet is not a deal sheet.
 */
export async function readDealSheet(context: Excel.RequestContext, sheet: Excel.Worksheet): Promise<DealSheetInputs | undefined> {
  sheet.load('name');
  const properties = sheet.customProperties;
  properties.load('items/key,items/value');
  await context.sync();
  const stored = dealInputsFromProperties(sheet.name, properties.items.map((i) => ({ key: i.key, value: i.value })));
  if (stored === undefined) return undefined;
  const ranges = new Map<string, Excel.Range>();
  const want = (n: string): void => {
    const range = sheet.names.getItemOrNullObject(n).getRangeOrNullObject();
    range.load('values,formulas');
    ranges.set(n, range);
  };
  SCENARIOS.forEach((s) => {
    want(revenueName(s));
    want(unitsName(s));
  });
  want('DiscountRate');
  const termsOf = (offer: Offer): readonly TermName[] =>
    isLevy(offer) ? ['Rate', 'Exemption'] : isTiered(offer) ? ['Schedule', 'Mode', 'Advance', 'Recoupable', 'Minimum', 'UnitFee'] : ['Rate', 'Advance', 'Recoupable', 'Minimum', 'UnitFee'];
  stored.offers.forEach((offer, k) => termsOf(offer).forEach((t) => want(termName(k, t))));
  await context.sync();

  const warnings: string[] = [];
  const T = stored.periods.length;
  const inputs: DealInputs = {
    ...stored,
    revenue: { low: [...stored.revenue.low], base: [...stored.revenue.base], high: [...stored.revenue.high] },
    units: { low: [...stored.units.low], base: [...stored.units.base], high: [...stored.units.high] },
    offers: stored.offers.map((o) => ({ ...o, ...(o.schedule !== undefined ? { schedule: o.schedule.map((t) => ({ ...t })) } : {}) })),
  };
  const column = (n: string, target: number[]): void => {
    const range = ranges.get(n)!;
    if (range.isNullObject || range.values.length !== T) {
      warnings.push(`The name ${n} no longer covers the ${T} periods: the stored numbers are shown`);
      return;
    }
    range.values.forEach((row, t) => {
      const x = row[0];
      if (typeof x === 'number' && Number.isFinite(x) && x >= 0) target[t] = x;
      else warnings.push(`${n} row ${t + 1} (${stored.periods[t]}) holds ${JSON.stringify(x)}, not an amount: its stored value is shown`);
    });
  };
  SCENARIOS.forEach((s) => {
    column(revenueName(s), inputs.revenue[s]);
    column(unitsName(s), inputs.units[s]);
  });
  const single = (n: string): unknown => {
    const range = ranges.get(n)!;
    if (range.isNullObject) {
      warnings.push(`The name ${n} is gone: its stored value is shown`);
      return undefined;
    }
    const value = range.values[0]?.[0];
    // A logical typed as =TRUE reads as its formula where the value is not computed yet.
    const formula = range.formulas?.[0]?.[0];
    return typeof value !== 'boolean' && typeof formula === 'string' && /^=?(TRUE|FALSE)$/i.test(formula.trim()) ? formula.trim().replace(/^=/, '') : value;
  };
  /** A schedule edited on the sheet: taken over when it is still slices from 0 in increasing order. */
  const readSchedule = (n: string, offer: Offer): void => {
    const range = ranges.get(n)!;
    if (range.isNullObject) {
      warnings.push(`The name ${n} is gone: the stored rate schedule is shown`);
      return;
    }
    const tiers = range.values.slice(1).map((row) => ({ from: row[1], rate: row[2] }));
    if (isRateSchedule(tiers)) offer.schedule = tiers;
    else warnings.push(`${n} (${offer.name}) is no longer slices from 0 in increasing order with rates from 0 to 100 %: the stored schedule is shown`);
  };
  const discount = single('DiscountRate');
  if (typeof discount === 'number' && discount > -1) inputs.discountRate = discount;
  else if (discount !== undefined) warnings.push(`DiscountRate holds ${JSON.stringify(discount)}, not a rate: the stored rate is shown`);
  inputs.offers.forEach((offer, k) => {
    for (const t of termsOf(offer)) {
      const n = termName(k, t);
      if (t === 'Schedule') {
        readSchedule(n, offer);
        continue;
      }
      const x = single(n);
      if (x === undefined) continue;
      if (t === 'Mode') {
        const mode = String(x).trim().toLowerCase();
        if (mode === 'marginal' || mode === 'bracket') offer.scheduleMode = mode;
        else warnings.push(`${n} (${offer.name}) holds ${JSON.stringify(x)}, not marginal or bracket: the stored mode is shown`);
        continue;
      }
      if (t === 'Recoupable') {
        const text = String(x).trim().toUpperCase();
        if (x === true || text === 'TRUE') offer.recoupable = true;
        else if (x === false || text === 'FALSE') offer.recoupable = false;
        else warnings.push(`${n} holds ${JSON.stringify(x)}, not TRUE or FALSE: the stored value is shown`);
        continue;
      }
      const field = ({ Rate: 'rate', Advance: 'advance', Minimum: 'minimum', UnitFee: 'unitFee', Exemption: 'exemption' } as const)[t];
      if (typeof x === 'number' && Number.isFinite(x) && x >= 0 && (field !== 'rate' || x <= 1)) offer[field] = x;
      else warnings.push(`${n} (${offer.name}) holds ${JSON.stringify(x)}: its stored value is shown`);
    }
  });
  return { sheetName: sheet.name, inputs, warnings };
}

export async function readActiveDealSheet(context: Excel.RequestContext): Promise<DealSheetInputs | undefined> {
  return readDealSheet(context, context.workbook.worksheets.getActiveWorksheet());
}

export { SCENARIO_TITLES };
