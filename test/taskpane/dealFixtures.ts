/* The deal comparison's example, typed by hand as the inputs the sheet writer receives. */
import type { DealInputs, Offer } from '../../src/taskpane/deals/dealModel';

const offer = (o: Partial<Offer> & Pick<Offer, 'name' | 'kind'>): Offer => ({ rate: 0, advance: 0, recoupable: true, minimum: 0, unitFee: 0, exemption: 0, ...o });

export function exampleInputs(): DealInputs {
  return {
    title: 'Catalogue licence, 2027–2031',
    periods: ['2027', '2028', '2029', '2030', '2031'],
    revenue: {
      low: [200000, 300000, 350000, 400000, 400000],
      base: [400000, 600000, 800000, 950000, 1100000],
      high: [700000, 1000000, 1400000, 1800000, 2200000],
    },
    units: {
      low: [30000000, 45000000, 60000000, 70000000, 80000000],
      base: [30000000, 45000000, 60000000, 70000000, 80000000],
      high: [30000000, 45000000, 60000000, 70000000, 80000000],
    },
    discountRate: 0.08,
    offers: [
      offer({ name: 'Revenue share 10 %', kind: 'share', rate: 0.1 }),
      offer({ name: 'Flat fee', kind: 'flat', advance: 250000, recoupable: false }),
      offer({ name: 'Advance + 12 %', kind: 'advance', rate: 0.12, advance: 150000 }),
      offer({ name: 'MG 60k + 8 %', kind: 'minimum', rate: 0.08, minimum: 60000 }),
      offer({ name: 'Per output', kind: 'perOutput', unitFee: 0.002 }),
      offer({ name: 'Commons levy 2 %', kind: 'levy', rate: 0.02, exemption: 300000 }),
    ],
    breakEven: [0, 1],
  };
}

export { offer };
