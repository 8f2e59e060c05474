/*
 * The PARTAGE.* custom functions as Excel sees them. custom-functions-metadata-plugin reads the
 * JSDoc below to write functions.json (names, parameter tooltips, optional flags, matrix or
 * scalar), so the comments are user-facing text. Its webpack loader also appends
 * `CustomFunctions.associate("<id>", <function>)` for every @customfunction of this file, which
 * is why there are no associate calls here: writing them too would register each function twice.
 *
 * Parameters typed `unknown[][]` receive ranges (Excel wraps a single value as [[value]]);
 * `unknown` ones receive a single value. Everything is `unknown` rather than `number` so that a
 * wrong cell reaches our adapters, which name the argument and the row, instead of Excel
 * rejecting it with a bare #VALUE!.
 */
import { FunctionError } from './errors';
import { type ExcelResult } from './ranges';
import { callFunction, FUNCTIONS } from './registry';

/**
 * Exact Shapley values from a complete table of coalition values: one row per player, [player, value] (and the player's part of amount).
 * @customfunction SHAPLEY
 * @param coalitions Column of coalition labels such as A,B or {A; B} (empty, {} or ∅ is the empty coalition), or a 0/1 membership matrix with one column per player.
 * @param values Column of the value of each coalition, same height as coalitions. All 2^n coalitions are needed; v(∅) may be left out (0).
 * @param [players] Player names: fixes the output order, and names the columns of a membership matrix (required then).
 * @param [amount] Amount to split in proportion to the Shapley values (adds a third column that sums to the amount).
 * @returns One row per player: name, Shapley value and, with amount, the player's part of it.
 */
export function SHAPLEY(coalitions: unknown[][], values: unknown[][], players?: unknown[][], amount?: unknown): Array<Array<string | number>> {
  return invoke('SHAPLEY', [coalitions, values, players, amount]) as Array<Array<string | number>>;
}

/**
 * Raw Banzhaf values from a complete table of coalition values: one row per player, [player, value].
 * @customfunction BANZHAF
 * @param coalitions Column of coalition labels such as A,B or {A; B} (empty, {} or ∅ is the empty coalition), or a 0/1 membership matrix with one column per player.
 * @param values Column of the value of each coalition, same height as coalitions. All 2^n coalitions are needed; v(∅) may be left out (0).
 * @param [players] Player names: fixes the output order, and names the columns of a membership matrix (required then).
 * @returns One row per player: name and raw Banzhaf value.
 */
export function BANZHAF(coalitions: unknown[][], values: unknown[][], players?: unknown[][]): Array<Array<string | number>> {
  return invoke('BANZHAF', [coalitions, values, players]) as Array<Array<string | number>>;
}

/**
 * Owen value with a priori unions (e.g. the stages of an AI pipeline): unions arrive in random order, members of a union together. Exact.
 * @customfunction OWEN
 * @param coalitions Column of coalition labels such as A,B or {A; B} (empty, {} or ∅ is the empty coalition).
 * @param values Column of the value of each coalition, same height as coalitions. All 2^n coalitions are needed; v(∅) may be left out (0).
 * @param unions Two columns [player, union]: every player of the table exactly once (a header row is allowed).
 * @returns One row per row of unions: player, union and Owen value. The values of a union sum to its Shapley value in the game among unions.
 */
export function OWEN(coalitions: unknown[][], values: unknown[][], unions: unknown[][]): Array<Array<string | number>> {
  return invoke('OWEN', [coalitions, values, unions]) as Array<Array<string | number>>;
}

/**
 * Leave-one-out values v(N) - v(N without the player): what the report warns against (two duplicate catalogues both get 0).
 * @customfunction LEAVEONEOUT
 * @param coalitions Column of coalition labels such as A,B or {A; B} (empty, {} or ∅ is the empty coalition), or a 0/1 membership matrix with one column per player.
 * @param values Column of the value of each coalition, same height as coalitions. All 2^n coalitions are needed; v(∅) may be left out (0).
 * @param [players] Player names: fixes the output order, and names the columns of a membership matrix (required then).
 * @returns One row per player: name and v(N) - v(N without the player).
 */
export function LEAVEONEOUT(coalitions: unknown[][], values: unknown[][], players?: unknown[][]): Array<Array<string | number>> {
  return invoke('LEAVEONEOUT', [coalitions, values, players]) as Array<Array<string | number>>;
}

/**
 * The nucleolus: the split of v(N) that makes the most dissatisfied coalition as little dissatisfied as possible, then the next, and so on (Schmeidler).
 * @customfunction NUCLEOLUS
 * @param coalitions Column of coalition labels such as A,B or {A; B} (empty, {} or ∅ is the empty coalition), or a 0/1 membership matrix with one column per player.
 * @param values Column of the value of each coalition, same height as coalitions. All 2^n coalitions are needed (at most 16 players); v(∅) may be left out (0).
 * @param [players] Player names: fixes the output order, and names the columns of a membership matrix (required then).
 * @param [kind] "nucleolus" (default: every player gets at least its stand-alone value) or "prenucleolus" (no such bound; always exists).
 * @returns One row per player: name and nucleolus value. The values sum to v(N).
 */
export function NUCLEOLUS(coalitions: unknown[][], values: unknown[][], players?: unknown[][], kind?: unknown): Promise<Array<Array<string | number>>> {
  return invokeAsync('NUCLEOLUS', [coalitions, values, players, kind]) as Promise<Array<Array<string | number>>>;
}

/**
 * Is a proposed split stable? The coalition whose value most exceeds what the split gives its members: an excess <= 0 means the split is in the core.
 * @customfunction COREGAP
 * @param coalitions Column of coalition labels such as A,B or {A; B} (empty, {} or ∅ is the empty coalition), or a 0/1 membership matrix with one column per player.
 * @param values Column of the value of each coalition, same height as coalitions. All 2^n coalitions are needed; v(∅) may be left out (0).
 * @param allocation The proposed split: one amount per player, in the order SHAPLEY lists the players, summing to v(N).
 * @param [players] Player names: fixes the player order, and names the columns of a membership matrix (required then).
 * @returns One row: the coalition (members joined by ",") with the largest excess v(S) - sum of its amounts, and that excess. Ties: fewer members first.
 */
export function COREGAP(coalitions: unknown[][], values: unknown[][], allocation: unknown[][], players?: unknown[][]): Array<Array<string | number>> {
  return invoke('COREGAP', [coalitions, values, allocation, players]) as Array<Array<string | number>>;
}

/**
 * Voting power of each member of a weighted voting body (a coalition wins when its weights reach the quota, optionally with enough members too: a double majority), exact.
 * @customfunction VOTINGPOWER
 * @param weights Column of the members' voting weights (empty cells are not members).
 * @param quota Total weight a coalition needs to win.
 * @param [index] "shapley" for the Shapley-Shubik index (default) or "banzhaf" for the normalised Banzhaf index.
 * @param [memberQuota] Double majority: the least number of members a winning coalition needs as well (a count, e.g. 15 of 27; default none).
 * @param [blockingMinority] A coalition wins anyway when fewer than this many members are left outside it (e.g. 4 in the EU Council; default none).
 * @returns Column of voting powers, one per member, summing to 1.
 */
export function VOTINGPOWER(weights: unknown[][], quota: unknown, index?: unknown, memberQuota?: unknown, blockingMinority?: unknown): Array<Array<string | number>> {
  return invoke('VOTINGPOWER', [weights, quota, index, memberQuota, blockingMinority]) as Array<Array<string | number>>;
}

/**
 * Shares of each rightholder in each AI output, from similarity scores: Shapley value of the max game, each row summing to 1.
 * @customfunction SIMILARITYSPLIT
 * @param scores One row per AI output, one column per rightholder: the rightholder's best similarity to that output (empty: none).
 * @param [threshold] Recognisability filter: scores below it count as 0 (default 0). A row with no score reaching it gets 0 shares.
 * @param [modelScores] The model as a player: each output's similarity to what the model makes alone (one per row, or one for all; not filtered by the threshold). Adds a last column, the model's share.
 * @returns Same shape as scores (plus the model's column with modelScores): each rightholder's share of each output.
 */
export function SIMILARITYSPLIT(scores: unknown[][], threshold?: unknown, modelScores?: unknown[][]): Array<Array<string | number>> {
  return invoke('SIMILARITYSPLIT', [scores, threshold, modelScores]) as Array<Array<string | number>>;
}

/**
 * Data rights mapping: amounts attributed to works passed on to their rightholders by ownership shares, rounded so they sum exactly to the total.
 * @customfunction RIGHTSMAP
 * @param amounts Two columns [work, amount]: what was attributed to each work or catalogue (amounts >= 0; a header row is allowed).
 * @param ownership Three columns [work, rightholder, share]: the shares of each work sum to 1 (a header row is allowed).
 * @param [decimals] Decimals of the amounts, 0 to 10 (default 2); rounding by largest remainder, ties to the earlier rightholder.
 * @returns One row per rightholder, in order of first appearance in ownership: name and amount.
 */
export function RIGHTSMAP(amounts: unknown[][], ownership: unknown[][], decimals?: unknown): Array<Array<string | number>> {
  return invoke('RIGHTSMAP', [amounts, ownership, decimals]) as Array<Array<string | number>>;
}

/**
 * Step A, the transfer base: sum over revenue lines of (revenue - deduction) x link share x counterfactual share.
 * @customfunction TRANSFERBASE
 * @param revenue Revenue of the AI operator: one amount or a column of revenue lines.
 * @param [linkShare] Share of the revenue linked to the use of works, as a fraction (55 % is 0.55): one value or one per line. Default 1.
 * @param [counterfactualShare] Share of users who would not use the service without the works (fraction): one value or one per line. Default 1.
 * @param [deductions] Amounts deducted from the revenue before the shares: one value or one per line (empty: none). Default 0.
 * @returns The transfer base.
 */
export function TRANSFERBASE(revenue: unknown[][], linkShare?: unknown[][], counterfactualShare?: unknown[][], deductions?: unknown[][]): number {
  return invoke('TRANSFERBASE', [revenue, linkShare, counterfactualShare, deductions]) as number;
}

/**
 * Step P, the share of the base that goes to culture, set by the AI system's intended purpose.
 * @customfunction PURPOSESHARE
 * @param base Transfer base (from PARTAGE.TRANSFERBASE).
 * @param purpose 1 or "generalist", 2 or "specialised" (no output competition), 3 or "competing" (specialised with output competition).
 * @param rates One rate, three rates (purposes 1, 2, 3), or a schedule table [purpose, from, rate] of marginal slices starting at 0 (header row allowed).
 * @param [minimum] Minimum guarantee: the result is at least this amount.
 * @param [mode] "marginal" (default: each slice at its own rate) or "bracket" (whole base at the rate of the highest slice reached).
 * @returns The amount due for that purpose.
 */
export function PURPOSESHARE(base: unknown, purpose: unknown, rates: unknown[][], minimum?: unknown, mode?: unknown): number {
  return invoke('PURPOSESHARE', [base, purpose, rates, minimum, mode]) as number;
}

/**
 * Step R, pay to train: the amount split pro rata to count x weight, rounded so the payouts sum exactly to the amount.
 * @customfunction PAYTOTRAIN
 * @param amount Amount to distribute.
 * @param counts Column of the number of works (or images, minutes...) of each rightholder in the training data.
 * @param [weights] Value of one work for each rightholder (one value or one per row). Default 1.
 * @param [minimumPayout] Rightholders whose share would be below this get 0; their share goes to the others.
 * @param [decimals] Decimals of the payouts, 0 to 10 (default 2).
 * @returns Column of payouts, one per row of counts.
 */
export function PAYTOTRAIN(amount: unknown, counts: unknown[][], weights?: unknown[][], minimumPayout?: unknown, decimals?: unknown): Array<Array<string | number>> {
  return invoke('PAYTOTRAIN', [amount, counts, weights, minimumPayout, decimals]) as Array<Array<string | number>>;
}

/**
 * What a licence pays each period: revenue share plus fee per unit, an advance recouped from royalties (or an upfront fee), and a minimum per period.
 * @customfunction LICENCEPAYMENTS
 * @param revenue Revenue of each period (a month, a year): a column, one period per row.
 * @param rate Revenue share as a fraction (12 % is 0.12): one value or one per period.
 * @param [advance] Advance paid with period 1 (default 0).
 * @param [minimum] Minimum payment (guarantee) of each period, never recouped: one value or one per period (default 0).
 * @param [unitFee] Fee per output or per use: one value or one per period (default 0).
 * @param [units] Outputs or uses of each period: one per period (default 0).
 * @param [recoupable] TRUE (default): royalties first repay the advance. FALSE: the advance is an upfront fee on top of the royalties.
 * @returns Column of payments, one per period (period 1 includes the advance).
 */
export function LICENCEPAYMENTS(
  revenue: unknown[][],
  rate: unknown[][],
  advance?: unknown,
  minimum?: unknown[][],
  unitFee?: unknown[][],
  units?: unknown[][],
  recoupable?: unknown,
): Array<Array<string | number>> {
  return invoke('LICENCEPAYMENTS', [revenue, rate, advance, minimum, unitFee, units, recoupable]) as Array<Array<string | number>>;
}

/**
 * A pool shared by use, as streaming services do: market-centric, user-centric or artist-centric, rounded so the amounts sum exactly to the pool.
 * @customfunction POOLSPLIT
 * @param amount Amount of the pool.
 * @param usage Usage log of three or four columns [user, holder, plays, (activePlays)], aggregated per user and holder (a header row is allowed). activePlays: plays the listener sought out.
 * @param [mode] "market" (default: pro rata of plays), "user" (each user carries an equal part, split by that user's plays) or "artist" (plays of holders reaching the threshold, and active plays, count boost times).
 * @param [threshold] Minimum plays, or [minimum plays, minimum distinct users]. Market and user modes leave out the holders below it; artist mode does not boost them.
 * @param [boost] Artist mode: weight of a play of a holder reaching the threshold, and again of an active play (default 2).
 * @param [decimals] Decimals of the amounts, 0 to 10 (default 2); rounding by largest remainder, ties to the earlier holder.
 * @param [userCap] Most plays one user may weigh (e.g. 1000 a month): a user above it has every play scaled by cap / its plays.
 * @returns One row per holder, in order of first appearance: holder and amount.
 */
export function POOLSPLIT(
  amount: unknown,
  usage: unknown[][],
  mode?: unknown,
  threshold?: unknown[][],
  boost?: unknown,
  decimals?: unknown,
  userCap?: unknown,
): Array<Array<string | number>> {
  return invoke('POOLSPLIT', [amount, usage, mode, threshold, boost, decimals, userCap]) as Array<Array<string | number>>;
}

function invoke(name: string, args: unknown[]): ExcelResult {
  try {
    return callFunction(FUNCTIONS[name], args) as ExcelResult;
  } catch (error) {
    throw toCustomFunctionsError(error, name);
  }
}

/** For the asynchronous adapters: a rejection becomes the same CustomFunctions.Error a throw does. */
async function invokeAsync(name: string, args: unknown[]): Promise<ExcelResult> {
  try {
    return await callFunction(FUNCTIONS[name], args);
  } catch (error) {
    throw toCustomFunctionsError(error, name);
  }
}

/**
 * Excel shows a custom message only with #VALUE! and #N/A (the runtime documents that #NUM!
 * takes none), so #NUM! goes without one. A bug (anything but a FunctionError) still gets a
 * message, so that a user can report what the cell said.
 */
export function toCustomFunctionsError(error: unknown, name: string): CustomFunctions.Error {
  const codes = CustomFunctions.ErrorCode;
  if (error instanceof FunctionError) {
    if (error.code === '#NUM!') return new CustomFunctions.Error(codes.invalidNumber);
    const code = error.code === '#N/A' ? codes.notAvailable : codes.invalidValue;
    return new CustomFunctions.Error(code, error.message);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new CustomFunctions.Error(codes.invalidValue, `internal error in PARTAGE.${name}: ${detail}`);
}
