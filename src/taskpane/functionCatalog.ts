/*
 * What the task pane tells users about the PARTAGE worksheet functions (DESIGN §3): names,
 * arguments in Excel's order and one line each. The wizards reuse it to label their inputs, so
 * argument names here are the public ones, the same names Excel shows and error messages use.
 * test/addin/build.test.ts checks them against the functions.json generated from
 * src/functions/functions.ts, so this module cannot silently drift from the real functions.
 */

/** Excel namespace of the custom functions (manifest resource Functions.Namespace). */
export const FUNCTION_NAMESPACE = 'PARTAGE';

/** The report's three steps (A base, P share, R distribution) plus governance. */
export type RemunerationStep = 'base' | 'share' | 'distribution' | 'governance';

export const STEP_LABELS: Readonly<Record<RemunerationStep, string>> = {
  base: 'A · base',
  share: 'P · share',
  distribution: 'R · distribution',
  governance: 'Governance',
};

export interface FunctionParameter {
  readonly name: string;
  readonly optional: boolean;
  readonly description: string;
}

export interface FunctionEntry {
  /** Name without the namespace, as in functions.json. */
  readonly name: string;
  readonly step: RemunerationStep;
  readonly summary: string;
  readonly parameters: readonly FunctionParameter[];
  readonly result: string;
}

const required = (name: string, description: string): FunctionParameter => ({ name, optional: false, description });
const optional = (name: string, description: string): FunctionParameter => ({ name, optional: true, description });

const coalitionTable = [
  required(
    'coalitions',
    'One coalition per row: a label such as A,B or A+B or {A; B} (empty, {} or ∅ is the empty coalition), or a 0/1 membership matrix.',
  ),
  required('values', 'The value of each coalition: a column of numbers of the same height. All 2^n coalitions must be present.'),
  optional('players', 'Player names: the columns of a membership matrix, and the order of the result rows.'),
];

export const FUNCTION_CATALOG: readonly FunctionEntry[] = [
  {
    name: 'TRANSFERBASE',
    step: 'base',
    summary: 'Revenue linked to the use of works: Σ (revenue − deductions) × linkShare × counterfactualShare.',
    parameters: [
      required('revenue', 'Revenue of the AI operator: a number, or a column with one revenue line per row.'),
      optional('linkShare', 'Share of the revenue linked to the use of works, as a fraction (55 % is 0.55).'),
      optional('counterfactualShare', 'Share of users who would not use the service without the works, as a fraction.'),
      optional('deductions', 'Amount taken off each revenue line before the shares apply.'),
    ],
    result: 'The transfer base, one number.',
  },
  {
    name: 'PURPOSESHARE',
    step: 'share',
    summary: 'Share of the base that goes to culture, set by the intended purpose of the AI system.',
    parameters: [
      required('base', 'The transfer base, for instance a TRANSFERBASE result.'),
      required(
        'purpose',
        '1 generalist, 2 specialised without output competition, 3 specialised with output competition (or generalist, specialised, competing).',
      ),
      required('rates', 'One rate, three rates (one per purpose), or a schedule table [purpose, from, rate] of marginal slices from 0.'),
      optional('minimum', 'Minimum guarantee: the result is at least this amount.'),
      optional('mode', '"marginal" (default): each slice at its rate; "bracket": the whole base at the rate of the highest slice reached.'),
    ],
    result: 'The amount due to rightholders, one number.',
  },
  {
    name: 'PAYTOTRAIN',
    step: 'distribution',
    summary: 'Splits an amount pro rata to works × weight, rounded so that the payouts add up exactly to the amount.',
    parameters: [
      required('amount', 'The amount to distribute.'),
      required('counts', 'Number of works of each rightholder: a column, one rightholder per row.'),
      optional('weights', 'Weight of a work for each rightholder (per image, per minute, by quality); 1 when omitted.'),
      optional('minimumPayout', 'Rightholders below this payout get 0 and their share goes to the others.'),
      optional('decimals', 'Decimals of the payouts (default 2); rounding by largest remainder, ties to the earlier row.'),
    ],
    result: 'A column of payouts, one per rightholder.',
  },
  {
    name: 'LICENCEPAYMENTS',
    step: 'share',
    summary: 'What a licence pays each period: rate × revenue + unitFee × units, an advance recouped from royalties (or not), a minimum per period.',
    parameters: [
      required('revenue', 'Revenue of each period (a month, a year): a column, one period per row.'),
      required('rate', 'Revenue share as a fraction (12 % is 0.12): one value, or one per period.'),
      optional('advance', 'Advance paid with period 1; 0 when omitted.'),
      optional('minimum', 'Minimum payment of each period (a guarantee, not recouped): one value, or one per period.'),
      optional('unitFee', 'Fee per output or per use: one value, or one per period.'),
      optional('units', 'Outputs or uses of each period.'),
      optional('recoupable', 'TRUE (default): royalties first repay the advance; FALSE: the advance is an upfront fee.'),
    ],
    result: 'A column of payments, one per period; period 1 includes the advance.',
  },
  {
    name: 'POOLSPLIT',
    step: 'distribution',
    summary: 'Shares a pool by use, market-, user- or artist-centric, rounded so that the amounts add up exactly to the pool.',
    parameters: [
      required('amount', 'The amount of the pool.'),
      required('usage', 'Usage log [user, holder, plays, (activePlays)], one row per user and holder; activePlays are the plays the listener sought out.'),
      optional('mode', '"market" (default), "user" (each user carries an equal part) or "artist" (boosted plays above the threshold, active plays boosted again).'),
      optional('threshold', 'Minimum plays, or [minimum plays, minimum distinct users]: below it a holder is left out (market, user) or not boosted (artist).'),
      optional('boost', 'Artist mode: weight of a boosted play (default 2).'),
      optional('decimals', 'Decimals of the amounts (default 2); rounding by largest remainder, ties to the earlier holder.'),
      optional('userCap', 'Most plays one user may weigh: a user above it has each play scaled by cap ÷ its plays.'),
    ],
    result: 'One row per holder, in order of first appearance: [holder, amount].',
  },
  {
    name: 'SHAPLEY',
    step: 'distribution',
    summary: 'Exact Shapley values from a complete table of coalition values.',
    parameters: [
      ...coalitionTable,
      optional('amount', 'An amount to split in proportion to the Shapley values: adds a third column.'),
    ],
    result: 'One row per player: [player, value], plus [amount] when an amount is given.',
  },
  {
    name: 'BANZHAF',
    step: 'distribution',
    summary: 'Raw Banzhaf values from the same coalition table as SHAPLEY.',
    parameters: coalitionTable,
    result: 'One row per player: [player, value].',
  },
  {
    name: 'OWEN',
    step: 'distribution',
    summary: 'Owen value with a priori unions, e.g. the stages of an AI pipeline: unions arrive in random order, each union’s members together.',
    parameters: [
      coalitionTable[0],
      coalitionTable[1],
      required('unions', 'Two columns [player, union]: every player of the table exactly once (a header row is allowed).'),
    ],
    result: 'One row per unions row: [player, union, value]; a union’s values sum to its Shapley value in the game among unions.',
  },
  {
    name: 'LEAVEONEOUT',
    step: 'distribution',
    summary: 'Leave-one-out values v(N) − v(N∖{i}), the method the report warns against: duplicate catalogues both get 0.',
    parameters: coalitionTable,
    result: 'One row per player: [player, value].',
  },
  {
    name: 'NUCLEOLUS',
    step: 'distribution',
    summary: 'The nucleolus: the split of v(N) that makes the most dissatisfied coalition as little dissatisfied as possible, then the next (at most 16 players).',
    parameters: [
      ...coalitionTable,
      optional('kind', '"nucleolus" (default: each player gets at least its stand-alone value) or "prenucleolus" (no such bound; always exists).'),
    ],
    result: 'One row per player: [player, value], summing to v(N).',
  },
  {
    name: 'COREGAP',
    step: 'distribution',
    summary: 'Is a proposed split stable? The coalition whose value most exceeds what the split gives its members.',
    parameters: [
      coalitionTable[0],
      coalitionTable[1],
      required('allocation', 'The proposed split: one amount per player, in the order SHAPLEY lists them, summing to v(N).'),
      coalitionTable[2],
    ],
    result: 'One row [coalition, excess], the coalition as A,B; an excess ≤ 0 means the split is in the core.',
  },
  {
    name: 'SIMILARITYSPLIT',
    step: 'distribution',
    summary: 'Shares each AI output among rightholders by their best similarity to it (Shapley value of the max game).',
    parameters: [
      required('scores', 'One row per AI output, one column per rightholder: that rightholder’s best similarity to the output.'),
      optional('threshold', 'Recognisability filter: an output whose similarities all stay below it is not shared.'),
      optional('modelScores', 'The model as a player: each output’s similarity to what the model makes alone (one per row or one for all), not filtered by the threshold.'),
    ],
    result: 'A matrix of shares of the same shape; each row sums to 1, or to 0 when nothing reaches the threshold. With modelScores, a last column holds the model’s share, and a row nothing reaches goes to the model.',
  },
  {
    name: 'RIGHTSMAP',
    step: 'distribution',
    summary: 'Passes the amounts attributed to works on to their rightholders by ownership shares, rounded to sum exactly to the total.',
    parameters: [
      required('amounts', 'Two columns [work, amount]: what was attributed to each work or catalogue.'),
      required('ownership', 'Three columns [work, rightholder, share]: the shares of each work sum to 1.'),
      optional('decimals', 'Decimals of the amounts (default 2); rounding by largest remainder, ties to the earlier rightholder.'),
    ],
    result: 'One row per rightholder, in order of first appearance in ownership: [rightholder, amount].',
  },
  {
    name: 'VOTINGPOWER',
    step: 'governance',
    summary: 'Voting power of each member of a weighted voting body, such as a CMO board or a rights marketplace.',
    parameters: [
      required('weights', 'Voting weight of each member: a column of non-negative numbers.'),
      required('quota', 'Total weight a decision needs: more than 0 and at most the sum of the weights.'),
      optional('index', '"shapley" (Shapley–Shubik, default) or "banzhaf" (normalised Banzhaf).'),
      optional('memberQuota', 'Double majority: the least number of members a winning coalition also needs (e.g. 15 of 27 in the EU Council).'),
      optional('blockingMinority', 'A coalition wins anyway when fewer than this many members are left outside it (4 in the EU Council).'),
    ],
    result: 'A column with the power of each member.',
  },
];

/** How Excel's formula autocomplete shows a call, e.g. PARTAGE.SHAPLEY(coalitions, values, [players]). */
export function formulaSignature(entry: FunctionEntry): string {
  const args = entry.parameters.map((p) => (p.optional ? `[${p.name}]` : p.name));
  return `${FUNCTION_NAMESPACE}.${entry.name}(${args.join(', ')})`;
}

/**
 * Entries whose name, summary, step or argument names contain every word of the query
 * (case-insensitive, accents ignored), in catalogue order. An empty query keeps everything.
 */
export function filterCatalog(query: string, catalog: readonly FunctionEntry[] = FUNCTION_CATALOG): FunctionEntry[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return catalog.filter((entry) => {
    const text = fold(
      [entry.name, formulaSignature(entry), entry.summary, STEP_LABELS[entry.step], ...entry.parameters.map((p) => p.name)].join(' '),
    );
    return words.every((word) => text.includes(word));
  });
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
