/*
 * Native Excel formulas for the PARTAGE functions that have one, so that the copy for the other
 * side stays live without the add-in: the same named inputs, Excel's own functions.
 *
 * - TRANSFERBASE(revenue, link, counterfactual, deductions) = SUMPRODUCT((revenue − deductions)
 *   × link × counterfactual), a single value spread over the lines as the function does.
 * - PURPOSESHARE(base, purpose, rates, minimum, mode) = MAX(share, minimum), the share being
 *   base × rate (one rate), base × the purpose's rate (three), or the sum of the schedule's
 *   slices rate × MAX(0, MIN(base, next from) − from) (marginal) or base × the rate of the
 *   highest slice reached (bracket), referring to the schedule's cells.
 * - LICENCEPAYMENTS, period t of T: royalties eₜ = rateₜ·revenueₜ + feeₜ·unitsₜ; with a
 *   recoupable advance A the part recouped by period t is MIN(A, e₁ + … + eₜ), so period t
 *   recoups MIN(A, Σ≤t e) − MIN(A, Σ<t e) (DESIGN §7.2's recurrence, summed); payment =
 *   MAX(eₜ − recoupedₜ, minimumₜ), + A in period 1. Each column argument of T rows is read as
 *   INDEX(column, t), and its first t rows as INDEX(column, 1):INDEX(column, t).
 *
 * Native arithmetic is binary floating point where the functions compute in exact decimals:
 * the copy agrees with them to about 1e-12 of the amounts, which verify's tolerance allows.
 * Any other function, or a formula that does more than call one of these, has no translation:
 * the copy holds its values.
 */
import { evaluateExpr, type EvaluationContext, type Matrix } from './evaluate';
import { partageFunctionName, rangeOperandText, renderExpr, type Expr, type Item } from './formula';
import { boxCells, isErrorValue, parseBox, quoteSheetName, rangeOfOperand, sheetNamed, type WorkbookModel } from './model';

export type Translation = { formulas: Map<string, string> } | { reason: string };

const PURPOSES: Readonly<Record<string, number>> = { generalist: 1, specialised: 2, specialized: 2, competing: 3 };

/** An argument inside a larger formula: in parentheses unless it is one operand or one call. */
const wrap = (expr: Expr): string => (expr.length === 1 && (expr[0].kind === 'operand' || expr[0].kind === 'call' || expr[0].kind === 'group' || expr[0].kind === 'array') ? renderExpr(expr) : `(${renderExpr(expr)})`);
const literal = (expr: Expr | undefined): string | number | undefined =>
  expr?.length === 1 && expr[0].kind === 'operand' && (expr[0].subtype === 'number' || expr[0].subtype === 'text') ? (expr[0].subtype === 'number' ? Number(expr[0].text) : expr[0].text) : undefined;

/** The rows × columns each range operand (reference or name) of the arguments evaluates to. */
async function operandShapes(args: Expr[], ctx: EvaluationContext): Promise<Map<string, [number, number]>> {
  const shapes = new Map<string, [number, number]>();
  const walk = async (expr: Expr): Promise<void> => {
    for (const item of expr) {
      if (item.kind === 'operand' && item.subtype === 'range' && !shapes.has(item.text)) {
        const m = await evaluateExpr([item], ctx);
        shapes.set(item.text, [m.length, m[0]?.length ?? 0]);
      } else if (item.kind === 'group') await walk(item.inner);
      else if (item.kind === 'call') for (const a of item.args) await walk(a);
    }
  };
  for (const a of args) await walk(a);
  return shapes;
}

/** The expression with every operand of `length` cells (a column or a row) replaced by `replace(text)`. */
function substitute(expr: Expr, shapes: Map<string, [number, number]>, length: number, replace: (text: string) => string): Expr {
  return expr.map((item): Item => {
    if (item.kind === 'operand' && item.subtype === 'range') {
      const [r, c] = shapes.get(item.text) ?? [1, 1];
      return length > 1 && ((r === length && c === 1) || (r === 1 && c === length)) ? { ...item, text: replace(item.text) } : item;
    }
    if (item.kind === 'group') return { kind: 'group', inner: substitute(item.inner, shapes, length, replace) };
    if (item.kind === 'call') return { kind: 'call', name: item.name, args: item.args.map((a) => substitute(a, shapes, length, replace)) };
    return item;
  });
}

const given = (args: Expr[], i: number): Expr | undefined => (args[i] !== undefined && args[i].length > 0 ? args[i] : undefined);

function transferBase(args: Expr[]): string {
  const revenue = wrap(args[0]);
  const deductions = given(args, 3);
  const factors = [deductions ? `(${revenue}-${wrap(deductions)})` : revenue, ...[1, 2].flatMap((i) => (given(args, i) ? [wrap(args[i])] : []))];
  return `=SUMPRODUCT(${factors.join('*')})`;
}

/** A cell of the schedule as the figure's sheet refers to it. */
const cellRef = (sheet: string, figureSheet: string, address: string): string => `${sheet.toLowerCase() === figureSheet.toLowerCase() ? '' : `${quoteSheetName(sheet)}!`}$${address.replace(/(\d+)$/, '$$$1')}`;

async function purposeShare(args: Expr[], ctx: EvaluationContext): Promise<string | { reason: string }> {
  const base = wrap(args[0]);
  const purposeValue = (await evaluateExpr(args[1], ctx))[0][0];
  const purposeText = wrap(args[1]);
  const purposeNumber =
    typeof purposeValue === 'string'
      ? `IF(ISNUMBER(${purposeText}),${purposeText},CHOOSE(MATCH(LOWER(${purposeText}),{"generalist","specialised","specialized","competing"},0),1,2,2,3))`
      : purposeText;
  const minimum = given(args, 3);
  const floor = (share: string): string => (minimum ? `=MAX(${share},${wrap(minimum)})` : `=MAX(${share},0)`);
  const rates = await evaluateExpr(args[2], ctx);
  const rows = rates.length;
  const cols = rates[0].length;
  if (rows === 1 && cols === 1) return floor(`${base}*${wrap(args[2])}`);
  const isLabel = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '' && !Number.isFinite(Number(v));
  const hasHeader = cols === 3 && isLabel(rates[0][1]) && isLabel(rates[0][2]);
  if ((rows === 1 && cols === 3 && !hasHeader && typeof rates[0][0] !== 'string') || (rows === 3 && cols === 1)) {
    return floor(`${base}*INDEX(${wrap(args[2])},${purposeNumber})`);
  }
  if (cols !== 3) return { reason: 'its rates are neither one rate, three, nor a schedule [purpose, from, rate]' };
  // A schedule: its cells, read where the name or reference points.
  const operand = rangeOperandText(args[2]);
  if (operand === undefined) return { reason: 'its schedule is not a range of the workbook' };
  const target = rangeOfOperand(ctx.model, operand, ctx.sheet);
  if (target === undefined) return { reason: `its schedule ${operand} is not a plain range` };
  const cells = boxCells(target.box);
  const byPurpose = new Map<number, { from: number; fromRef: string; rateRef: string }[]>();
  cells.forEach((row, r) => {
    if (r === 0 && hasHeader) return;
    const values = rates[r];
    if (values.every((v) => v === null || v === '')) return;
    const p = typeof values[0] === 'number' ? values[0] : PURPOSES[String(values[0]).trim().toLowerCase()];
    if (p === undefined || typeof values[1] !== 'number') return;
    const list = byPurpose.get(p) ?? [];
    list.push({ from: values[1], fromRef: cellRef(target.sheet, ctx.sheet, row[1]), rateRef: cellRef(target.sheet, ctx.sheet, row[2]) });
    byPurpose.set(p, list);
  });
  if (byPurpose.size === 0) return { reason: 'its schedule has no slice' };
  const modeArg = given(args, 4);
  const modeValue = modeArg ? (await evaluateExpr(modeArg, ctx))[0][0] : 'marginal';
  const shareOf = (slices: { from: number; fromRef: string; rateRef: string }[]): string => {
    const sorted = [...slices].sort((a, b) => a.from - b.from);
    const marginal = sorted.map((s, j) => (j + 1 < sorted.length ? `${s.rateRef}*MAX(0,MIN(${base},${sorted[j + 1].fromRef})-${s.fromRef})` : `${s.rateRef}*MAX(0,${base}-${s.fromRef})`)).join('+');
    // The highest slice reached is tested first: the outermost IF is the last slice's.
    let rateReached = sorted[0].rateRef;
    for (let j = 1; j < sorted.length; j++) rateReached = `IF(${base}>=${sorted[j].fromRef},${sorted[j].rateRef},${rateReached})`;
    const bracket = `${base}*${rateReached}`;
    if (modeArg === undefined || typeof literal(modeArg) === 'string') {
      return String(modeValue).trim().toLowerCase() === 'bracket' ? bracket : marginal;
    }
    return `IF(LOWER(${wrap(modeArg)})="bracket",${bracket},${marginal})`;
  };
  // A purpose typed in the formula picks its slices once and for all; a cell's may change.
  const fixed = literal(args[1]);
  const fixedPurpose = typeof fixed === 'number' ? fixed : typeof fixed === 'string' ? PURPOSES[fixed.trim().toLowerCase()] : undefined;
  if (fixedPurpose !== undefined) {
    const slices = byPurpose.get(fixedPurpose);
    return slices === undefined ? { reason: `its schedule has no slice for purpose ${fixedPurpose}` } : floor(shareOf(slices));
  }
  const purposes = [...byPurpose.keys()].sort((a, b) => a - b);
  const share = purposes.reduceRight<string>((otherwise, p) => `IF(${purposeNumber}=${p},${shareOf(byPurpose.get(p)!)},${otherwise})`, 'NA()');
  return floor(share);
}

async function licencePayments(args: Expr[], ctx: EvaluationContext, periods: number): Promise<string[]> {
  const shapes = await operandShapes(args, ctx);
  const at = (expr: Expr, t: number): string => wrap(substitute(expr, shapes, periods, (text) => `INDEX(${text},${t})`));
  const upTo = (expr: Expr, t: number): string => wrap(substitute(expr, shapes, periods, (text) => `(INDEX(${text},1):INDEX(${text},${t}))`));
  const [revenue, rate] = [args[0], args[1]];
  const advance = given(args, 2);
  const minimum = given(args, 3);
  const fee = given(args, 4);
  const units = given(args, 5);
  const recoupable = given(args, 6);
  const royalties = (t: number, read: (e: Expr, t: number) => string): string => `${read(rate, t)}*${read(revenue, t)}${fee && units ? `+${read(fee, t)}*${read(units, t)}` : ''}`;
  const cumulative = (t: number): string => `SUMPRODUCT(${royalties(t, upTo)})`;
  const formulas: string[] = [];
  for (let t = 1; t <= periods; t++) {
    let recouped = '';
    if (advance) {
      const a = wrap(advance);
      const part = t === 1 ? `MIN(${a},${cumulative(1)})` : `MIN(${a},${cumulative(t)})-MIN(${a},${cumulative(t - 1)})`;
      recouped = recoupable ? `-IF(${wrap(recoupable)},${part},0)` : `-(${part})`;
    }
    const floor = minimum ? at(minimum, t) : '0';
    formulas.push(`=MAX(${royalties(t, at)}${recouped},${floor})${advance && t === 1 ? `+${wrap(advance)}` : ''}`);
  }
  return formulas;
}

/**
 * The native formulas for a figure, cell by cell over its range, when its formula is one call of
 * TRANSFERBASE, PURPOSESHARE or LICENCEPAYMENTS on arguments without other PARTAGE calls.
 */
export async function nativeTranslation(model: WorkbookModel, sheet: string, figure: { anchor: string; range: string; formula: string }, tree: Expr): Promise<Translation> {
  const call = tree.length === 1 && tree[0].kind === 'call' ? tree[0] : undefined;
  const name = call ? partageFunctionName(call.name) : undefined;
  if (call === undefined || name === undefined) return { reason: 'the formula does more than call one PARTAGE function' };
  const nested = (e: Expr): boolean => e.some((i) => (i.kind === 'call' && (partageFunctionName(i.name) !== undefined || i.args.some(nested))) || (i.kind === 'group' && nested(i.inner)));
  if (call.args.some(nested)) return { reason: 'its arguments call other PARTAGE functions' };
  const ctx: EvaluationContext = { model, sheet };
  if (sheetNamed(model, sheet) === undefined) return { reason: `the sheet ${sheet} is missing` };
  const box = parseBox(figure.range);
  const cells = boxCells(box).flat();
  try {
    switch (name) {
      case 'TRANSFERBASE':
        return cells.length === 1 ? { formulas: new Map([[figure.anchor, transferBase(call.args)]]) } : { reason: 'TRANSFERBASE fills one cell' };
      case 'PURPOSESHARE': {
        const formula = await purposeShare(call.args, ctx);
        return typeof formula === 'string' ? { formulas: new Map([[figure.anchor, formula]]) } : formula;
      }
      case 'LICENCEPAYMENTS': {
        if (box.left !== box.right) return { reason: 'its payments are not one column' };
        const revenue: Matrix = await evaluateExpr(call.args[0], ctx);
        if (revenue.flat().some(isErrorValue)) return { reason: 'its revenue holds an error' };
        const formulas = await licencePayments(call.args, ctx, cells.length);
        return { formulas: new Map(cells.map((a, t) => [a, formulas[t]])) };
      }
      default:
        return { reason: `Excel has no function equivalent to PARTAGE.${name}` };
    }
  } catch (error) {
    return { reason: `its arguments cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
