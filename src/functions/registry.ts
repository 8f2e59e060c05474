import { COREGAP, LEAVEONEOUT, OWEN } from './allocationFunctions';
import { BANZHAF, SHAPLEY } from './coalitionFunctions';
import { FunctionError } from './errors';
import { NUCLEOLUS } from './nucleolusFunction';
import { type ExcelResult } from './ranges';
import { LICENCEPAYMENTS } from './licencePayments';
import { POOLSPLIT } from './poolSplit';
import { PAYTOTRAIN, PURPOSESHARE, TRANSFERBASE } from './remunerationFunctions';
import { RIGHTSMAP } from './rightsMap';
import { SIMILARITYSPLIT } from './similaritySplit';
import { VOTINGPOWER } from './votingPower';

export interface FunctionParameter {
  readonly name: string;
  readonly optional: boolean;
}

export interface FunctionSpec {
  readonly name: string;
  /** One line for `partage call --list`; the Excel tooltips live in functions.ts. */
  readonly summary: string;
  /** In call order; required parameters come first. */
  readonly parameters: readonly FunctionParameter[];
  /** NUCLEOLUS returns a Promise (its LP solver loads asynchronously); the others return the result itself. */
  readonly implementation: (...args: unknown[]) => ExcelResult | Promise<ExcelResult>;
}

const required = (name: string): FunctionParameter => ({ name, optional: false });
const optional = (name: string): FunctionParameter => ({ name, optional: true });

/**
 * Every PARTAGE.* function, one adapter each. Excel (functions.ts) and the CLI both call them
 * through `callFunction`, so a sheet and a script given the same arguments get the same answer
 * or the same error.
 */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = Object.freeze({
  SHAPLEY: {
    name: 'SHAPLEY',
    summary: 'exact Shapley values from a complete coalition table; [player, value(, amount)] per player',
    parameters: [required('coalitions'), required('values'), optional('players'), optional('amount')],
    implementation: SHAPLEY as FunctionSpec['implementation'],
  },
  BANZHAF: {
    name: 'BANZHAF',
    summary: 'raw Banzhaf values from a complete coalition table; [player, value] per player',
    parameters: [required('coalitions'), required('values'), optional('players')],
    implementation: BANZHAF as FunctionSpec['implementation'],
  },
  OWEN: {
    name: 'OWEN',
    summary: 'exact Owen value with a priori unions (pipeline stages); [player, union, value] per unions row',
    parameters: [required('coalitions'), required('values'), required('unions')],
    implementation: OWEN as FunctionSpec['implementation'],
  },
  LEAVEONEOUT: {
    name: 'LEAVEONEOUT',
    summary: 'leave-one-out values v(N) - v(N without the player); [player, value] per player',
    parameters: [required('coalitions'), required('values'), optional('players')],
    implementation: LEAVEONEOUT as FunctionSpec['implementation'],
  },
  NUCLEOLUS: {
    name: 'NUCLEOLUS',
    summary: 'the nucleolus ("nucleolus", default) or pre-nucleolus ("prenucleolus") from a complete coalition table; [player, value] per player',
    parameters: [required('coalitions'), required('values'), optional('players'), optional('kind')],
    implementation: NUCLEOLUS as FunctionSpec['implementation'],
  },
  COREGAP: {
    name: 'COREGAP',
    summary: 'the coalition with the largest excess v(S) - x(S) under a proposed split; [coalition, excess] (<= 0: in the core)',
    parameters: [required('coalitions'), required('values'), required('allocation'), optional('players')],
    implementation: COREGAP as FunctionSpec['implementation'],
  },
  VOTINGPOWER: {
    name: 'VOTINGPOWER',
    summary: 'Shapley-Shubik ("shapley") or normalised Banzhaf ("banzhaf") power of a weighted voting body, optionally a double majority (members and weight)',
    parameters: [required('weights'), required('quota'), optional('index'), optional('memberQuota'), optional('blockingMinority')],
    implementation: VOTINGPOWER as FunctionSpec['implementation'],
  },
  SIMILARITYSPLIT: {
    name: 'SIMILARITYSPLIT',
    summary: 'per output row, shares of the rightholders (columns) by the Shapley value of the max game; with modelScores the model is one more player (last column)',
    parameters: [required('scores'), optional('threshold'), optional('modelScores')],
    implementation: SIMILARITYSPLIT as FunctionSpec['implementation'],
  },
  RIGHTSMAP: {
    name: 'RIGHTSMAP',
    summary: 'amounts per work passed on to rightholders by ownership shares, rounded to sum exactly; [rightholder, amount]',
    parameters: [required('amounts'), required('ownership'), optional('decimals')],
    implementation: RIGHTSMAP as FunctionSpec['implementation'],
  },
  TRANSFERBASE: {
    name: 'TRANSFERBASE',
    summary: 'step A: sum of (revenue - deduction) x linkShare x counterfactualShare',
    parameters: [required('revenue'), optional('linkShare'), optional('counterfactualShare'), optional('deductions')],
    implementation: TRANSFERBASE as FunctionSpec['implementation'],
  },
  PURPOSESHARE: {
    name: 'PURPOSESHARE',
    summary: 'step P: the share of the base for the intended purpose, by rate or tiered schedule, at least the minimum',
    parameters: [required('base'), required('purpose'), required('rates'), optional('minimum'), optional('mode')],
    implementation: PURPOSESHARE as FunctionSpec['implementation'],
  },
  PAYTOTRAIN: {
    name: 'PAYTOTRAIN',
    summary: 'step R: the amount pro rata to count x weight, rounded so that the payouts sum exactly',
    parameters: [required('amount'), required('counts'), optional('weights'), optional('minimumPayout'), optional('decimals')],
    implementation: PAYTOTRAIN as FunctionSpec['implementation'],
  },
  LICENCEPAYMENTS: {
    name: 'LICENCEPAYMENTS',
    summary: 'payments per period of a licence: revenue share + fee per unit, advance recouped (or not), minimum per period',
    parameters: [
      required('revenue'),
      required('rate'),
      optional('advance'),
      optional('minimum'),
      optional('unitFee'),
      optional('units'),
      optional('recoupable'),
    ],
    implementation: LICENCEPAYMENTS as FunctionSpec['implementation'],
  },
  POOLSPLIT: {
    name: 'POOLSPLIT',
    summary: 'a pool split by use (market-, user- or artist-centric) from a log [user, holder, plays, (activePlays)]; [holder, amount]',
    parameters: [
      required('amount'),
      required('usage'),
      optional('mode'),
      optional('threshold'),
      optional('boost'),
      optional('decimals'),
      optional('userCap'),
    ],
    implementation: POOLSPLIT as FunctionSpec['implementation'],
  },
});

/** Case-insensitive, with or without the PARTAGE. prefix, as a user would type it in a cell. */
export function findFunction(name: string): FunctionSpec | undefined {
  const key = name.trim().toUpperCase().replace(/^PARTAGE\./, '');
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, key) ? FUNCTIONS[key] : undefined;
}

/** "SHAPLEY(coalitions, values, [players], [amount])" */
export function signatureOf(spec: FunctionSpec): string {
  return `${spec.name}(${spec.parameters.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(', ')})`;
}

/**
 * Calls an adapter and checks what it returns: an infinite or NaN number (an overflow on
 * extreme inputs) becomes #NUM! instead of reaching a cell, where Excel would show nothing
 * useful. Missing trailing arguments are passed as undefined, like Excel's omitted arguments.
 * An asynchronous adapter's Promise is returned as a Promise of the checked result (its errors
 * as rejections); a synchronous adapter's result stays synchronous.
 */
export function callFunction(spec: FunctionSpec, args: readonly unknown[]): ExcelResult | Promise<ExcelResult> {
  const padded = spec.parameters.map((_, i) => args[i]);
  const result = spec.implementation(...padded);
  if (isPromise(result)) return result.then((settled) => checkResult(spec, settled));
  return checkResult(spec, result);
}

function isPromise(value: ExcelResult | Promise<ExcelResult>): value is Promise<ExcelResult> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function checkResult(spec: FunctionSpec, result: ExcelResult): ExcelResult {
  if (typeof result === 'number') {
    if (!Number.isFinite(result)) throw notFinite(spec, result);
    // -0 (e.g. 0 × a negative share) displays as 0 in Excel; normalising keeps results equal under Object.is.
    return result === 0 ? 0 : result;
  }
  if (Array.isArray(result)) {
    for (let r = 0; r < result.length; r++) {
      const row = result[r];
      for (let c = 0; c < row.length; c++) {
        const x = row[c];
        if (typeof x !== 'number') continue;
        if (!Number.isFinite(x)) throw notFinite(spec, x, r);
        if (x === 0) row[c] = 0;
      }
    }
  }
  return result;
}

function notFinite(spec: FunctionSpec, value: number, row?: number): FunctionError {
  const where = row === undefined ? 'the result' : `row ${row + 1} of the result`;
  return new FunctionError('#NUM!', `${spec.name}: ${where} is ${value}; the inputs are too large to compute with`);
}
