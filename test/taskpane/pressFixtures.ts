/* Press inputs shared by the press and workbook tests (plain data, no expectations). */
import type { PressInputs } from '../../src/taskpane/press/pressModel';

/** The report's case, as validated inputs. */
export function fehrInputs(): PressInputs {
  return {
    title: 'News in search, Switzerland',
    currency: 'CHF',
    hasDeductions: false,
    lines: [{ label: 'Search revenue', revenue: 1e9, deduction: 0, source: 'Fehr (2023): Swiss search market' }],
    link: { perLine: false, share: 0.55, source: 'Share of news-related queries' },
    counterfactual: { perLine: false, share: 0.7, source: 'Survey: would not use search without news' },
    split: { kind: 'bargaining', rate: 0.4, source: 'Nash bargaining, equal power' },
  };
}

/** Two lines with deductions, per-line link shares and a purpose schedule with a minimum. */
export function tieredInputs(): PressInputs {
  return {
    title: 'Chat assistant, EU',
    currency: 'EUR',
    hasDeductions: true,
    lines: [
      { label: 'Subscriptions', revenue: 800e6, deduction: 80e6, source: 'Annual report 2024, p. 12' },
      { label: 'API', revenue: 200e6, deduction: 0, source: 'Analyst estimate' },
    ],
    link: { perLine: true, shares: [0.3, 0.1], source: 'Share of answers citing press' },
    counterfactual: { perLine: false, share: 0.5, source: 'Panel survey' },
    split: {
      kind: 'purpose',
      purpose: 2,
      schedule: [
        { purpose: 1, from: 0, rate: 0.02 },
        { purpose: 2, from: 0, rate: 0.05 },
        { purpose: 2, from: 50e6, rate: 0.08 },
      ],
      minimum: 5e6,
      mode: 'marginal',
      source: 'Rightholders’ proposed schedule',
    },
  };
}
