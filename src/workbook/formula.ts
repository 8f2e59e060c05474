/*
 * Excel formulas as trees, so that the copy and `partage verify` can find the PARTAGE calls of a
 * saved workbook, read their arguments and rewrite them. Tokenising is excel-formula-tokenizer's
 * (a port of E. W. Bachtal's tokenizer); the tree is only as deep as the rewriting needs: an
 * expression is a sequence of operands, operators, calls and parenthesised groups, rendered back
 * as Excel's canonical text (no spaces).
 *
 * Excel saves a JavaScript custom function under the prefix `_xldudf_` with the namespace's dot
 * made an underscore (`_xldudf_PARTAGE_SHAPLEY`), sometimes behind an external-link index
 * (`[2]!_xldudf_…`); a formula typed in Excel with the add-in reads `PARTAGE.SHAPLEY`.
 */
import { tokenize, type Token } from 'excel-formula-tokenizer';

export type Item =
  | { kind: 'operand'; subtype: 'number' | 'text' | 'logical' | 'error' | 'range'; text: string }
  | { kind: 'operator'; text: string; position: 'prefix' | 'infix' | 'postfix' }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'group'; inner: Expr }
  | { kind: 'array'; rows: Expr[][] };

export type Expr = Item[];

export class FormulaSyntaxError extends Error {}

/** The tree of a formula ("=…" or without the sign). */
export function parseFormula(formula: string): Expr {
  const text = formula.trim().replace(/^=/, '');
  const tokens = tokenize(`=${text}`).filter((t) => t.type !== 'white-space');
  let at = 0;
  const fail = (detail: string): never => {
    throw new FormulaSyntaxError(`cannot read the formula =${text}: ${detail}`);
  };
  const isStop = (t: Token | undefined): boolean => t !== undefined && ((t.type === 'function' || t.type === 'subexpression') && t.subtype === 'stop');

  /** Items up to a separator or a closing token, not consumed. */
  const expression = (): Expr => {
    const items: Expr = [];
    while (at < tokens.length) {
      const t = tokens[at];
      if (t.type === 'argument' || isStop(t)) break;
      at++;
      switch (t.type) {
        case 'operand':
          items.push({ kind: 'operand', subtype: (['number', 'text', 'logical', 'error'].includes(t.subtype) ? t.subtype : 'range') as 'range', text: t.value });
          break;
        case 'operator-prefix':
          items.push({ kind: 'operator', text: t.value, position: 'prefix' });
          break;
        case 'operator-infix':
          items.push({ kind: 'operator', text: t.value, position: 'infix' });
          break;
        case 'operator-postfix':
          items.push({ kind: 'operator', text: t.value, position: 'postfix' });
          break;
        case 'subexpression': {
          const inner = expression();
          if (!isStop(tokens[at])) fail('a parenthesis is not closed');
          at++;
          items.push({ kind: 'group', inner });
          break;
        }
        case 'function': {
          if (t.value.toUpperCase() === 'ARRAY') {
            items.push({ kind: 'array', rows: arrayRows() });
            break;
          }
          items.push({ kind: 'call', name: t.value, args: callArguments() });
          break;
        }
        default:
          fail(`unexpected ${t.type} "${t.value}"`);
      }
    }
    return items;
  };
  /** After a function's start: its arguments, through its stop. */
  const callArguments = (): Expr[] => {
    const args: Expr[] = [];
    if (isStop(tokens[at])) {
      at++;
      return args;
    }
    for (;;) {
      args.push(expression());
      const t = tokens[at++];
      if (t === undefined) fail('a function call is not closed');
      if (isStop(t)) return args;
      if (t.type !== 'argument') fail(`unexpected "${t.value}" in the arguments`);
    }
  };
  /** An array constant {1,2;3,4}: ARRAY( ARRAYROW(…) ; ARRAYROW(…) ). */
  const arrayRows = (): Expr[][] => {
    const rows: Expr[][] = [];
    for (;;) {
      const t = tokens[at++];
      if (t === undefined) fail('an array constant is not closed');
      if (isStop(t)) return rows;
      if (t.type === 'argument') continue;
      if (t.type !== 'function' || t.value.toUpperCase() !== 'ARRAYROW') fail('an array constant holds something else than rows');
      rows.push(callArguments());
    }
  };
  const expr = expression();
  if (at !== tokens.length) fail(`unexpected "${tokens[at].value}"`);
  return expr;
}

function renderOperand(item: Extract<Item, { kind: 'operand' }>): string {
  return item.subtype === 'text' ? `"${item.text.replace(/"/g, '""')}"` : item.text;
}

export function renderExpr(expr: Expr): string {
  return expr
    .map((item) => {
      switch (item.kind) {
        case 'operand':
          return renderOperand(item);
        case 'operator':
          return item.text;
        case 'group':
          return `(${renderExpr(item.inner)})`;
        case 'call':
          return `${item.name}(${item.args.map(renderExpr).join(',')})`;
        case 'array':
          return `{${item.rows.map((row) => row.map(renderExpr).join(',')).join(';')}}`;
      }
    })
    .join('');
}

export function renderFormula(expr: Expr): string {
  return `=${renderExpr(expr)}`;
}

/** The PARTAGE function a call names (`SHAPLEY`), however Excel saved it; undefined for any other call. */
export function partageFunctionName(callName: string): string | undefined {
  const m = /^(?:\[\d+\]!)?(?:_xldudf_)?PARTAGE[._]([A-Z][A-Z0-9]*)$/i.exec(callName);
  return m ? m[1].toUpperCase() : undefined;
}

/** A copy of the tree with every item replaced where `replace` returns something (depth first, outside in). */
export function mapExpr(expr: Expr, replace: (item: Item) => Item | Expr | undefined): Expr {
  const out: Expr = [];
  for (const item of expr) {
    const replaced = replace(item);
    if (replaced !== undefined) {
      if (Array.isArray(replaced)) out.push(...replaced);
      else out.push(replaced);
      continue;
    }
    switch (item.kind) {
      case 'group':
        out.push({ kind: 'group', inner: mapExpr(item.inner, replace) });
        break;
      case 'call':
        out.push({ kind: 'call', name: item.name, args: item.args.map((a) => mapExpr(a, replace)) });
        break;
      case 'array':
        out.push({ kind: 'array', rows: item.rows.map((row) => row.map((a) => mapExpr(a, replace))) });
        break;
      default:
        out.push(item);
    }
  }
  return out;
}

/** Every call of the tree, outermost first. */
export function callsOf(expr: Expr): Extract<Item, { kind: 'call' }>[] {
  const calls: Extract<Item, { kind: 'call' }>[] = [];
  const walk = (e: Expr): void => {
    for (const item of e) {
      if (item.kind === 'call') {
        calls.push(item);
        item.args.forEach(walk);
      } else if (item.kind === 'group') walk(item.inner);
      else if (item.kind === 'array') item.rows.forEach((row) => row.forEach(walk));
    }
  };
  walk(expr);
  return calls;
}

/** The tree with every call renamed where `rename` gives a new name. */
export function renameCalls(expr: Expr, rename: (name: string) => string | undefined): Expr {
  return mapExpr(expr, (item) => (item.kind === 'call' ? { kind: 'call', name: rename(item.name) ?? item.name, args: item.args.map((a) => renameCalls(a, rename)) } : undefined));
}

/** The formula with every PARTAGE call spelt `PARTAGE.NAME`, as typed in Excel with the add-in. */
export function canonicalPartageFormula(formula: string): string {
  return renderFormula(
    renameCalls(parseFormula(formula), (name) => {
      const partage = partageFunctionName(name);
      return partage === undefined ? undefined : `PARTAGE.${partage}`;
    }),
  );
}

export const isEmptyExpr = (expr: Expr): boolean => expr.length === 0;

/** The text of an expression that is one reference or name ("Revenue", "B3:B9"), else undefined. */
export function rangeOperandText(expr: Expr | undefined): string | undefined {
  const item = expr?.length === 1 ? expr[0] : undefined;
  return item?.kind === 'operand' && item.subtype === 'range' ? item.text : undefined;
}
