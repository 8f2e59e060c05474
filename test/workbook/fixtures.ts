/*
 * Workbooks as Excel saves them with the add-in, built by hand: PARTAGE calls stored under
 * Excel's `_xldudf_PARTAGE_…` names, spilled results as array formulas over their range with
 * the values Excel showed, sheet-scoped names. Every saved value is worked out by hand here
 * (never by our code), so that `verify` and the copy are checked against independent figures.
 */
import type { CellValue, ModelCell, ModelName, ModelSheet, WorkbookModel } from '../../src/workbook/model';

type Put = (address: string, value: CellValue, formula?: string, arrayRef?: string) => void;

function sheet(name: string, fill: (put: Put) => void): ModelSheet {
  const cells = new Map<string, ModelCell>();
  fill((address, value, formula, arrayRef) => {
    cells.set(address, { value, ...(formula !== undefined ? { formula } : {}), ...(arrayRef !== undefined ? { arrayRef } : {}) });
  });
  return { name, cells };
}

/** A spilled column: the formula in its first cell, the values Excel showed in all of them. */
function spill(put: Put, column: string, first: number, formula: string, values: CellValue[]): void {
  values.forEach((v, k) => put(`${column}${first + k}`, v, k === 0 ? formula : undefined, k === 0 ? `${column}${first}:${column}${first + values.length - 1}` : undefined));
}

/** Base-scenario revenue of the deal tests: 400k, 600k, 800k, 950k, 1.1M. */
export const REVENUE = [400000, 600000, 800000, 950000, 1100000];
/** 12 % with a recoupable 150k advance: royalties 48k, 72k, 96k, 114k, 132k; 48k + 72k + 30k recoup it. */
export const ADVANCE_PAYMENTS = [150000, 0, 66000, 114000, 132000];
/** 8 % with a 60k minimum per period: 32k, 48k → 60k; 64k, 76k, 88k. */
export const MINIMUM_PAYMENTS = [60000, 60000, 64000, 76000, 88000];
/** A 2 % levy on revenue above 300k: 2 % of 100k, 300k, 500k, 650k, 800k. */
export const LEVY_PAYMENTS = [2000, 6000, 10000, 13000, 16000];

export function negotiationWorkbook(): WorkbookModel {
  const press = sheet('Press', (put) => {
    put('A1', 'Revenue');
    put('B1', 1000000000);
    put('A2', 'Share linked to news');
    put('B2', 0.55);
    put('A3', 'Would not use it without');
    put('B3', 0.7);
    put('A4', 'Transfer base');
    // Report §4.2.2: 1000 × 0.55 × 0.70 = 385 (the report prints 345).
    put('B4', 385000000, '=_xldudf_PARTAGE_TRANSFERBASE(Revenue,LinkShare,CounterfactualShare)');
    put('A5', 'Bargaining split');
    put('B5', 0.4);
    put('A6', 'Amount');
    put('B6', 154000000, '=_xldudf_PARTAGE_PURPOSESHARE(Base,1,Rate)');
    put('B8', 'Purpose');
    put('C8', 'From');
    put('D8', 'Rate');
    [
      [1, 0, 0.1],
      [1, 100000000, 0.2],
      [2, 0, 0.3],
    ].forEach(([p, from, rate], k) => {
      put(`B${9 + k}`, p);
      put(`C${9 + k}`, from);
      put(`D${9 + k}`, rate);
    });
    // Marginal: 10 % of the first 100 M, 20 % of the other 285 M = 10 M + 57 M.
    put('B12', 67000000, '=_xldudf_PARTAGE_PURPOSESHARE(Base,1,Schedule,0,"marginal")');
    // Bracket: all 385 M at the 20 % of the highest slice reached.
    put('B13', 77000000, '=_xldudf_PARTAGE_PURPOSESHARE(Base,1,Schedule,0,Mode)');
    put('C13', 'bracket');
    // Purpose 2 by name: 30 % of 385 M = 115.5 M, above the 50 M minimum.
    put('B14', 115500000, '=_xldudf_PARTAGE_PURPOSESHARE(Base,"specialised",Schedule,50000000)');
    put('B15', 'generalist');
    // Three rates, one per purpose: the generalist's 5 % of 385 M, below the 20 M minimum.
    put('B16', 20000000, '=_xldudf_PARTAGE_PURPOSESHARE(Base,B15,{0.05,0.1,0.2},20000000)');
  });
  const deals = sheet('Deals', (put) => {
    put('A1', 'Period');
    put('B1', 'Revenue');
    REVENUE.forEach((r, k) => {
      put(`A${2 + k}`, `${2027 + k}`);
      put(`B${2 + k}`, r);
    });
    put('D1', 'Rate');
    put('D2', 0.12);
    put('E1', 'Advance');
    put('E2', 150000);
    put('F1', 'Levy rate');
    put('F2', 0.02);
    put('G1', 'Exemption');
    put('G2', 300000);
    spill(put, 'B', 10, '=_xldudf_PARTAGE_LICENCEPAYMENTS(RevenueBase,Rate,Advance)', ADVANCE_PAYMENTS);
    put('B15', 462000, '=SUM(B10:B14)');
    spill(put, 'C', 10, '=_xldudf_PARTAGE_LICENCEPAYMENTS(RevenueBase,0.08,,60000)', MINIMUM_PAYMENTS);
    spill(put, 'D', 10, '=_xldudf_PARTAGE_LICENCEPAYMENTS(IF(RevenueBase>Exemption,RevenueBase-Exemption,0),LevyRate)', LEVY_PAYMENTS);
  });
  const shapley = sheet('Shapley', (put) => {
    [['A', 50], ['B', 40], ['A,B', 80]].forEach(([label, v], k) => {
      put(`A${2 + k}`, label);
      put(`B${2 + k}`, v);
    });
    // v(A) = 50, v(B) = 40, v(AB) = 80: φA = (v(A) + v(AB) − v(B)) / 2 = (50 + 40) / 2 = 45, φB = (40 + 30) / 2 = 35.
    put('D2', 'A', '=_xldudf_PARTAGE_SHAPLEY(A2:A4,B2:B4)', 'D2:E3');
    put('E2', 45);
    put('D3', 'B');
    put('E3', 35);
  });
  const names: ModelName[] = [
    { name: 'Revenue', scope: 'Press', ref: "='Press'!$B$1" },
    { name: 'LinkShare', scope: 'Press', ref: "='Press'!$B$2" },
    { name: 'CounterfactualShare', scope: 'Press', ref: "='Press'!$B$3" },
    { name: 'Base', scope: 'Press', ref: "='Press'!$B$4" },
    // The same name on two sheets: each sheet's formulas read their own.
    { name: 'Rate', scope: 'Press', ref: "='Press'!$B$5" },
    { name: 'Schedule', scope: 'Press', ref: "='Press'!$B$8:$D$11" },
    { name: 'Mode', scope: 'Press', ref: "='Press'!$C$13" },
    { name: 'RevenueBase', scope: 'Deals', ref: "='Deals'!$B$2:$B$6" },
    { name: 'Rate', scope: 'Deals', ref: "='Deals'!$D$2" },
    { name: 'Advance', scope: 'Deals', ref: "='Deals'!$E$2" },
    { name: 'LevyRate', ref: "='Deals'!$F$2" },
    { name: 'Exemption', ref: "='Deals'!$G$2" },
  ];
  return { sheets: [press, deals, shapley], names };
}
