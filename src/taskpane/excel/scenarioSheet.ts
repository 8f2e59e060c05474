/*
 * The live comparison of a sheet's scenarios: scenarios as columns; their inputs as rows
 * (shaded, editable); the key figures as rows, each column computed by the same PARTAGE.*
 * formulas on its own inputs; the differences against a baseline named in a cell (Baseline:
 * type another scenario's name there and they follow); and a column chart of the key figures.
 *
 * Each kind says what its inputs and key figures are: a press calculation (the transfer base,
 * the amount to culture and its share of revenue), a deal comparison (each offer's total in
 * the three forecast scenarios and its NPV), a pool distribution (each holder's amount under
 * the three models, on the pool sheet's own usage log). Rows are matched by label across
 * scenarios; a scenario without an input leaves its cell empty. A schedule is passed to
 * PURPOSESHARE as HSTACK(VSTACK("Purpose", …), VSTACK("From", …), VSTACK("Rate", …)) of the
 * column's cells, a forecast as the column's cells of its periods.
 */
import { ENGINE_VERSION } from '../../engine/version';
import { isLevy, isTiered, SCENARIOS, type DealInputs } from '../deals/dealModel';
import type { PoolInputs } from '../pools/poolModel';
import { PURPOSE_NAMES, type PressInputs } from '../press/pressModel';
import { cellAddress, columnLetter, quoteSheetName } from './a1';
import type { SheetCell, SheetName, SheetNote, SheetPlan } from './plannedSheet';
import type { StoreKind } from './sheetStore';

export const SCENARIO_SHEET_STORE: StoreKind = { key: 'partage.scenarioComparison', version: 1, what: 'scenario comparison' };
export const SCENARIO_SHEET_PREFIX = 'Scenarios';
export const SCENARIO_CHART_NAME = 'partage scenarios';

const MONEY = '#,##0.00';
const RATE = '0.00%';

type Value = number | string | boolean | null;

export interface InputRow {
  label: string;
  value: Value;
  numberFormat: string;
}

export interface FigureRow {
  label: string;
  /** The formula of this scenario's column; `ref(label)` is the cell of an input or a figure in that column. */
  formula: (ref: (label: string) => string) => string;
  numberFormat: string;
}

export interface ScenarioColumn {
  name: string;
  inputs: InputRow[];
  figures: FigureRow[];
}

/** Cells of one column in the order given: a range when they are consecutive rows, else VSTACK. */
function cellsOf(ref: (label: string) => string, labels: readonly string[]): string {
  const cells = labels.map(ref);
  const rows = cells.map((c) => Number(/\d+$/.exec(c)![0]));
  const consecutive = rows.every((r, i) => i === 0 || r === rows[i - 1] + 1);
  return consecutive ? (cells.length === 1 ? cells[0] : `${cells[0]}:${cells[cells.length - 1]}`) : `VSTACK(${cells.join(',')})`;
}

const schedule = (ref: (label: string) => string, slices: readonly { purpose: string; from: string; rate: string }[]): string =>
  `HSTACK(VSTACK("Purpose",${slices.map((s) => ref(s.purpose)).join(',')}),VSTACK("From",${slices.map((s) => ref(s.from)).join(',')}),VSTACK("Rate",${slices.map((s) => ref(s.rate)).join(',')}))`;

// ---------------------------------------------------------------------------------------------
// The kinds.

export function pressColumn(name: string, p: PressInputs): ScenarioColumn {
  const inputs: InputRow[] = [];
  const add = (label: string, value: Value, numberFormat: string): string => {
    inputs.push({ label, value, numberFormat });
    return label;
  };
  const revenue = p.lines.map((l) => add(`Revenue: ${l.label}`, l.revenue, MONEY));
  const deductions = p.hasDeductions ? p.lines.map((l) => add(`Deduction: ${l.label}`, l.deduction, MONEY)) : undefined;
  const shares = (what: string, s: PressInputs['link']): string[] =>
    s.perLine ? p.lines.map((l, i) => add(`${what}: ${l.label}`, s.shares[i], RATE)) : [add(what, s.share, RATE)];
  const link = shares('Share linked to the works', p.link);
  const counterfactual = shares('Counterfactual share', p.counterfactual);
  const split = p.split;
  const slices: { purpose: string; from: string; rate: string }[] = [];
  let splitLabels: { rate?: string; purpose?: string; minimum?: string; mode?: string } = {};
  if (split.kind === 'bargaining') splitLabels = { rate: add('Bargaining split', split.rate, RATE) };
  else {
    splitLabels = { purpose: add('Intended purpose', PURPOSE_NAMES[split.purpose], '@'), minimum: add('Minimum guarantee', split.minimum, MONEY), mode: add('Schedule mode', split.mode, '@') };
    split.schedule.forEach((s, j) =>
      slices.push({ purpose: add(`Slice ${j + 1}: purpose`, s.purpose, '0'), from: add(`Slice ${j + 1}: from`, s.from, MONEY), rate: add(`Slice ${j + 1}: rate`, s.rate, RATE) }),
    );
  }
  const figures: FigureRow[] = [
    {
      label: 'Transfer base (A)',
      formula: (ref) => `=PARTAGE.TRANSFERBASE(${[revenue, link, counterfactual].map((ls) => cellsOf(ref, ls)).join(',')}${deductions ? `,${cellsOf(ref, deductions)}` : ''})`,
      numberFormat: MONEY,
    },
    {
      label: 'Amount to culture (P)',
      formula: (ref) =>
        splitLabels.rate !== undefined
          ? `=${ref('Transfer base (A)')}*${ref(splitLabels.rate)}`
          : `=PARTAGE.PURPOSESHARE(${ref('Transfer base (A)')},${ref(splitLabels.purpose!)},${schedule(ref, slices)},${ref(splitLabels.minimum!)},${ref(splitLabels.mode!)})`,
      numberFormat: MONEY,
    },
    { label: 'Share of revenue', formula: (ref) => `=IF(SUM(${cellsOf(ref, revenue)})=0,"",${ref('Amount to culture (P)')}/SUM(${cellsOf(ref, revenue)}))`, numberFormat: RATE },
  ];
  return { name, inputs, figures };
}

export function dealColumn(name: string, d: DealInputs): ScenarioColumn {
  const inputs: InputRow[] = [];
  const add = (label: string, value: Value, numberFormat: string): string => {
    inputs.push({ label, value, numberFormat });
    return label;
  };
  const revenue = Object.fromEntries(SCENARIOS.map((s) => [s, d.periods.map((p, t) => add(`Revenue ${s}, ${p}`, d.revenue[s][t], MONEY))])) as Record<(typeof SCENARIOS)[number], string[]>;
  const anyUnits = SCENARIOS.some((s) => d.units[s].some((u) => u !== 0));
  const units = anyUnits ? (Object.fromEntries(SCENARIOS.map((s) => [s, d.periods.map((p, t) => add(`Units ${s}, ${p}`, d.units[s][t], '#,##0'))])) as typeof revenue) : undefined;
  const discount = add('Discount rate', d.discountRate, RATE);
  const figures: FigureRow[] = [];
  d.offers.forEach((o) => {
    const tag = `${o.name}:`;
    let payments: (s: (typeof SCENARIOS)[number], ref: (label: string) => string) => string;
    if (isLevy(o)) {
      const rate = add(`${tag} levy rate`, o.rate, RATE);
      const exemption = add(`${tag} exemption per period`, o.exemption, MONEY);
      payments = (s, ref) => {
        const r = cellsOf(ref, revenue[s]);
        return `PARTAGE.LICENCEPAYMENTS(IF(${r}>${ref(exemption)},${r}-${ref(exemption)},0),${ref(rate)})`;
      };
    } else {
      const tiers = isTiered(o)
        ? o.schedule.map((t, j) => ({ purpose: '', from: add(`${tag} slice ${j + 1} from`, t.from, MONEY), rate: add(`${tag} slice ${j + 1} rate`, t.rate, RATE) }))
        : undefined;
      const mode = tiers ? add(`${tag} schedule mode`, o.scheduleMode ?? 'marginal', '@') : undefined;
      const rate = tiers ? undefined : add(`${tag} revenue share`, o.rate, RATE);
      const advance = add(`${tag} advance or upfront fee`, o.advance, MONEY);
      const recoupable = add(`${tag} advance recoupable`, o.recoupable, 'General');
      const minimum = add(`${tag} minimum per period`, o.minimum, MONEY);
      const fee = add(`${tag} fee per output`, o.unitFee, 'General');
      payments = (s, ref) => {
        const base = tiers
          ? `VSTACK(${revenue[s].map((l) => `PARTAGE.PURPOSESHARE(${ref(l)},1,HSTACK(VSTACK("Purpose",${tiers.map(() => 1).join(',')}),VSTACK("From",${tiers.map((t) => ref(t.from)).join(',')}),VSTACK("Rate",${tiers.map((t) => ref(t.rate)).join(',')})),0,${ref(mode!)})`).join(',')})`
          : cellsOf(ref, revenue[s]);
        const unitsArg = units ? cellsOf(ref, units[s]) : '';
        return `PARTAGE.LICENCEPAYMENTS(${base},${tiers ? '1' : ref(rate!)},${ref(advance)},${ref(minimum)},${units ? ref(fee) : ''},${unitsArg},${ref(recoupable)})`;
      };
    }
    for (const s of SCENARIOS) figures.push({ label: `${o.name}: total, ${s}`, formula: (ref) => `=SUM(${payments(s, ref)})`, numberFormat: MONEY });
    figures.push({ label: `${o.name}: NPV, base`, formula: (ref) => `=NPV(${ref(discount)},${payments('base', ref)})`, numberFormat: MONEY });
  });
  return { name, inputs, figures };
}

/** A pool scenario's parameters on the pool sheet's own log (`sourceSheet`'s Usage), holders in log order. */
export function poolColumn(name: string, p: PoolInputs, sourceSheet: string, holders: readonly string[]): ScenarioColumn {
  const inputs: InputRow[] = [
    { label: 'Pool amount', value: p.amount, numberFormat: MONEY },
    { label: 'Threshold: minimum plays', value: p.minPlays, numberFormat: '#,##0' },
    { label: 'Threshold: minimum distinct users', value: p.minUsers, numberFormat: '#,##0' },
    { label: 'Boost (artist-centric)', value: p.boost, numberFormat: 'General' },
    { label: 'Cap of plays per user', value: p.userCap ?? null, numberFormat: '#,##0' },
    { label: 'Decimals', value: p.decimals, numberFormat: '0' },
  ];
  const usage = `${quoteSheetName(sourceSheet)}!Usage`;
  const modes = [
    ['market', 'market-centric'],
    ['user', 'user-centric'],
    ['artist', 'artist-centric'],
  ] as const;
  const figures: FigureRow[] = modes.flatMap(([mode, title]) =>
    holders.map((h, k) => ({
      label: `${h}: ${title}`,
      formula: (ref: (label: string) => string) =>
        `=INDEX(PARTAGE.POOLSPLIT(${ref('Pool amount')},${usage},"${mode}",HSTACK(${ref('Threshold: minimum plays')},${ref('Threshold: minimum distinct users')}),${ref('Boost (artist-centric)')},${ref('Decimals')},${ref('Cap of plays per user')}),${k + 1},2)`,
      numberFormat: MONEY,
    })),
  );
  return { name, inputs, figures };
}

// ---------------------------------------------------------------------------------------------
// The sheet.

export interface ScenarioSheetPlan extends SheetPlan {
  columns: string[];
  rowOf: Map<string, number>;
  header: number;
  figureHeader: number;
  differenceHeader: number;
  baselineCell: string;
}

/** `what`: the kind of sheet compared, in words ("deal comparison"). */
export function planScenarioSheet(what: string, sourceSheet: string, scenarios: readonly ScenarioColumn[], baseline: string): ScenarioSheetPlan {
  if (scenarios.length === 0) throw new Error('No scenario to compare: save one first.');
  const cells: SheetCell[] = [];
  const names: SheetName[] = [];
  const notes: SheetNote[] = [];
  const put = (address: string, cell: Omit<SheetCell, 'address'>): void => {
    cells.push({ address, ...cell });
  };
  const columns = scenarios.map((_, j) => columnLetter(1 + j));
  const last = columns[columns.length - 1];
  const union = <T extends { label: string }>(rows: (s: ScenarioColumn) => T[]): T[] => {
    const seen = new Map<string, T>();
    for (const s of scenarios) for (const r of rows(s)) if (!seen.has(r.label)) seen.set(r.label, r);
    return [...seen.values()];
  };
  const inputRows = union((s) => s.inputs);
  const figureRows = union((s) => s.figures);

  put('A1', { value: `Scenarios of “${sourceSheet}” (${what})`, style: 'title' });
  put('A2', {
    value: 'Each column is one scenario: its inputs (orange, editable) and its key figures, computed by the same PARTAGE formulas on that column’s inputs. The differences are against the scenario named as baseline: type another name there and they follow.',
    style: 'intro',
  });
  put('A3', { value: 'Baseline' });
  const baselineCell = 'B3';
  put(baselineCell, { value: baseline, style: 'input' });
  names.push({ name: 'Baseline', address: baselineCell, comment: 'The scenario the differences are taken against (its name, as in the header row)' });

  const header = 5;
  put(`A${header}`, { value: 'Input', style: 'header' });
  scenarios.forEach((s, j) => put(`${columns[j]}${header}`, { value: s.name, style: 'header' }));
  const rowOf = new Map<string, number>();
  inputRows.forEach((r, i) => rowOf.set(r.label, header + 1 + i));
  const figureHeader = header + inputRows.length + 2;
  figureRows.forEach((r, i) => rowOf.set(r.label, figureHeader + 1 + i));
  const differenceHeader = figureHeader + figureRows.length + 2;

  inputRows.forEach((r) => put(`A${rowOf.get(r.label)}`, { value: r.label }));
  scenarios.forEach((s, j) => {
    const c = columns[j];
    for (const r of s.inputs) {
      const row = rowOf.get(r.label)!;
      if (typeof r.value === 'boolean') put(`${c}${row}`, { formula: r.value ? '=TRUE' : '=FALSE', numberFormat: 'General', style: 'input' });
      else if (r.value !== null) put(`${c}${row}`, { value: r.value, numberFormat: r.numberFormat, style: 'input' });
      else put(`${c}${row}`, { value: '', style: 'input' });
    }
  });

  put(`A${figureHeader}`, { value: 'Key figure', style: 'section' });
  scenarios.forEach((_, j) => put(`${columns[j]}${figureHeader}`, { formula: `=${columns[j]}${header}`, style: 'header' }));
  scenarios.forEach((s, j) => {
    const c = columns[j];
    const ref = (label: string): string => {
      const row = rowOf.get(label);
      if (row === undefined) throw new Error(`scenario sheet: no row "${label}"`);
      return `${c}${row}`;
    };
    for (const f of s.figures) put(`${c}${rowOf.get(f.label)}`, { formula: f.formula(ref), numberFormat: f.numberFormat, style: 'keyResult' });
  });
  figureRows.forEach((r) => put(`A${rowOf.get(r.label)}`, { value: r.label }));
  notes.push({ address: `${columns[0]}${figureHeader + 1}`, text: `The key figures of each scenario, computed by the ${what}’s PARTAGE functions on the inputs of its column. Engine ${ENGINE_VERSION}.` });

  put(`A${differenceHeader}`, { value: 'Difference against the baseline', style: 'section' });
  scenarios.forEach((_, j) => put(`${columns[j]}${differenceHeader}`, { formula: `=${columns[j]}${header}`, style: 'header' }));
  const baselineColumn = `MATCH(Baseline,$B$${header}:$${last}$${header},0)`;
  figureRows.forEach((r, i) => {
    const row = differenceHeader + 1 + i;
    const source = rowOf.get(r.label)!;
    put(`A${row}`, { value: r.label });
    scenarios.forEach((_, j) => {
      const c = columns[j];
      put(`${c}${row}`, {
        formula: `=IFERROR(${c}${source}-INDEX($B${source}:$${last}${source},${baselineColumn}),"")`,
        numberFormat: r.numberFormat === RATE ? '+0.00%;-0.00%;0.00%' : '+#,##0.00;-#,##0.00;0.00',
      });
    });
  });

  const chartRows = Math.min(figureRows.length, 12);
  const chartTop = differenceHeader + figureRows.length + 2;
  const charts = [
    {
      name: SCENARIO_CHART_NAME,
      type: 'ColumnClustered' as const,
      title: 'Key figures by scenario',
      seriesAddress: `B${figureHeader}:${last}${figureHeader + chartRows}`,
      seriesCount: scenarios.length,
      categoriesAddress: `A${figureHeader + 1}:A${figureHeader + chartRows}`,
      topLeft: `A${chartTop}`,
      bottomRight: cellAddress(Math.max(scenarios.length, 5), chartTop + 18),
    },
  ];
  const columnWidths = [{ column: 'A', points: 260 }, ...columns.map((column) => ({ column, points: 120 }))];
  return { cells, names, notes, charts, columnWidths, columns, rowOf, header, figureHeader, differenceHeader, baselineCell };
}
