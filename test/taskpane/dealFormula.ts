/*
 * A small evaluator of the Excel formulas the deal sheet's break-even cells use (numbers,
 * logicals, strings, cell references, ranges and names, + − × ÷ &, comparisons, MAX, MIN, COUNT,
 * COUNTIF, MINIFS, VLOOKUP (approximate), ROUND, TEXT for "#,##0.00", IF, AND, OR, NOT, ISNUMBER, and PARTAGE.* through
 * the registry, as Excel calls our adapters), so that the tests compute what Excel would show in
 * those cells from the formula texts written on the mock sheet, instead of trusting code of the
 * sheet writer. Excel's semantics where they matter here: IF evaluates only the branch taken;
 * comparing a number with text is FALSE for "=", an arithmetic on text is #VALUE! (thrown); MIN,
 * MAX and COUNT skip the text of a range; MINIFS with no match is 0.
 */
import { callFunction, FUNCTIONS } from '../../src/functions/registry';
import { cell, nameTarget, type SheetState } from './excelMock';

type Scalar = number | string | boolean;
/** A range's values, row by row. */
interface RangeValue {
  range: Scalar[][];
}
type Value = Scalar | RangeValue;

const isRange = (v: Value): v is RangeValue => typeof v === 'object';

/** The cells of "B3:D5" (or one cell), row by row. */
function cellsOf(box: string): string[][] {
  const [from, to = from] = box.replace(/\$/g, '').toUpperCase().split(':');
  const parse = (a: string): [number, number] => {
    const m = /^([A-Z]+)(\d+)$/.exec(a)!;
    const column = [...m[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    return [column, Number(m[2])];
  };
  const letters = (column: number): string => (column > 26 ? letters(Math.floor((column - 1) / 26)) : '') + String.fromCharCode(65 + ((column - 1) % 26));
  const [c1, r1] = parse(from);
  const [c2, r2] = parse(to);
  const rows: string[][] = [];
  for (let r = r1; r <= r2; r++) {
    const row: string[] = [];
    for (let c = c1; c <= c2; c++) row.push(`${letters(c)}${r}`);
    rows.push(row);
  }
  return rows;
}

class FormulaError extends Error {}

/** `cache`: the cells computed so far in one evaluation (the sheet does not change meanwhile). */
export function evaluateCell(sheet: SheetState, address: string, seen: Set<string> = new Set(), cache: Map<string, Scalar> = new Map()): Scalar {
  const key = address.replace(/\$/g, '').toUpperCase();
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (seen.has(key)) throw new FormulaError(`circular reference at ${key}`);
  const c = cell(sheet, key);
  if (c === undefined) return 0;
  if (c.formula === undefined) {
    const v = c.value;
    return typeof v === 'number' || typeof v === 'boolean' ? v : v === '' || v === undefined ? 0 : String(v);
  }
  const result = evaluateFormula(c.formula, (ref) => {
    const target = /^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?$/i.test(ref) ? ref : nameTarget(sheet, ref)?.address;
    if (target === undefined) throw new FormulaError(`#NAME? ${ref}`);
    const inner = new Set([...seen, key]);
    if (!target.includes(':')) return evaluateCell(sheet, target, inner, cache);
    return { range: cellsOf(target).map((row) => row.map((a) => evaluateCell(sheet, a, inner, cache))) };
  });
  if (isRange(result)) throw new FormulaError(`${key} holds a range (a spill), not a value`);
  cache.set(key, result);
  return result;
}

/** Excel's criteria of COUNTIF and MINIFS: ">5", "<=0", a number for equality. */
function matches(value: Scalar, criterion: Scalar): boolean {
  if (typeof criterion === 'number') return value === criterion;
  const m = /^(<=|>=|<>|<|>|=)?(.*)$/.exec(String(criterion))!;
  const op = m[1] ?? '=';
  const target = Number(m[2]);
  if (typeof value !== 'number' || m[2] === '' || !Number.isFinite(target)) return op === '<>' ? value !== m[2] : op === '=' && value === m[2];
  return { '=': value === target, '<>': value !== target, '<': value < target, '>': value > target, '<=': value <= target, '>=': value >= target }[op]!;
}

export function evaluateFormula(formula: string, resolve: (ref: string) => Value): Value {
  const tokens = tokenize(formula.replace(/^=/, ''));
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (expected?: string): string => {
    const t = tokens[at++];
    if (t === undefined || (expected !== undefined && t.toUpperCase() !== expected)) throw new FormulaError(`expected ${expected ?? 'a token'} at ${at} in ${formula}`);
    return t;
  };
  const num = (v: Value): number => {
    if (isRange(v)) throw new FormulaError(`#VALUE! a range where a number is expected in ${formula}`);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw new FormulaError(`#VALUE! arithmetic on "${v}"`);
  };
  const truth = (v: Value): boolean => {
    if (isRange(v)) throw new FormulaError(`#VALUE! a range as a condition in ${formula}`);
    if (typeof v === 'string') throw new FormulaError(`#VALUE! condition "${v}"`);
    return typeof v === 'boolean' ? v : v !== 0;
  };

  // Lazy: each parse function returns a thunk, so IF evaluates only its branch.
  type Thunk = () => Value;
  const comparison = (): Thunk => {
    const left = concat();
    const op = peek();
    if (op !== undefined && ['=', '<>', '<', '>', '<=', '>='].includes(op)) {
      take();
      const right = concat();
      return () => {
        const a = left();
        const b = right();
        if (isRange(a) || isRange(b)) throw new FormulaError(`#VALUE! comparing a range in ${formula}`);
        if (typeof a !== typeof b) return op === '<>';
        const cmp = a < b ? -1 : a > b ? 1 : 0;
        return { '=': cmp === 0, '<>': cmp !== 0, '<': cmp < 0, '>': cmp > 0, '<=': cmp <= 0, '>=': cmp >= 0 }[op]!;
      };
    }
    return left;
  };
  const concat = (): Thunk => {
    let left = additive();
    while (peek() === '&') {
      take();
      const l = left;
      const r = additive();
      left = () => {
        const [a, b] = [l(), r()];
        if (isRange(a) || isRange(b)) throw new FormulaError(`#VALUE! joining a range in ${formula}`);
        return `${a}${b}`;
      };
    }
    return left;
  };
  const additive = (): Thunk => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const l = left;
      const r = term();
      left = op === '+' ? () => num(l()) + num(r()) : () => num(l()) - num(r());
    }
    return left;
  };
  const term = (): Thunk => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      const l = left;
      const r = unary();
      left =
        op === '*'
          ? () => num(l()) * num(r())
          : () => {
              const d = num(r());
              if (d === 0) throw new FormulaError('#DIV/0!');
              return num(l()) / d;
            };
    }
    return left;
  };
  const unary = (): Thunk => {
    if (peek() === '-') {
      take();
      const x = unary();
      return () => -num(x());
    }
    return primary();
  };
  const primary = (): Thunk => {
    const t = take();
    if (t === '(') {
      const x = comparison();
      take(')');
      return x;
    }
    if (/^\d/.test(t)) {
      const x = Number(t);
      return () => x;
    }
    if (t.startsWith('"')) {
      const s = t.slice(1, -1).replace(/""/g, '"');
      return () => s;
    }
    if (peek() === '(') {
      take('(');
      const args: Thunk[] = [];
      if (peek() !== ')') {
        args.push(comparison());
        while (peek() === ',') {
          take();
          args.push(comparison());
        }
      }
      take(')');
      const f = t.toUpperCase();
      // The numbers of the arguments: a range gives its numbers only, as in Excel.
      const numbers = (): number[] => args.flatMap((a) => {
        const v = a();
        return isRange(v) ? v.range.flat().filter((x): x is number => typeof x === 'number') : [num(v)];
      });
      const range = (v: Value): Scalar[] => (isRange(v) ? v.range.flat() : [v]);
      const grid = (v: Value): Scalar[][] => (isRange(v) ? v.range : [[v]]);
      if (f.startsWith('PARTAGE.')) {
        const fn = FUNCTIONS[f.slice('PARTAGE.'.length) as keyof typeof FUNCTIONS];
        if (fn === undefined) throw new FormulaError(`#NAME? ${f}`);
        return () => {
          const out = callFunction(fn, args.map((a) => grid(a())));
          if (out instanceof Promise) throw new FormulaError(`${f} is asynchronous`);
          return Array.isArray(out) ? { range: out as Scalar[][] } : (out as Scalar);
        };
      }
      switch (f) {
        case 'MAX':
          return () => {
            const xs = numbers();
            return xs.length === 0 ? 0 : Math.max(...xs);
          };
        case 'MIN':
          return () => {
            const xs = numbers();
            return xs.length === 0 ? 0 : Math.min(...xs);
          };
        case 'COUNT':
          return () => numbers().length;
        case 'COUNTIF':
          return () => {
            const criterion = args[1]();
            if (isRange(criterion)) throw new FormulaError('#VALUE! COUNTIF criterion');
            return range(args[0]()).filter((x) => matches(x, criterion)).length;
          };
        case 'MINIFS':
          return () => {
            const values = range(args[0]());
            const tested = range(args[1]());
            const criterion = args[2]();
            if (isRange(criterion)) throw new FormulaError('#VALUE! MINIFS criterion');
            const picked = values.filter((x, i): x is number => typeof x === 'number' && matches(tested[i], criterion));
            return picked.length === 0 ? 0 : Math.min(...picked);
          };
        case 'ROUND':
          return () => {
            const [x, digits] = [num(args[0]()), num(args[1]())];
            const factor = 10 ** digits;
            // Excel rounds half away from zero on the decimal shown.
            return (Math.sign(x) * Math.round(Number((Math.abs(x) * factor).toPrecision(15)))) / factor;
          };
        case 'TEXT':
          return () => {
            const format = args[1]();
            if (format !== '#,##0.00') throw new FormulaError(`unsupported TEXT format ${String(format)}`);
            return num(args[0]()).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
          };
        case 'VLOOKUP':
          return () => {
            // Approximate match only (TRUE): the last row whose first cell is ≤ the value, on a sorted column.
            const [x, table, column, approximate] = [num(args[0]()), args[1](), num(args[2]()), args[3] === undefined ? true : truth(args[3]())];
            if (!approximate || !isRange(table)) throw new FormulaError('VLOOKUP: approximate match on a range only');
            const row = table.range.filter((r) => typeof r[0] === 'number' && r[0] <= x).pop();
            if (row === undefined) throw new FormulaError('#N/A VLOOKUP');
            return row[column - 1];
          };
        case 'NOT':
          return () => !truth(args[0]());
        case 'IF':
          return () => (truth(args[0]()) ? args[1]() : args.length > 2 ? args[2]() : false);
        case 'AND':
          return () => args.map((a) => truth(a())).every(Boolean);
        case 'OR':
          return () => args.map((a) => truth(a())).some(Boolean);
        case 'ISNUMBER':
          return () => {
            try {
              return typeof args[0]() === 'number';
            } catch {
              return false;
            }
          };
        default:
          throw new FormulaError(`unsupported function ${f}`);
      }
    }
    if (/^(TRUE|FALSE)$/i.test(t)) {
      const b = t.toUpperCase() === 'TRUE';
      return () => b;
    }
    return () => resolve(t);
  };
  const result = comparison();
  if (at !== tokens.length) throw new FormulaError(`unparsed "${tokens.slice(at).join('')}" in ${formula}`);
  return result();
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"]|"")*"|<>|<=|>=|[-+*/&(),=<>]|\d+(?:\.\d+)?(?:E[-+]?\d+)?|\$?[A-Za-z]{1,3}\$?\d+:\$?[A-Za-z]{1,3}\$?\d+|[A-Za-z_$][A-Za-z0-9_.$]*)/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new FormulaError(`cannot read "${text.slice(at)}"`);
    tokens.push(m[1]);
    at = re.lastIndex;
    while (at < text.length && /\s/.test(text[at])) at++;
  }
  return tokens;
}
