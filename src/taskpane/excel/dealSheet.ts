/*
 * A deal comparison sheet: the forecast and every offer's terms as named, editable inputs;
 * per scenario, each offer's payments as one live PARTAGE.LICENCEPAYMENTS formula spilling one
 * payment per period, with Excel's own SUM and NPV below; the cumulative base-scenario payments
 * (Excel's SUM) and a line chart of them; the break-even revenue of two offers worked out with
 * Excel's arithmetic; the inputs kept in custom properties so that the pane edits the sheet again.
 *
 * Names (scoped to the sheet): Periods, RevenueLow/Base/High, UnitsLow/Base/High, DiscountRate,
 * Offer<k>_Rate, _Advance, _Recoupable, _Minimum, _UnitFee (a levy: _Rate and _Exemption only),
 * BreakEven and BreakEvenLast.
 *
 * The break-even. In one period with revenue R (and that period's units), every offer pays a
 * two-piece convex function P(R) = max(r·R + b, K):
 *   LICENCEPAYMENTS with a recoupable advance A pays A + max(e − min(A, e), m) = max(e, A + m),
 *   e = r·R + fee·units; not recoupable, A + max(e, m); a levy pays r·max(R − E, 0).
 * So b = fee·units (+ A when not recoupable, − r·E for a levy) and K = A + m (0 for a levy).
 * The difference of two offers is linear between the kinks (K − b)/r, so it is evaluated at 0
 * and at both kinks, and the root found on the piece where it changes sign, or above the upper
 * kink along the slope r₁ − r₂: the lowest such revenue is BreakEven, the highest BreakEvenLast
 * (convex minus convex can cross twice), "unbounded" when they pay the same at every revenue
 * above the upper kink, "never" when they never pay the same.
 */
import { ENGINE_VERSION } from '../../engine/version';
import { isLevy, OFFER_KIND_TITLES, paidTo, SCENARIO_TITLES, SCENARIOS, type DealInputs, type Offer, type Scenario } from '../deals/dealModel';
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
export const termName = (k: number, term: 'Rate' | 'Advance' | 'Recoupable' | 'Minimum' | 'UnitFee' | 'Exemption'): string => `Offer${k + 1}_${term}`;

/** The formula of one offer's payments in one scenario. */
export function paymentsFormula(offer: Pick<Offer, 'kind'>, k: number, s: Scenario): string {
  const revenue = revenueName(s);
  if (isLevy(offer)) {
    const e = termName(k, 'Exemption');
    return `=PARTAGE.LICENCEPAYMENTS(IF(${revenue}>${e},${revenue}-${e},0),${termName(k, 'Rate')})`;
  }
  return `=PARTAGE.LICENCEPAYMENTS(${revenue},${termName(k, 'Rate')},${termName(k, 'Advance')},${termName(k, 'Minimum')},${termName(k, 'UnitFee')},${unitsName(s)},${termName(k, 'Recoupable')})`;
}

export interface DealSheetPlan extends SheetPlan {
  /** Each scenario's payments block: the first and last period rows, the total and NPV rows. */
  blocks: Record<Scenario, { header: number; first: number; last: number; total: number; npv: number }>;
  /** The column of each offer in the terms and payments blocks ("B", "C"…). */
  offerColumns: string[];
  /** Rows of the terms table. */
  termRows: { kind: number; paidTo: number; rate: number; advance: number; recoupable: number; minimum: number; unitFee: number; exemption: number };
  cumulative: { header: number; first: number; last: number };
  breakEven: { first: string; last: string; verdict: string };
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
  inputs.offers.forEach((offer, k) => {
    const c = offerColumns[k];
    put(`${c}${termsTop + 1}`, { value: offer.name, style: 'header' });
    put(`${c}${termRows.kind}`, { value: OFFER_KIND_TITLES[offer.kind] });
    put(`${c}${termRows.paidTo}`, { value: paidTo(offer), style: isLevy(offer) ? 'keyResult' : undefined });
    put(`${c}${termRows.rate}`, { value: offer.rate, numberFormat: RATE, style: 'input' });
    name(termName(k, 'Rate'), `${c}${termRows.rate}`, `${offer.name}: ${isLevy(offer) ? 'levy rate on revenue above the exemption' : 'revenue share'}`);
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

  // Payments, per scenario.
  const lastCol = offerColumns[K - 1];
  const blocks = {} as DealSheetPlan['blocks'];
  let top = termRows.exemption + 2;
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
      if (s === 'base') {
        notes.push({
          address: `${c}${first}`,
          text: `PARTAGE.LICENCEPAYMENTS: ${isLevy(offer) ? 'the levy rate on the revenue above the exemption, paid to a commons fund (seed 001), not to rightholders' : 'rate × revenue + fee × units; a recoupable advance is repaid from royalties first; each period pays at least the minimum; the advance is paid with period 1'}. Exact decimal arithmetic. Engine ${ENGINE_VERSION}.`,
        });
      }
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
  const beTop = cumLast + 2;
  const r = {
    pair: beTop + 1,
    slope: beTop + 2,
    fixed: beTop + 3,
    floor: beTop + 4,
    kink: beTop + 5,
    lower: beTop + 6,
    upper: beTop + 7,
    d0: beTop + 8,
    dLower: beTop + 9,
    dUpper: beTop + 10,
    slopeAbove: beTop + 11,
    first: beTop + 12,
    last: beTop + 13,
    verdict: beTop + 14,
  };
  put(`A${beTop}`, { value: 'Break-even revenue (first period, base units)', style: 'section' });
  put(`A${r.pair}`, { value: 'Offers compared', style: 'header' });
  put(`A${r.slope}`, { value: 'r: share of revenue (slope)' });
  put(`A${r.fixed}`, { value: 'b: fixed part (fees per output, upfront fee, − levy exemption)' });
  put(`A${r.floor}`, { value: 'K: floor (advance + minimum)' });
  put(`A${r.kink}`, { value: 'Kink (K − b) / r, where r·R + b reaches K' });
  const unitsCell = cellAddress(5, FORECAST_FIRST_ROW);
  const columns = ['B', 'C'];
  [ia, ib].forEach((k, j) => {
    const c = columns[j];
    const offer = inputs.offers[k];
    put(`${c}${r.pair}`, { formula: `=${offerColumns[k]}${termsTop + 1}`, style: 'header' });
    put(`${c}${r.slope}`, { formula: `=${termName(k, 'Rate')}`, numberFormat: RATE });
    if (isLevy(offer)) {
      put(`${c}${r.fixed}`, { formula: `=-${termName(k, 'Rate')}*${termName(k, 'Exemption')}`, numberFormat: MONEY });
      put(`${c}${r.floor}`, { value: 0, numberFormat: MONEY });
    } else {
      put(`${c}${r.fixed}`, { formula: `=${termName(k, 'UnitFee')}*${unitsCell}+IF(${termName(k, 'Recoupable')},0,${termName(k, 'Advance')})`, numberFormat: MONEY });
      put(`${c}${r.floor}`, { formula: `=${termName(k, 'Advance')}+${termName(k, 'Minimum')}`, numberFormat: MONEY });
    }
    put(`${c}${r.kink}`, { formula: `=IF(${c}${r.slope}>0,MAX(0,(${c}${r.floor}-${c}${r.fixed})/${c}${r.slope}),0)`, numberFormat: MONEY });
  });
  const difference = (x: string): string => `=MAX(B${r.slope}*${x}+B${r.fixed},B${r.floor})-MAX(C${r.slope}*${x}+C${r.fixed},C${r.floor})`;
  put(`A${r.lower}`, { value: 'Lower kink' });
  put(`B${r.lower}`, { formula: `=MIN(B${r.kink},C${r.kink})`, numberFormat: MONEY });
  put(`A${r.upper}`, { value: 'Upper kink' });
  put(`B${r.upper}`, { formula: `=MAX(B${r.kink},C${r.kink})`, numberFormat: MONEY });
  put(`A${r.d0}`, { value: 'Difference of payments at revenue 0' });
  put(`B${r.d0}`, { formula: difference('0'), numberFormat: MONEY });
  put(`A${r.dLower}`, { value: 'Difference at the lower kink' });
  put(`B${r.dLower}`, { formula: difference(`B${r.lower}`), numberFormat: MONEY });
  put(`A${r.dUpper}`, { value: 'Difference at the upper kink' });
  put(`B${r.dUpper}`, { formula: difference(`B${r.upper}`), numberFormat: MONEY });
  put(`A${r.slopeAbove}`, { value: 'Slope of the difference above the upper kink' });
  put(`B${r.slopeAbove}`, { formula: `=B${r.slope}-C${r.slope}`, numberFormat: RATE });
  const [x1, x2, d0, d1, d2, s3] = [`B${r.lower}`, `B${r.upper}`, `B${r.d0}`, `B${r.dLower}`, `B${r.dUpper}`, `B${r.slopeAbove}`];
  const onPiece1 = `${x1}*${d0}/(${d0}-${d1})`;
  const onPiece2 = `${x1}+(${x2}-${x1})*${d1}/(${d1}-${d2})`;
  const onPiece3 = `${x2}-${d2}/${s3}`;
  put(`A${r.first}`, { value: 'Break-even revenue (the lowest)', style: 'keyResult' });
  put(`B${r.first}`, {
    formula: `=IF(${d0}=0,0,IF(${d0}*${d1}<0,${onPiece1},IF(${d1}=0,${x1},IF(${d1}*${d2}<0,${onPiece2},IF(${d2}=0,${x2},IF(${d2}*${s3}<0,${onPiece3},"never"))))))`,
    numberFormat: MONEY,
    style: 'keyResult',
  });
  put(`A${r.last}`, { value: 'Break-even revenue (the highest)' });
  put(`B${r.last}`, {
    formula: `=IF(AND(${d2}=0,${s3}=0),"unbounded",IF(${d2}*${s3}<0,${onPiece3},IF(AND(${d2}=0,${s3}<>0),${x2},IF(${d1}*${d2}<0,${onPiece2},IF(AND(${d1}=0,${d2}<>0),${x1},IF(${d0}*${d1}<0,${onPiece1},IF(${d0}=0,0,"never")))))))`,
    numberFormat: MONEY,
  });
  put(`A${r.verdict}`, { value: 'Verdict' });
  put(`B${r.verdict}`, {
    formula: `=IF(ISNUMBER(B${r.first}),B${r.pair}&" and "&C${r.pair}&" pay the same at a first-period revenue of "&TEXT(B${r.first},"#,##0.00")&IF(ISNUMBER(B${r.last}),IF(B${r.last}<>B${r.first}," and again at "&TEXT(B${r.last},"#,##0.00"),"")," and at every revenue above "&TEXT(${x2},"#,##0.00"))&"; above it, "&IF(${s3}>0,B${r.pair},IF(${s3}<0,C${r.pair},"neither"))&" pays more.",B${r.pair}&" and "&C${r.pair}&" never pay the same: "&IF(${d0}>0,B${r.pair},C${r.pair})&" always pays more.")`,
    style: 'muted',
  });
  name('BreakEven', `B${r.first}`, 'The lowest first-period revenue at which the two offers pay the same, or "never"');
  name('BreakEvenLast', `B${r.last}`, 'The highest first-period revenue at which the two offers pay the same; "unbounded" when they pay the same at every revenue above the upper kink; "never"');
  notes.push({
    address: `B${r.first}`,
    text: 'Excel arithmetic, no partage function: in one period each offer pays max(r·R + b, K) (LICENCEPAYMENTS with one period); the difference is linear between the kinks, so the root is found on the piece where it changes sign. "never" when the offers never pay the same. Past the upper kink the difference changes at the slope below.',
  });

  const chartTop = r.verdict + 2;
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
    breakEven: { first: `B${r.first}`, last: `B${r.last}`, verdict: `B${r.verdict}` },
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
  const termsOf = (offer: Offer) => (isLevy(offer) ? (['Rate', 'Exemption'] as const) : (['Rate', 'Advance', 'Recoupable', 'Minimum', 'UnitFee'] as const));
  stored.offers.forEach((offer, k) => termsOf(offer).forEach((t) => want(termName(k, t))));
  await context.sync();

  const warnings: string[] = [];
  const T = stored.periods.length;
  const inputs: DealInputs = {
    ...stored,
    revenue: { low: [...stored.revenue.low], base: [...stored.revenue.base], high: [...stored.revenue.high] },
    units: { low: [...stored.units.low], base: [...stored.units.base], high: [...stored.units.high] },
    offers: stored.offers.map((o) => ({ ...o })),
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
  const discount = single('DiscountRate');
  if (typeof discount === 'number' && discount > -1) inputs.discountRate = discount;
  else if (discount !== undefined) warnings.push(`DiscountRate holds ${JSON.stringify(discount)}, not a rate: the stored rate is shown`);
  inputs.offers.forEach((offer, k) => {
    for (const t of termsOf(offer)) {
      const n = termName(k, t);
      const x = single(n);
      if (x === undefined) continue;
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
