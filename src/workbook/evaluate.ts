/*
 * Evaluates a partage formula of a saved workbook from the inputs the file holds, for `partage
 * verify` and the pane's "Verify figures": references and names (sheet-scoped first) read the
 * cached values of their cells, operators work element by element with Excel's broadcasting,
 * and PARTAGE.* functions are our own adapters, called as Excel calls them (registry.ts).
 *
 * It is deliberately small: it evaluates what a partage formula's arguments are made of in the
 * sheets the pane writes and in what users type around them (ranges, names, constants,
 * arithmetic, comparisons, IF, HSTACK/VSTACK, SUM, MIN, MAX, ROUND, ABS, AND, OR, NOT,
 * TRANSPOSE, INDEX, ROW, COLUMN, NPV, LET). Anything else is not guessed at: it throws NotCheckableError naming what
 * it met, and verify reports the figure as not checkable for that reason. (No spreadsheet
 * engine on the npm registry is both faithful and under a licence we can ship; the tests check
 * this one against LibreOffice.)
 */
import { FunctionError } from '../functions/errors';
import { callFunction, findFunction } from '../functions/registry';
import { parseFormula, partageFunctionName, rangeOperandText, type Expr, type Item } from './formula';
import { A1_REFERENCE, boxCells, findName, isErrorValue, parseReference, rangeOfOperand, sheetNamed, type Box, type CellValue, type WorkbookModel } from './model';

export type Matrix = CellValue[][];

export class NotCheckableError extends Error {}

/** A PARTAGE call met during an evaluation: its arguments as the adapter received them. */
export interface PartageCall {
  name: string;
  args: (Matrix | undefined)[];
  result: Matrix;
}

export interface EvaluationContext {
  model: WorkbookModel;
  /** The sheet the formula is on: references without a sheet, and sheet-scoped names. */
  sheet: string;
  /** Every PARTAGE call, outermost last (after its arguments). */
  calls?: PartageCall[];
  /** The names LET binds, lower case. */
  locals?: ReadonlyMap<string, Matrix>;
}

const err = (code: string): CellValue => ({ error: code });
const scalar = (v: CellValue): Matrix => [[v]];
const isScalarMatrix = (m: Matrix): boolean => m.length === 1 && m[0].length === 1;


function readReference(text: string, ctx: EvaluationContext): Matrix {
  const { sheet, box } = parseReference(text, ctx.sheet);
  const target = sheetNamed(ctx.model, sheet);
  if (target === undefined) return scalar(err('#REF!'));
  return boxCells(box).map((row) => row.map((a) => target.cells.get(a)?.value ?? null));
}

async function readName(text: string, ctx: EvaluationContext, depth: number): Promise<Matrix> {
  let sheet = ctx.sheet;
  let name = text;
  const bang = text.lastIndexOf('!');
  if (bang >= 0) {
    const raw = text.slice(0, bang);
    sheet = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    name = text.slice(bang + 1);
  }
  const lower = name.toLowerCase();
  const local = bang < 0 ? ctx.locals?.get(lower) : undefined;
  if (local !== undefined) return local;
  const found = findName(ctx.model, name, sheet);
  if (found === undefined) throw new NotCheckableError(`the name ${text} is not defined in the file`);
  if (depth > 16) throw new NotCheckableError(`the name ${text} refers to itself`);
  const ref = found.ref.replace(/^=/, '');
  if (A1_REFERENCE.test(ref)) return readReference(ref, { ...ctx, sheet });
  return evaluateExpr(parseFormula(ref), { ...ctx, sheet }, depth + 1);
}

// ---------------------------------------------------------------------------------------------
// Element-wise arithmetic with Excel's broadcasting (a single value, a row or a column spread).

/** f applied cell by cell; a matrix of one row or one column is spread; outside a smaller one, #N/A. */
function broadcastAll(ms: Matrix[], f: (...xs: CellValue[]) => CellValue): Matrix {
  const rows = Math.max(...ms.map((m) => m.length));
  const cols = Math.max(...ms.map((m) => m[0]?.length ?? 0));
  const at = (m: Matrix, r: number, c: number): CellValue => {
    const rr = m.length === 1 ? 0 : r;
    const cc = m[0].length === 1 ? 0 : c;
    return rr < m.length && cc < m[0].length ? m[rr][cc] : err('#N/A');
  };
  const out: Matrix = [];
  for (let r = 0; r < rows; r++) {
    const row: CellValue[] = [];
    for (let c = 0; c < cols; c++) row.push(f(...ms.map((m) => at(m, r, c))));
    out.push(row);
  }
  return out;
}

const broadcast = (a: Matrix, b: Matrix, f: (x: CellValue, y: CellValue) => CellValue): Matrix => broadcastAll([a, b], f);

const map = (m: Matrix, f: (x: CellValue) => CellValue): Matrix => m.map((row) => row.map(f));

/** A value as a number for arithmetic: empty is 0, TRUE 1, numeric text its number. */
function toNumber(v: CellValue): number | CellValue {
  if (v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const x = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(x) ? x : err('#VALUE!');
  }
  return v;
}

function arithmetic(op: string, x: CellValue, y: CellValue): CellValue {
  const a = toNumber(x);
  if (typeof a !== 'number') return a;
  const b = toNumber(y);
  if (typeof b !== 'number') return b;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? err('#DIV/0!') : a / b;
    case '^': {
      const p = a ** b;
      return Number.isFinite(p) ? p : err('#NUM!');
    }
  }
  return err('#VALUE!');
}

/** Excel's order across types: numbers < text < logicals; empty equals 0 and "". */
function compare(op: string, x: CellValue, y: CellValue): CellValue {
  if (isErrorValue(x)) return x;
  if (isErrorValue(y)) return y;
  const rank = (v: CellValue): number => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);
  let a: CellValue = x;
  let b: CellValue = y;
  if (a === null) a = typeof b === 'string' ? '' : typeof b === 'boolean' ? false : 0;
  if (b === null) b = typeof a === 'string' ? '' : typeof a === 'boolean' ? false : 0;
  let c: number;
  if (rank(a) !== rank(b)) c = rank(a) - rank(b);
  else if (typeof a === 'string') c = a.toLowerCase() < (b as string).toLowerCase() ? -1 : a.toLowerCase() > (b as string).toLowerCase() ? 1 : 0;
  else c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  return { '=': c === 0, '<>': c !== 0, '<': c < 0, '>': c > 0, '<=': c <= 0, '>=': c >= 0 }[op] ?? err('#VALUE!');
}

function text(v: CellValue): CellValue {
  if (isErrorValue(v)) return v;
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

function truth(v: CellValue): boolean | CellValue {
  if (isErrorValue(v)) return v;
  if (typeof v === 'string') return err('#VALUE!');
  return v === null ? false : typeof v === 'boolean' ? v : v !== 0;
}

// ---------------------------------------------------------------------------------------------
// Precedence: comparison < & < + − < × ÷ < ^ < negation < % (Excel's).

export async function evaluateExpr(expr: Expr, ctx: EvaluationContext, depth = 0): Promise<Matrix> {
  let at = 0;
  const peek = (): Item | undefined => expr[at];
  const isInfix = (ops: string[]): boolean => {
    const t = peek();
    return t?.kind === 'operator' && t.position === 'infix' && ops.includes(t.text);
  };
  const binary = async (next: () => Promise<Matrix>, ops: string[], apply: (op: string, x: CellValue, y: CellValue) => CellValue): Promise<Matrix> => {
    let left = await next();
    while (isInfix(ops)) {
      const op = (expr[at++] as { text: string }).text;
      const right = await next();
      left = broadcast(left, right, (x, y) => apply(op, x, y));
    }
    return left;
  };
  const comparison = (): Promise<Matrix> => binary(concat, ['=', '<>', '<', '>', '<=', '>='], compare);
  const concat = (): Promise<Matrix> =>
    binary(additive, ['&'], (_, x, y) => {
      const a = text(x);
      const b = text(y);
      return isErrorValue(a) ? a : isErrorValue(b) ? b : `${a}${b}`;
    });
  const additive = (): Promise<Matrix> => binary(multiplicative, ['+', '-'], arithmetic);
  const multiplicative = (): Promise<Matrix> => binary(power, ['*', '/'], arithmetic);
  const power = (): Promise<Matrix> => binary(unary, ['^'], arithmetic);
  const unary = async (): Promise<Matrix> => {
    const t = peek();
    if (t?.kind === 'operator' && t.position === 'prefix') {
      at++;
      const x = await unary();
      return t.text === '-' ? map(x, (v) => arithmetic('-', 0, v)) : x;
    }
    let x = await primary();
    while (peek()?.kind === 'operator' && (peek() as { position: string }).position === 'postfix') {
      at++;
      x = map(x, (v) => arithmetic('/', v, 100));
    }
    return x;
  };
  const primary = async (): Promise<Matrix> => {
    const t = expr[at++];
    if (t === undefined) throw new NotCheckableError('an operand is missing');
    switch (t.kind) {
      case 'operand':
        if (t.subtype === 'number') return scalar(Number(t.text));
        if (t.subtype === 'text') return scalar(t.text);
        if (t.subtype === 'logical') return scalar(t.text.toUpperCase() === 'TRUE');
        if (t.subtype === 'error') return scalar(err(t.text));
        return A1_REFERENCE.test(t.text) ? readReference(t.text, ctx) : readName(t.text, ctx, depth);
      case 'group':
        return evaluateExpr(t.inner, ctx, depth);
      case 'array': {
        const rows: Matrix = [];
        for (const row of t.rows) {
          const cells: CellValue[] = [];
          for (const cell of row) cells.push((await evaluateExpr(cell, ctx, depth))[0][0]);
          rows.push(cells);
        }
        return rows;
      }
      case 'call':
        return callOf(t.name, t.args, ctx, depth);
      case 'operator':
        throw new NotCheckableError(`the operator ${t.text} where an operand is expected`);
    }
  };
  const result = await comparison();
  if (at !== expr.length) {
    const t = expr[at];
    throw new NotCheckableError(`the operator ${t.kind === 'operator' ? t.text : t.kind} is not evaluated by partage verify`);
  }
  return result;
}

const numbersOf = (ms: Matrix[], direct: boolean[]): number[] =>
  ms.flatMap((m, i) =>
    m.flat().flatMap((v) => {
      // A range gives its numbers only; a value typed as an argument is coerced (Excel's rule).
      if (typeof v === 'number') return [v];
      if (!direct[i] || v === null) return [];
      const x = toNumber(v);
      return typeof x === 'number' ? [x] : [];
    }),
  );

async function callOf(rawName: string, args: Expr[], ctx: EvaluationContext, depth: number): Promise<Matrix> {
  const partage = partageFunctionName(rawName);
  const name = rawName.toUpperCase().replace(/^_XLFN\./, '').replace(/^_XLWS\./, '');
  const arg = async (i: number): Promise<Matrix> => evaluateExpr(args[i], ctx, depth);
  if (partage !== undefined) {
    const spec = findFunction(partage);
    if (spec === undefined) throw new NotCheckableError(`PARTAGE.${partage} is not a function of this partage version`);
    const values: (Matrix | undefined)[] = [];
    for (const a of args) values.push(a.length === 0 ? undefined : await evaluateExpr(a, ctx, depth));
    const errorIn = values.flatMap((m) => (m ?? []).flat()).find(isErrorValue);
    let result: Matrix;
    if (errorIn !== undefined) result = scalar(errorIn);
    else {
      try {
        const out = await callFunction(spec, values);
        result = Array.isArray(out) ? (out as Matrix) : scalar(out);
      } catch (error) {
        if (error instanceof FunctionError) result = scalar(err(error.code));
        else throw error;
      }
    }
    ctx.calls?.push({ name: partage, args: values, result });
    return result;
  }
  switch (name) {
    case 'IF': {
      const condition = await arg(0);
      const pick = async (branch: number): Promise<Matrix> => (args[branch] === undefined ? scalar(branch === 1 ? 0 : false) : args[branch].length === 0 ? scalar(0) : arg(branch));
      if (isScalarMatrix(condition)) {
        const c = truth(condition[0][0]);
        return typeof c === 'boolean' ? pick(c ? 1 : 2) : scalar(c);
      }
      return broadcastAll([condition, await pick(1), await pick(2)], (c, yes, no) => {
        const b = truth(c);
        return typeof b === 'boolean' ? (b ? yes : no) : b;
      });
    }
    case 'HSTACK':
    case 'VSTACK': {
      const parts: Matrix[] = [];
      for (let i = 0; i < args.length; i++) parts.push(await arg(i));
      if (name === 'VSTACK') {
        const width = Math.max(...parts.map((p) => p[0].length));
        return parts.flatMap((p) => p.map((row) => [...row, ...Array<CellValue>(width - row.length).fill(err('#N/A'))]));
      }
      const height = Math.max(...parts.map((p) => p.length));
      return Array.from({ length: height }, (_, r) => parts.flatMap((p) => p[r] ?? Array<CellValue>(p[0].length).fill(err('#N/A'))));
    }
    case 'SUM':
    case 'MIN':
    case 'MAX': {
      const parts: Matrix[] = [];
      for (let i = 0; i < args.length; i++) parts.push(await arg(i));
      const failed = parts.flatMap((p) => p.flat()).find(isErrorValue);
      if (failed !== undefined) return scalar(failed);
      const xs = numbersOf(parts, args.map((a) => rangeOperandText(a) === undefined));
      if (name === 'SUM') return scalar(xs.reduce((s, x) => s + x, 0));
      return scalar(xs.length === 0 ? 0 : name === 'MIN' ? Math.min(...xs) : Math.max(...xs));
    }
    case 'NPV': {
      // Excel's NPV: the k-th number discounted k times; text and empty cells of a range are skipped.
      const rate = toNumber((await arg(0))[0][0]);
      if (typeof rate !== 'number') return scalar(rate);
      const parts: Matrix[] = [];
      for (let i = 1; i < args.length; i++) parts.push(await arg(i));
      const failed = parts.flatMap((p) => p.flat()).find(isErrorValue);
      if (failed !== undefined) return scalar(failed);
      const xs = numbersOf(parts, args.slice(1).map((a) => rangeOperandText(a) === undefined));
      return scalar(xs.reduce((sum, x, k) => sum + x / (1 + rate) ** (k + 1), 0));
    }
    case 'ABS':
      return map(await arg(0), (v) => {
        const x = toNumber(v);
        return typeof x === 'number' ? Math.abs(x) : x;
      });
    case 'ROUND': {
      const digits = await arg(1);
      return broadcast(await arg(0), digits, (v, d) => {
        const x = toNumber(v);
        const n = toNumber(d);
        if (typeof x !== 'number') return x;
        if (typeof n !== 'number') return n;
        const f = 10 ** Math.trunc(n);
        return (Math.sign(x) * Math.round(Number((Math.abs(x) * f).toPrecision(15)))) / f;
      });
    }
    case 'AND':
    case 'OR': {
      const values: boolean[] = [];
      for (let i = 0; i < args.length; i++) {
        for (const v of (await arg(i)).flat()) {
          const b = truth(v);
          if (typeof b !== 'boolean') return scalar(b);
          values.push(b);
        }
      }
      return scalar(name === 'AND' ? values.every(Boolean) : values.some(Boolean));
    }
    case 'NOT':
      return map(await arg(0), (v) => {
        const b = truth(v);
        return typeof b === 'boolean' ? !b : b;
      });
    case 'LET': {
      // LET(name, value, …, calculation): each value sees the names bound before it.
      if (args.length < 3 || args.length % 2 === 0) throw new NotCheckableError('LET with a name without a value');
      const locals = new Map(ctx.locals ?? []);
      for (let i = 0; i + 1 < args.length; i += 2) {
        const bound = args[i].length === 1 && args[i][0].kind === 'operand' ? (args[i][0] as { text: string }).text : undefined;
        if (bound === undefined) throw new NotCheckableError('LET with a name that is not a plain name');
        locals.set(bound.toLowerCase(), await evaluateExpr(args[i + 1], { ...ctx, locals }, depth));
      }
      return evaluateExpr(args[args.length - 1], { ...ctx, locals }, depth);
    }
    case 'ROW':
    case 'COLUMN': {
      // The positions of a reference (or a name's): a column of row numbers, a row of column numbers.
      const box = await referenceBox(args[0], ctx);
      if (name === 'ROW') return Array.from({ length: box.bottom - box.top + 1 }, (_, r) => [box.top + r]);
      return [Array.from({ length: box.right - box.left + 1 }, (_, c) => box.left + c)];
    }
    case 'TRUE':
      return scalar(true);
    case 'FALSE':
      return scalar(false);
    case 'TRANSPOSE': {
      const m = await arg(0);
      return m[0].map((_, c) => m.map((row) => row[c]));
    }
    case 'INDEX': {
      const m = await arg(0);
      const index = async (i: number): Promise<number> => {
        if (args[i] === undefined || args[i].length === 0) return 0;
        const v = toNumber((await arg(i))[0][0]);
        if (typeof v !== 'number') throw new NotCheckableError('INDEX with a position that is not a number');
        return Math.trunc(v);
      };
      let r = await index(1);
      let c = await index(2);
      // INDEX(column, k) and INDEX(row, k) pick the k-th element.
      if (args.length === 2 && m.length === 1) [r, c] = [1, r];
      if (r < 0 || c < 0 || r > m.length || c > m[0].length) return scalar(err('#REF!'));
      if (r === 0 && c === 0) return m;
      if (r === 0) return m.map((row) => [row[c - 1]]);
      if (c === 0) return [m[r - 1]];
      return scalar(m[r - 1][c - 1]);
    }
    default:
      throw new NotCheckableError(`uses ${name}, which partage verify does not evaluate`);
  }
}

/** The cells an argument of ROW or COLUMN refers to: a reference, or a name defined as one. */
async function referenceBox(arg: Expr | undefined, ctx: EvaluationContext): Promise<Box> {
  const operand = rangeOperandText(arg);
  if (operand === undefined) throw new NotCheckableError('ROW or COLUMN of something else than a reference');
  const range = rangeOfOperand(ctx.model, operand, ctx.sheet);
  if (range === undefined) throw new NotCheckableError(`the name ${operand} is not defined in the file as a range`);
  return range.box;
}

/** Evaluates a whole formula ("=…") as Excel would, on the file's inputs. */
export async function evaluateFormula(formula: string, ctx: EvaluationContext): Promise<Matrix> {
  return evaluateExpr(parseFormula(formula), ctx);
}
