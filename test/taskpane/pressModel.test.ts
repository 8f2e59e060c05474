/*
 * The press wizard's pure model: number entry, validation messages, running figures and the
 * sensitivity cases. Expected figures are worked out here by hand (the report's Fehr case:
 * 1e9 × 0.55 × 0.70 = 385e6, × 0.40 = 154e6) or by plain products, never read from the code.
 */
import fc from 'fast-check';
import {
  amountEntryText,
  excelMoneyFormat,
  formatMoney,
  formatPercent,
  parseAmount,
  parsePercent,
  percentEntryText,
} from '../../src/taskpane/press/numberEntry';
import { draftFromInputs, emptyDraft, fehrExample, type PressDraft, type PressInputs } from '../../src/taskpane/press/pressModel';
import { sensitivityCases, sensitivityInputs, SENSITIVITY_FACTORS } from '../../src/taskpane/press/sensitivity';
import { validatePress } from '../../src/taskpane/press/validatePress';

const ok = (value: number) => ({ ok: true, value });

function fehrDraft(): PressDraft {
  const draft = emptyDraft();
  draft.title = 'News in search, Switzerland';
  draft.lines = [
    { label: 'Search revenue', amount: "1'000'000'000", deduction: '', linkShare: '', counterfactualShare: '', source: 'Fehr (2023): Swiss search market' },
  ];
  draft.link = { perLine: false, share: '55', source: 'Share of news-related queries' };
  draft.counterfactual = { perLine: false, share: '70 %', source: 'Survey: would not use search without news' };
  draft.split = { ...draft.split, kind: 'bargaining', rate: '40', source: 'Nash bargaining, equal power' };
  return draft;
}

describe('parseAmount', () => {
  test.each([
    ['1000000000', 1e9],
    ['1,000,000,000', 1e9],
    ["1'000'000'000", 1e9],
    ['1’000’000’000', 1e9],
    ['1 000 000 000', 1e9],
    ['1 bn', 1e9],
    ['385 M', 385e6],
    ['2.5k', 2500],
    ['1e9', 1e9],
    ['0.1', 0.1],
    ['1,234.5', 1234.5],
    ['0', 0],
  ])('reads %p as %p', (text, value) => {
    expect(parseAmount(text)).toEqual(ok(value));
  });

  test.each([
    ['', 'is empty'],
    ['abc', 'must be a number'],
    ['-5', 'must be ≥ 0'],
    ['1,5', 'uses a comma that is not a thousands separator (write decimals with a point)'],
    ['5 xyz', 'has an unknown unit "xyz" (use k, M or bn)'],
    ['M', 'must be a number'],
  ])('refuses %p: %s', (text, reason) => {
    expect(parseAmount(text)).toEqual({ ok: false, reason });
  });

  test('reads back every amount it writes, exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), (x) => {
        const parsed = parseAmount(amountEntryText(x));
        return parsed.ok && Object.is(parsed.value, x === 0 ? 0 : x);
      }),
    );
    expect(amountEntryText(1e9)).toBe('1,000,000,000');
    expect(amountEntryText(1234.5)).toBe('1,234.5');
    expect(amountEntryText(1e-7)).toBe('0.0000001');
  });
});

describe('parsePercent', () => {
  test.each([
    ['55', 0.55],
    ['55 %', 0.55],
    ['55%', 0.55],
    ['12.34', 0.1234],
    ['100', 1],
    ['0.5', 0.005],
    ['0', 0],
  ])('reads %p as the fraction %p', (text, value) => {
    expect(parsePercent(text)).toEqual(ok(value));
  });

  test.each([
    ['101', 'must be from 0 % to 100 %'],
    ['-1', 'must be from 0 % to 100 %'],
    ['x', 'must be a percentage'],
    ['', 'is empty'],
    ['5,5', 'uses a comma (write decimals with a point)'],
  ])('refuses %p', (text, reason) => {
    expect(parsePercent(text)).toEqual({ ok: false, reason });
  });

  test('reads back every fraction it writes, exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        const parsed = parsePercent(percentEntryText(x));
        return parsed.ok && Object.is(parsed.value, x === 0 ? 0 : x);
      }),
    );
    expect(percentEntryText(0.55)).toBe('55');
    expect(percentEntryText(0.1234)).toBe('12.34');
  });
});

describe('money and percent display', () => {
  test('uses the ISO code of the currency chosen', () => {
    expect(formatMoney(154e6, 'CHF')).toBe('CHF 154,000,000.00');
    expect(formatMoney(1234.5, 'EUR')).toBe('EUR 1,234.50');
    expect(formatMoney(1234.5, 'JPY')).toBe('JPY 1,235');
    expect(formatPercent(0.154)).toBe('15.4 %');
    expect(excelMoneyFormat('CHF')).toBe('"CHF "#,##0.00;-"CHF "#,##0.00');
    expect(excelMoneyFormat('JPY')).toBe('"JPY "#,##0;-"JPY "#,##0');
  });
});

describe('validatePress: the Fehr case', () => {
  const result = validatePress(fehrDraft());

  test('has no issue and the report’s figures: 385 M base (not the printed 345), 154 M to culture', () => {
    expect(result.issues).toEqual([]);
    expect(result.figures.revenue).toBe(1e9);
    expect(result.figures.afterDeductions).toBe(1e9);
    expect(result.figures.linked).toBe(550e6);
    expect(result.figures.base).toBe(385e6);
    expect(result.figures.amount).toBe(154e6);
    expect(result.figures.shareOfRevenue).toBeCloseTo(0.154, 15);
  });

  test('gives the validated inputs', () => {
    const expected: PressInputs = {
      title: 'News in search, Switzerland',
      currency: 'CHF',
      hasDeductions: false,
      lines: [{ label: 'Search revenue', revenue: 1e9, deduction: 0, source: 'Fehr (2023): Swiss search market' }],
      link: { perLine: false, share: 0.55, source: 'Share of news-related queries' },
      counterfactual: { perLine: false, share: 0.7, source: 'Survey: would not use search without news' },
      split: { kind: 'bargaining', rate: 0.4, source: 'Nash bargaining, equal power' },
    };
    expect(result.inputs).toEqual(expected);
  });

  test('draftFromInputs shows the same inputs again', () => {
    const inputs = result.inputs as PressInputs;
    expect(validatePress(draftFromInputs(inputs)).inputs).toEqual(inputs);
  });
});

test('the wizard’s built-in example is the report’s case', () => {
  const result = validatePress(fehrExample());
  expect(result.issues).toEqual([]);
  expect(result.figures.base).toBe(385e6);
  expect(result.figures.amount).toBe(154e6);
});

describe('validatePress: messages name the row', () => {
  test('an amount that is not a number', () => {
    const draft = fehrDraft();
    draft.lines.push({ ...draft.lines[0], label: 'Ads', amount: 'lots' });
    const result = validatePress(draft);
    expect(result.issues).toEqual([{ step: 'revenue', field: 'lines.1.amount', message: 'Revenue line 2: amount must be a number ≥ 0' }]);
    expect(result.inputs).toBeUndefined();
    expect(result.figures.revenue).toBeUndefined();
    expect(result.figures.amount).toBeUndefined();
  });

  test('an empty amount, a negative deduction, a deduction above its revenue', () => {
    const draft = fehrDraft();
    draft.useDeductions = true;
    draft.lines = [
      { ...draft.lines[0], amount: '' },
      { ...draft.lines[0], amount: '100', deduction: '-1' },
    ];
    expect(validatePress(draft).issues.map((i) => i.message)).toEqual([
      'Revenue line 1: amount is required',
      'Revenue line 2: deduction must be a number ≥ 0',
    ]);
    draft.lines = [{ ...draft.lines[0], amount: '100', deduction: '' }, { ...draft.lines[0], amount: '100', deduction: '150' }];
    expect(validatePress(draft).issues).toEqual([
      { step: 'revenue', field: 'lines.1.deduction', message: 'Revenue line 2: deduction 150 exceeds the revenue 100 of the same row' },
    ]);
  });

  test('shares above 100 %, one for all lines or per line', () => {
    const draft = fehrDraft();
    draft.link.share = '155';
    expect(validatePress(draft).issues.map((i) => i.message)).toEqual(['Share linked to the works: must be a percentage from 0 % to 100 %']);
    draft.link = { perLine: true, share: '', source: '' };
    draft.lines = [{ ...draft.lines[0], linkShare: '50' }, { ...draft.lines[0], linkShare: '' }];
    const result = validatePress(draft);
    expect(result.issues).toEqual([
      { step: 'link', field: 'lines.1.linkShare', message: 'Revenue line 2: share linked to the works is required' },
    ]);
    // Step 1 is valid: its running figure shows; the later ones wait.
    expect(result.figures.revenue).toBe(2e9);
    expect(result.figures.linked).toBeUndefined();
  });

  test('the bargaining rate and the schedule rows', () => {
    const draft = fehrDraft();
    draft.split.rate = '40,5';
    expect(validatePress(draft).issues.map((i) => i.message)).toEqual(['Bargaining split: rate uses a comma (write decimals with a point)']);

    draft.split = { ...draft.split, kind: 'purpose', purpose: '2', schedule: [{ purpose: '2', from: '5', rate: '10' }], minimum: 'x' };
    expect(validatePress(draft).issues.map((i) => i.message)).toEqual(['Minimum guarantee: must be a number ≥ 0']);
    draft.split.minimum = '';
    expect(validatePress(draft).issues).toEqual([
      { step: 'split', field: 'split.schedule.0', message: 'Rate schedule row 1: the first slice of purpose 2 must start at 0, got 5' },
    ]);
    draft.split.schedule = [
      { purpose: '2', from: '0', rate: '10' },
      { purpose: '2', from: '100', rate: '120' },
    ];
    expect(validatePress(draft).issues.map((i) => i.message)).toEqual(['Rate schedule row 2: rate must be a percentage from 0 % to 100 %']);
    draft.split.schedule = [{ purpose: '1', from: '0', rate: '10' }];
    expect(validatePress(draft).issues.map((i) => i.message)).toEqual(['Rate schedule: the schedule has no rows for purpose 2']);
  });

  test('with no revenue line', () => {
    const draft = fehrDraft();
    draft.lines = [];
    expect(validatePress(draft).issues.map((i) => i.message)).toContain('At least one revenue line is needed');
  });
});

describe('validatePress: purpose tier', () => {
  const purposeDraft = (mode: 'marginal' | 'bracket', minimum: string): PressDraft => {
    const draft = fehrDraft();
    draft.split = {
      ...draft.split,
      kind: 'purpose',
      purpose: '2',
      mode,
      minimum,
      schedule: [
        { purpose: '1', from: '0', rate: '5' },
        { purpose: '2', from: '0', rate: '10' },
        { purpose: '2', from: '100 M', rate: '20' },
      ],
    };
    return draft;
  };

  test('marginal: 100 M at 10 % + 285 M at 20 % = 67 M', () => {
    const result = validatePress(purposeDraft('marginal', ''));
    expect(result.issues).toEqual([]);
    expect(result.figures.amount).toBe(67e6);
    expect(result.figures.minimumApplied).toBe(false);
  });

  test('bracket: 385 M at 20 % = 77 M; a minimum of 80 M applies', () => {
    expect(validatePress(purposeDraft('bracket', '')).figures.amount).toBe(77e6);
    const withMinimum = validatePress(purposeDraft('bracket', '80 M'));
    expect(withMinimum.figures.amount).toBe(80e6);
    expect(withMinimum.figures.minimumApplied).toBe(true);
  });
});

describe('sensitivity cases', () => {
  test('Fehr: every input is a factor of the product, so each moves the amount by the same ±20 % (ties keep the sheet order)', () => {
    const inputs = validatePress(fehrDraft()).inputs as PressInputs;
    const cases = sensitivityCases(inputs);
    expect(cases.map((c) => c.label)).toEqual(['Revenue: Search revenue', 'Share linked to the works', 'Counterfactual share', 'Bargaining split']);
    for (const c of cases) {
      SENSITIVITY_FACTORS.forEach((f, k) => expect(c.amounts[k]).toBeCloseTo(1e9 * 0.55 * 0.7 * 0.4 * f, 4));
      expect(c.lowDelta).toBeCloseTo(-0.2 * 154e6, 4);
      expect(c.highDelta).toBeCloseTo(0.2 * 154e6, 4);
      expect(c.swing).toBeCloseTo(0.4 * 154e6, 4);
    }
  });

  test('caps shares at 100 % and deductions at the revenue; sorts by swing', () => {
    const inputs: PressInputs = {
      title: 't',
      currency: 'EUR',
      hasDeductions: true,
      lines: [
        { label: 'Big', revenue: 1000, deduction: 900, source: '' },
        { label: 'Small', revenue: 100, deduction: 0, source: '' },
      ],
      link: { perLine: true, shares: [0.9, 0.5], source: '' },
      counterfactual: { perLine: false, share: 1, source: '' },
      split: { kind: 'bargaining', rate: 0.5, source: '' },
    };
    // amount = 0.5 × [(1000 − 900) × 0.9 × 1 + 100 × 0.5 × 1] = 0.5 × (90 + 50) = 70.
    const amount = (big: number, bigDeduction: number, bigShare: number, small: number, smallShare: number, cf: number, rate: number): number =>
      rate * ((big - bigDeduction) * bigShare * cf + small * smallShare * cf);
    const base = amount(1000, 900, 0.9, 100, 0.5, 1, 0.5);
    expect(base).toBe(70);
    const expected: Record<string, number[]> = {
      // Revenue of "Big" never falls below its deduction of 900: max(900, 800) = 900.
      'Revenue: Big': [amount(900, 900, 0.9, 100, 0.5, 1, 0.5), amount(900, 900, 0.9, 100, 0.5, 1, 0.5), amount(1100, 900, 0.9, 100, 0.5, 1, 0.5), amount(1200, 900, 0.9, 100, 0.5, 1, 0.5)],
      'Revenue: Small': [0.8, 0.9, 1.1, 1.2].map((f) => amount(1000, 900, 0.9, 100 * f, 0.5, 1, 0.5)),
      // A deduction never exceeds its revenue: min(1000, 1080) = 1000.
      'Deduction: Big': [amount(1000, 720, 0.9, 100, 0.5, 1, 0.5), amount(1000, 810, 0.9, 100, 0.5, 1, 0.5), amount(1000, 990, 0.9, 100, 0.5, 1, 0.5), amount(1000, 1000, 0.9, 100, 0.5, 1, 0.5)],
      // 0.9 × 1.2 = 1.08 is capped at 1.
      'Share linked to the works: Big': [0.72, 0.81, 0.99, 1].map((s) => amount(1000, 900, s, 100, 0.5, 1, 0.5)),
      'Share linked to the works: Small': [0.4, 0.45, 0.55, 0.6].map((s) => amount(1000, 900, 0.9, 100, s, 1, 0.5)),
      // 100 % cannot go higher.
      'Counterfactual share': [0.8, 0.9, 1, 1].map((c) => amount(1000, 900, 0.9, 100, 0.5, c, 0.5)),
      'Bargaining split': [0.4, 0.45, 0.55, 0.6].map((r) => amount(1000, 900, 0.9, 100, 0.5, 1, r)),
    };
    const cases = sensitivityCases(inputs);
    expect(new Set(cases.map((c) => c.label))).toEqual(new Set(Object.keys(expected)));
    for (const c of cases) {
      expected[c.label].forEach((value, k) => expect(c.amounts[k]).toBeCloseTo(value, 9));
      expect(c.lowDelta).toBeCloseTo(expected[c.label][0] - base, 9);
      expect(c.highDelta).toBeCloseTo(expected[c.label][3] - base, 9);
    }
    // Non-increasing, up to float noise (equal swings keep the sheet order).
    cases.slice(1).forEach((c, k) => expect(c.swing).toBeLessThanOrEqual(cases[k].swing + 1e-9));
    // "Revenue: Big" moves from 0.5 × (0 + 50) = 25 (net 0) to 0.5 × (300 × 0.9 + 50) = 160;
    // "Deduction: Big" from 0.5 × (280 × 0.9 + 50) = 151 to 25.
    expect(cases.slice(0, 2).map((c) => [c.label, c.swing])).toEqual([
      ['Revenue: Big', expect.closeTo(135, 9)],
      ['Deduction: Big', expect.closeTo(126, 9)],
    ]);
  });

  test('leaves out inputs that cannot move the amount', () => {
    const inputs: PressInputs = {
      title: 't',
      currency: 'EUR',
      hasDeductions: true,
      lines: [{ label: 'L', revenue: 1000, deduction: 0, source: '' }],
      link: { perLine: false, share: 0.5, source: '' },
      counterfactual: { perLine: false, share: 0.5, source: '' },
      split: {
        kind: 'purpose',
        purpose: 3,
        schedule: [
          { purpose: 1, from: 0, rate: 0.05 },
          { purpose: 3, from: 0, rate: 0.2 },
        ],
        minimum: 0,
        mode: 'marginal',
        source: '',
      },
    };
    expect(sensitivityInputs(inputs).map((c) => c.label)).toEqual([
      'Revenue: L',
      'Share linked to the works',
      'Counterfactual share',
      'Rate, competing from 0',
    ]);
  });
});
