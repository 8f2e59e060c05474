/*
 * A small evaluator of the Excel formulas the deal sheet's break-even cells use (numbers,
 * logicals, strings, cell references and names, + − × ÷ &, comparisons, MAX, MIN, IF, AND, OR,
 * ISNUMBER), so that the tests compute what Excel would show in those cells from the formula
 * texts written on the mock sheet, instead of trusting code of the sheet writer.
 * Excel's semantics where they matter here: IF evaluates only the branch taken; comparing a
 * number with text is FALSE for "=", and an arithmetic on text is #VALUE! (thrown).
 */
import { cell, nameTarget, type SheetState } from './excelMock';

type Value = number | string | boolean;

class FormulaError extends Error {}

export function evaluateCell(sheet: SheetState, address: string, seen: Set<string> = new Set()): Value {
  const key = address.replace(/\$/g, '').toUpperCase();
  if (seen.has(key)) throw new FormulaError(`circular reference at ${key}`);
  const c = cell(sheet, key);
  if (c === undefined) return 0;
  if (c.formula === undefined) {
    const v = c.value;
    return typeof v === 'number' || typeof v === 'boolean' ? v : v === '' || v === undefined ? 0 : String(v);
  }
  return evaluateFormula(c.formula, (ref) => {
    const target = /^\$?[A-Z]{1,3}\$?\d+$/i.test(ref) ? ref : nameTarget(sheet, ref)?.address;
    if (target === undefined) throw new FormulaError(`#NAME? ${ref}`);
    if (target.includes(':')) throw new FormulaError(`${ref} is a range`);
    return evaluateCell(sheet, target, new Set([...seen, key]));
  });
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
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw new FormulaError(`#VALUE! arithmetic on "${v}"`);
  };
  const truth = (v: Value): boolean => {
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
      left = () => `${l()}${r()}`;
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
      switch (f) {
        case 'MAX':
          return () => Math.max(...args.map((a) => num(a())));
        case 'MIN':
          return () => Math.min(...args.map((a) => num(a())));
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
  const re = /\s*("(?:[^"]|"")*"|<>|<=|>=|[-+*/&(),=<>]|\d+(?:\.\d+)?(?:E[-+]?\d+)?|[A-Za-z_$][A-Za-z0-9_.$]*)/y;
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
