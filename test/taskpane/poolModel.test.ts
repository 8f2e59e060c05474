/*
 * The pool distribution screen's model: the three models and the winners and losers on the
 * README's log, checked against a hand computation; the same on other logs against the
 * test-side reference of DESIGN §7.2 (poolReference.ts, exact rationals); validation messages
 * naming the line of the pasted log or the row of the selection, and the field at fault; the
 * size limit; the form restored from stored inputs.
 */
import fc from 'fast-check';
import {
  draftFromPoolInputs,
  emptyPoolDraft,
  exampleDraft,
  extremes,
  POOL_SHEET_ROW_LIMIT,
  previewPools,
  ranked,
  validatePools,
  type PoolDraft,
  type PoolInputs,
} from '../../src/taskpane/pools/poolModel';
import { referenceSplit, type Row } from './poolReference';

const cents = (x: number) => Math.round(x * 100);

function inputsOf(draft: PoolDraft): PoolInputs {
  const v = validatePools(draft);
  expect(v.errors).toEqual({});
  return v.inputs!;
}

describe('the README log, pool 100, threshold {5, 2}, boost 2', () => {
  // By hand. Holder plays and users: A 7 (U1, U2), B 12 (U1, U3), C 1 (U2): C is below the
  // threshold. Market: 100 × 7/19 = 36.842…, 100 × 12/19 = 63.157…: 36.84, 63.16, C 0.
  // User: three users count (U2 through its play of A), 100/3 each: A = 100/3 × (6/8 + 1/1) =
  // 58.333…, B = 100/3 × (2/8 + 1) = 41.666…; the cent left goes to B (remainder .67 > .33).
  // Artist (README): A 4 × 2 + 2 × 4 + 1 × 2 = 18, B 2 × 2 + 10 × 2 = 24, C 1 active × 2 = 2, of
  // 44: 40.909…, 54.545…, 4.545…: 40.91, 54.55, 4.54 (the cent to the larger remainders A, B).
  const market = [36.84, 63.16, 0];
  const user = [58.33, 41.67, 0];
  const artist = [40.91, 54.55, 4.54];

  test('the three models side by side', async () => {
    const preview = await previewPools(inputsOf(exampleDraft()));
    expect(preview.holders).toEqual(['A', 'B', 'C']);
    expect(preview.amounts).toEqual({ market, user, artist });
  });

  test('winners and losers: the differences against market-centric, per holder', async () => {
    const preview = await previewPools(inputsOf(exampleDraft()));
    // 58.33 − 36.84 = 21.49, 41.67 − 63.16 = −21.49; 40.91 − 36.84 = 4.07, 54.55 − 63.16 = −8.61, 4.54 − 0.
    expect(preview.changes.user).toEqual([21.49, -21.49, 0]);
    expect(preview.changes.artist).toEqual([4.07, -8.61, 4.54]);
    expect(extremes(preview.holders, preview.changes.user)).toEqual({ winner: { holder: 'A', change: 21.49 }, loser: { holder: 'B', change: -21.49 } });
    // C, left out of market-centric, gains most from artist-centric: its one play was sought out.
    expect(extremes(preview.holders, preview.changes.artist)).toEqual({ winner: { holder: 'C', change: 4.54 }, loser: { holder: 'B', change: -8.61 } });
    expect(ranked(preview.holders, preview.changes.artist).map((r) => r.holder)).toEqual(['C', 'A', 'B']);
    expect(ranked(preview.holders, preview.changes.user)).toEqual([
      { holder: 'A', change: 21.49 },
      { holder: 'C', change: 0 },
      { holder: 'B', change: -21.49 },
    ]);
  });
});

describe('against the reference of DESIGN §7.2', () => {
  function draftOf(log: readonly Row[], options: { amount: number; minPlays?: number; minUsers?: number; boost?: number; userCap?: number }): PoolDraft {
    return {
      ...emptyPoolDraft(),
      amountText: String(options.amount),
      usageText: log.map((r) => r.join('\t')).join('\n'),
      minPlaysText: options.minPlays === undefined ? '' : String(options.minPlays),
      minUsersText: options.minUsers === undefined ? '' : String(options.minUsers),
      boostText: options.boost === undefined ? '' : String(options.boost),
      userCapText: options.userCap === undefined ? '' : String(options.userCap),
    };
  }

  async function check(log: readonly Row[], options: { amount: number; minPlays?: number; minUsers?: number; boost?: number; userCap?: number }): Promise<void> {
    const preview = await previewPools(inputsOf(draftOf(log, options)));
    const ref = Object.fromEntries((['market', 'user', 'artist'] as const).map((m) => [m, referenceSplit(log, m, options)])) as Record<'market' | 'user' | 'artist', { holders: string[]; amounts: number[] }>;
    expect(preview.holders).toEqual(ref.market.holders);
    expect(preview.amounts).toEqual({ market: ref.market.amounts, user: ref.user.amounts, artist: ref.artist.amounts });
    const diff = (a: number[], b: number[]) => a.map((x, h) => (cents(x) - cents(b[h])) / 100);
    expect(preview.changes.user).toEqual(diff(ref.user.amounts, ref.market.amounts));
    expect(preview.changes.artist).toEqual(diff(ref.artist.amounts, ref.market.amounts));
    expect(preview.changes.user.reduce((s, x) => s + cents(x), 0)).toBe(0);
  }

  test('a heavy listener capped at 20 plays, three holders', async () => {
    // U1 (60 plays, all of holders that count) is scaled by 20/60; the others are under the cap.
    const log: Row[] = [
      ['U1', 'Big label', 50, 0],
      ['U1', 'Indie', 10, 5],
      ['U2', 'Indie', 8, 8],
      ['U2', 'Niche', 2, 2],
      ['U3', 'Big label', 5, 0],
      ['U3', 'Niche', 1, 1],
    ];
    await check(log, { amount: 1000, minPlays: 3, minUsers: 2, boost: 2, userCap: 20 });
  });

  test('random small logs without a cap', async () => {
    const row = fc.tuple(fc.constantFrom('U1', 'U2', 'U3', 'U4'), fc.constantFrom('A', 'B', 'C', 'D'), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(row, { minLength: 1, maxLength: 10, selector: (r) => `${r[0]}|${r[1]}` }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 4 }),
        async (rows, amountCents, minPlays, minUsers, boost) => {
          const log: Row[] = rows.map(([u, h, p, a]) => [u, h, p, Math.min(a, p)]);
          const refMarket = () => referenceSplit(log, 'market', { amount: amountCents / 100, minPlays, minUsers, boost });
          // A threshold that leaves no counted play is an error of the function, checked elsewhere.
          try {
            refMarket();
          } catch {
            return;
          }
          await check(log, { amount: amountCents / 100, minPlays, minUsers, boost });
        },
      ),
      { numRuns: 60, seed: 20261203 },
    );
  }, 120_000);
});

describe('validation names the line, the row or the field', () => {
  const example = exampleDraft();
  const errorsOf = (change: Partial<PoolDraft>) => validatePools({ ...example, ...change }).errors;

  test('pasted log: the line (counting the header) and the column', () => {
    expect(errorsOf({ usageText: 'User\tHolder\tPlays\tActive\nU1\tA\t6\t2\nU1\tB\t6\t7' })).toEqual({
      usage: '#VALUE! Usage log, line 3, column 4 (active plays): activePlays 7 exceeds plays 6: active plays are some of the plays',
    });
    expect(errorsOf({ usageText: 'U1\tA\t6\nU2\t\t3' })).toEqual({ usage: '#VALUE! Usage log, line 2: empty holder' });
    expect(errorsOf({ usageText: 'U1\tA\t6\n\nU2\tB\t2.5' }).usage).toBe('#VALUE! Usage log, line 3, column 3 (plays): plays are counts: expected a whole number ≥ 0, got 2.5');
    expect(errorsOf({ usageText: 'U1\tA' }).usage).toBe('#VALUE! Usage log: expected three or four columns [user, holder, plays, (activePlays)], got 2 columns');
  });

  test('the log is judged even while the amount is missing', () => {
    const errors = validatePools({ ...emptyPoolDraft(), usageText: 'U1\tA\t6\nU2\tB\t3\t5' }).errors;
    expect(errors.usage).toBe('#VALUE! Usage log, line 2, column 4 (active plays): activePlays 5 exceeds plays 3: active plays are some of the plays');
    expect(errors.amount).toMatch(/^Pool amount: type the amount/);
  });

  test('selected log: the row of the selection', () => {
    const grid = [
      ['User', 'Holder', 'Plays', 'Active'],
      ['U1', 'A', 3, 0],
      ['U2', 'B', 3, 4],
    ];
    expect(errorsOf({ usageText: '', selection: { source: 'Log!A1:D3', grid } })).toEqual({
      usage: '#VALUE! selection, row 3, column 4 (active plays): activePlays 4 exceeds plays 3: active plays are some of the plays',
    });
  });

  test('the parameters: each message on its own field', () => {
    expect(errorsOf({ amountText: 'abc' })).toEqual({ amount: 'Pool amount: expected a number, got "abc"' });
    expect(errorsOf({ amountText: '-5' })).toEqual({ amount: '#VALUE! amount: expected a finite amount ≥ 0, got -5' });
    expect(errorsOf({ minUsersText: 'x' })).toEqual({ threshold: 'Threshold, minimum distinct users: expected a number, got "x"' });
    expect(errorsOf({ userCapText: '0' })).toEqual({ userCap: '#NUM! userCap: expected a number of plays > 0, got 0' });
    expect(errorsOf({ boostText: '0.5' })).toEqual({ boost: '#VALUE! boost: expected a finite number ≥ 1 (2: a boosted play counts twice), got 0.5' });
    expect(errorsOf({ decimalsText: '-1' })).toEqual({ decimals: '#VALUE! decimals: expected an integer from 0 to 10, got -1' });
    expect(errorsOf({ minPlaysText: '1000' })).toEqual({ usage: '#VALUE! Usage log: no counted play: every play is 0 or of a holder below the threshold' });
    expect(validatePools({ ...example, amountText: '' }).errors.amount).toMatch(/^Pool amount: type the amount/);
    expect(validatePools(emptyPoolDraft()).errors.usage).toMatch(/^Paste a usage log/);
  });

  test(`a log of more than ${POOL_SHEET_ROW_LIMIT} rows is too large for a sheet, and the pane says so`, () => {
    const lines = Array.from({ length: POOL_SHEET_ROW_LIMIT + 1 }, (_, k) => `U${k}\tH${k % 7}\t1`);
    const v = validatePools({ ...example, usageText: ['User\tHolder\tPlays', ...lines].join('\n') });
    expect(v.inputs).toBeUndefined();
    expect(v.rows).toBe(100_001);
    expect(v.errors.usage).toBe(
      "The log has 100,001 rows: too large for a sheet written by the pane (at most 100,000). Split a log this size from its file with the companion's streaming job, or type =PARTAGE.POOLSPLIT on the range where the log already is.",
    );
  }, 60_000);
});

test('the inputs: defaults, the header and blank rows left out, and the form restored from them', () => {
  const inputs = inputsOf({ ...exampleDraft(), usageText: 'User\tHolder\tPlays\n\nU1\tA\t6\nU2\tB\t1\n', sourceLabel: undefined, minPlaysText: '', minUsersText: '', boostText: '', decimalsText: '' });
  expect(inputs).toEqual({
    title: 'Worked example (README)',
    source: 'pasted cells',
    amount: 100,
    usage: [
      ['U1', 'A', 6],
      ['U2', 'B', 1],
    ],
    minPlays: 0,
    minUsers: 0,
    boost: 2,
    decimals: 2,
  });
  const capped = { ...inputs, userCap: 1000, source: 'Log!A1:C3' };
  expect(inputsOf(draftFromPoolInputs(capped))).toEqual(capped);
  const four = inputsOf(exampleDraft());
  expect(inputsOf(draftFromPoolInputs(four))).toEqual(four);
});
