import { EngineInputError } from '../errors';
import {
  addDecimals,
  DECIMAL_ZERO,
  decimalOf,
  decimalToNumber,
  multiplyDecimals,
  subtractDecimals,
  type Decimal,
} from '../exact/decimal';

/** One revenue line of step A. Omitted shares are 1 (the whole line counts), omitted deduction 0. */
export interface RevenueLine {
  revenue: number;
  linkShare?: number;
  counterfactualShare?: number;
  deduction?: number;
}

/**
 * Column totals after each step of the chain, in the order the report (§4.2.2) walks it:
 * market revenue, minus negotiated deductions, times the share linked to the works, times the
 * share that would not have used the service without them.
 */
export interface TransferBaseSteps {
  revenue: number;
  deductions: number;
  afterDeductions: number;
  linked: number;
  counterfactual: number;
}

export interface TransferBaseResult {
  /** Σ (revenueᵢ − deductionᵢ) × linkShareᵢ × counterfactualShareᵢ. Equals steps.counterfactual. */
  base: number;
  /** Each line's own contribution to the base. */
  lineBases: Float64Array;
  steps: TransferBaseSteps;
}

/**
 * Step A, the transfer base. Every figure is computed exactly (decimal BigInt arithmetic) and
 * rounded once, so `base` is the float64 nearest to the true sum whatever the number or the
 * order of the lines, and CHF 1 bn × 55 % × 70 % is exactly 385 M.
 *
 * Domain: revenue and deductions are amounts, ≥ 0 (a loss-making line is not a negative base:
 * the report (§4.2.1) says an operator cannot argue from absent revenue to a null base, and a
 * negative line would let one line cancel another); a deduction cannot exceed the revenue it
 * is taken from. Shares are fractions in [0, 1].
 */
export function transferBase(lines: ReadonlyArray<RevenueLine>): TransferBaseResult {
  if (lines.length === 0) throw new EngineInputError('revenue', undefined, 'at least one revenue line is needed');

  const lineBases = new Float64Array(lines.length);
  let revenue = DECIMAL_ZERO;
  let deductions = DECIMAL_ZERO;
  let afterDeductions = DECIMAL_ZERO;
  let linked = DECIMAL_ZERO;
  let counterfactual = DECIMAL_ZERO;

  lines.forEach((line, row) => {
    const r = amountOf(line.revenue, 'revenue', row);
    // null is accepted as "omitted" too: it is what a blank optional argument becomes in Excel.
    const d = line.deduction == null ? DECIMAL_ZERO : amountOf(line.deduction, 'deductions', row);
    if (line.deduction != null && line.deduction > line.revenue) {
      throw new EngineInputError('deductions', row, `deduction ${line.deduction} exceeds the revenue ${line.revenue} of the same row`);
    }
    const l = shareOf(line.linkShare, 'linkShare', row);
    const c = shareOf(line.counterfactualShare, 'counterfactualShare', row);

    const net = subtractDecimals(r, d);
    const lineLinked = multiplyDecimals(net, l);
    const lineBase = multiplyDecimals(lineLinked, c);
    lineBases[row] = decimalToNumber(lineBase);

    revenue = addDecimals(revenue, r);
    deductions = addDecimals(deductions, d);
    afterDeductions = addDecimals(afterDeductions, net);
    linked = addDecimals(linked, lineLinked);
    counterfactual = addDecimals(counterfactual, lineBase);
  });

  const steps: TransferBaseSteps = {
    revenue: finiteTotal(revenue),
    deductions: finiteTotal(deductions),
    afterDeductions: finiteTotal(afterDeductions),
    linked: finiteTotal(linked),
    counterfactual: finiteTotal(counterfactual),
  };
  return { base: steps.counterfactual, lineBases, steps };
}

function amountOf(x: number, field: string, row: number): Decimal {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new EngineInputError(field, row, `expected a finite number, got ${String(x)}`);
  }
  if (x < 0) throw new EngineInputError(field, row, `must be ≥ 0, got ${x}`);
  return decimalOf(x);
}

const ONE: Decimal = { coefficient: 1n, exponent: 0 };

/** A share is a fraction; 55 is never read as 55 %, because 5.5 % and 550 % would be guesses too. */
function shareOf(x: number | undefined, field: string, row: number): Decimal {
  if (x == null) return ONE;
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new EngineInputError(field, row, `expected a share between 0 and 1, got ${String(x)}`);
  }
  if (x < 0) throw new EngineInputError(field, row, `a share cannot be negative, got ${x}`);
  if (x > 1) {
    throw new EngineInputError(field, row, `a share must be between 0 and 1, got ${x} (55 % is 0.55)`);
  }
  return decimalOf(x);
}

function finiteTotal(d: Decimal): number {
  const x = decimalToNumber(d);
  if (!Number.isFinite(x)) throw new EngineInputError('revenue', undefined, 'the total exceeds the largest representable number');
  return x;
}
