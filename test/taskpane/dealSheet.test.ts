/*
 * What "Insert sheet" writes for a deal comparison, and reading it back ("reopening"), against
 * the office-addin-mock workbook of excelMock.ts. Formula texts, names, formats, notes, the chart
 * and the stored inputs are written out here by hand from the layout the sheet promises: the
 * forecast from row 7 (5 periods: rows 7–11), the discount rate two rows below (13), the offers'
 * terms from row 15 (header 16, terms 17–24), then one block per scenario (section, header,
 * 5 periods, total, NPV, a blank row): low 26–34, base 36–44, high 46–54; cumulative 56–62;
 * break-even 64–80 (the pair 65–68, the candidate revenues 71–73, the summary 75–80); the chart
 * from row 82. A tiered share adds its mode (row 25), its schedule and its royalties per scenario
 * before the payments.
 */
import { ENGINE_VERSION } from '../../src/engine/version';
import { DEAL_CHART_NAME, DEAL_STORE, readActiveDealSheet, readDealSheet, writeDealSheet } from '../../src/taskpane/excel/dealSheet';
import type { DealInputs } from '../../src/taskpane/deals/dealModel';
import { StoredSheetError } from '../../src/taskpane/excel/sheetStore';
import { evaluateCell } from './dealFormula';
import { exampleInputs, offer } from './dealFixtures';
import { cell, createExcelMock, getSheet, workbookState, type SheetState } from './excelMock';

function names(sheet: SheetState): Record<string, string> {
  return Object.fromEntries(sheet.names.map((n) => [n.name, n.reference]));
}

async function inserted(inputs: DealInputs, sourceNotes: 'notes' | 'prompts' = 'notes') {
  const mock = createExcelMock(workbookState('Data'));
  const result = await writeDealSheet(mock.context, inputs, { sourceNotes });
  return { mock, result, sheet: getSheet(mock.state, result.sheetName) };
}

const S = "'Deals 1'!";

describe('Insert: the catalogue example', () => {
  test('adds and activates "Deals 1", then "Deals 2"', async () => {
    const { mock, result } = await inserted(exampleInputs());
    expect(result.sheetName).toBe('Deals 1');
    expect(mock.state.active?.name).toBe('Deals 1');
    const again = await writeDealSheet(mock.context, exampleInputs(), { sourceNotes: 'notes' });
    expect(again.sheetName).toBe('Deals 2');
  });

  test('the forecast and the terms are formatted input cells', async () => {
    const { sheet } = await inserted(exampleInputs());
    expect(cell(sheet, 'A1')).toMatchObject({ value: 'Deal comparison: Catalogue licence, 2027–2031', format: { 'font.bold': true, 'font.size': 14 } });
    expect(cell(sheet, 'A3')?.value).toBe(`6 offers over 5 periods; engine ${ENGINE_VERSION}.`);
    expect([6].flatMap((r) => ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((c) => cell(sheet, `${c}${r}`)?.value))).toEqual([
      'Period',
      'Revenue low',
      'Revenue base',
      'Revenue high',
      'Units low',
      'Units base',
      'Units high',
    ]);
    expect(['A7', 'B7', 'C7', 'D7', 'F11'].map((a) => cell(sheet, a)?.value)).toEqual(['2027', 200000, 400000, 700000, 80000000]);
    expect(cell(sheet, 'A7')?.numberFormat).toBe('@');
    expect(cell(sheet, 'C8')).toMatchObject({ numberFormat: '#,##0.00', format: { 'fill.color': '#FFCC99', 'font.color': '#3F3F76' } });
    expect(cell(sheet, 'F8')?.numberFormat).toBe('#,##0');
    expect(cell(sheet, 'B13')).toMatchObject({ value: 0.08, numberFormat: '0.00%', format: { 'fill.color': '#FFCC99' } });
    // Terms: header row 16, kind 17, paid to 18, rate 19, advance 20, recoupable 21, minimum 22, fee 23, exemption 24.
    expect(['B', 'C', 'D', 'E', 'F', 'G'].map((c) => cell(sheet, `${c}16`)?.value)).toEqual(exampleInputs().offers.map((o) => o.name));
    expect(['B', 'C', 'D', 'E', 'F', 'G'].map((c) => cell(sheet, `${c}17`)?.value)).toEqual([
      'Revenue share',
      'Flat fee',
      'Advance + royalties',
      'Minimum guarantee',
      'Fee per output',
      'Commons levy',
    ]);
    expect(['B', 'G'].map((c) => cell(sheet, `${c}18`)?.value)).toEqual(['rightholders', 'commons fund']);
    expect(cell(sheet, 'B19')).toMatchObject({ value: 0.1, numberFormat: '0.00%' });
    expect(cell(sheet, 'C20')).toMatchObject({ value: 250000, numberFormat: '#,##0.00' });
    expect(['B21', 'C21', 'D21'].map((a) => cell(sheet, a)?.formula)).toEqual(['=TRUE', '=FALSE', '=TRUE']);
    expect(cell(sheet, 'E22')?.value).toBe(60000);
    expect(cell(sheet, 'F23')).toMatchObject({ value: 0.002, numberFormat: 'General' });
    expect(cell(sheet, 'G24')?.value).toBe(300000);
    // A levy has no advance, minimum or fee cells; the others no exemption.
    expect(['G20', 'G21', 'G22', 'G23', 'B24'].map((a) => cell(sheet, a))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  test('names the inputs, scoped to the sheet', async () => {
    const { sheet } = await inserted(exampleInputs());
    const expected: Record<string, string> = {
      Periods: `=${S}$A$7:$A$11`,
      RevenueLow: `=${S}$B$7:$B$11`,
      RevenueBase: `=${S}$C$7:$C$11`,
      RevenueHigh: `=${S}$D$7:$D$11`,
      UnitsLow: `=${S}$E$7:$E$11`,
      UnitsBase: `=${S}$F$7:$F$11`,
      UnitsHigh: `=${S}$G$7:$G$11`,
      DiscountRate: `=${S}$B$13`,
      BreakEven: `=${S}$B$78`,
      BreakEvenLast: `=${S}$B$79`,
      BreakEvenCandidates: `=${S}$B$71:$B$73`,
    };
    ['B', 'C', 'D', 'E', 'F'].forEach((c, k) => {
      expected[`Offer${k + 1}_Rate`] = `=${S}$${c}$19`;
      expected[`Offer${k + 1}_Advance`] = `=${S}$${c}$20`;
      expected[`Offer${k + 1}_Recoupable`] = `=${S}$${c}$21`;
      expected[`Offer${k + 1}_Minimum`] = `=${S}$${c}$22`;
      expected[`Offer${k + 1}_UnitFee`] = `=${S}$${c}$23`;
    });
    expected.Offer6_Rate = `=${S}$G$19`;
    expected.Offer6_Exemption = `=${S}$G$24`;
    expect(names(sheet)).toEqual(expected);
  });

  test('payments are live LICENCEPAYMENTS formulas per scenario, totals and NPV are Excel’s SUM and NPV', async () => {
    const { sheet } = await inserted(exampleInputs());
    expect(cell(sheet, 'A26')?.value).toBe('Payments per period: low scenario');
    expect(cell(sheet, 'B28')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(RevenueLow,Offer1_Rate,Offer1_Advance,Offer1_Minimum,Offer1_UnitFee,UnitsLow,Offer1_Recoupable)');
    expect(cell(sheet, 'D38')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(RevenueBase,Offer3_Rate,Offer3_Advance,Offer3_Minimum,Offer3_UnitFee,UnitsBase,Offer3_Recoupable)');
    expect(cell(sheet, 'G48')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(IF(RevenueHigh>Offer6_Exemption,RevenueHigh-Offer6_Exemption,0),Offer6_Rate)');
    expect(cell(sheet, 'G37')?.value).toBe('Commons levy 2 % (to the commons fund)');
    expect(cell(sheet, 'B37')?.value).toBe('Revenue share 10 %');
    // The spill's other cells are formatted, not written.
    expect(cell(sheet, 'B39')).toMatchObject({ numberFormat: '#,##0.00' });
    expect(cell(sheet, 'B39')?.formula).toBeUndefined();
    expect(['A38', 'A42'].map((a) => cell(sheet, a)?.value)).toEqual(['2027', '2031']);
    expect(cell(sheet, 'B43')).toMatchObject({ formula: '=SUM(B38:B42)', numberFormat: '#,##0.00', format: { 'font.bold': true, 'fill.color': '#E2EFDA' } });
    expect(cell(sheet, 'C44')?.formula).toBe('=NPV(DiscountRate,C38:C42)');
    expect(cell(sheet, 'G53')?.formula).toBe('=SUM(G48:G52)');
    expect(cell(sheet, 'G34')?.formula).toBe('=NPV(DiscountRate,G28:G32)');
  });

  test('cumulative base payments with SUM, and their line chart', async () => {
    const { sheet } = await inserted(exampleInputs());
    expect(cell(sheet, 'B57')?.formula).toBe('=B37');
    expect(cell(sheet, 'B58')?.formula).toBe('=SUM(B$38:B38)');
    expect(cell(sheet, 'E62')?.formula).toBe('=SUM(E$38:E42)');
    expect(sheet.charts).toHaveLength(1);
    const chart = sheet.charts[0];
    expect(chart).toMatchObject({ name: DEAL_CHART_NAME, type: 'Line', source: 'B57:G62', seriesBy: 'Columns', title: 'Cumulative payments, base scenario', position: ['A82', 'G100'] });
    expect(chart.series.map((s) => s.xAxisValues)).toEqual(['A58:A62', 'A58:A62', 'A58:A62', 'A58:A62', 'A58:A62', 'A58:A62']);
    expect(chart.legend.position).toBe('Bottom');
  });

  test('the break-even cells of offers 1 and 2, in Excel arithmetic', async () => {
    const { sheet } = await inserted(exampleInputs());
    const formulas = Object.fromEntries(
      ['B65', 'C65', 'B66', 'C66', 'B67', 'C67', 'B68', 'C68', 'B72', 'B73', 'C71', 'D71', 'E71', 'F71', 'G71', 'B75', 'B76', 'B77', 'B78', 'B79'].map((a) => [a, cell(sheet, a)?.formula]),
    );
    // Offer 1 pays max(B66·R + B67, B68), offer 2 max(C66·R + C67, C68).
    const pay1 = (x: string) => `MAX(B$66*${x}+B$67,B$68)`;
    const pay2 = (x: string) => `MAX(C$66*${x}+C$67,C$68)`;
    const slope = (x: string) => `IF(B$66*${x}+B$67>B$68,B$66,0)-IF(C$66*${x}+C$67>C$68,C$66,0)`;
    expect(formulas).toEqual({
      B65: '=B16',
      C65: '=C16',
      B66: '=Offer1_Rate',
      C66: '=Offer2_Rate',
      B67: '=Offer1_UnitFee*F7+IF(Offer1_Recoupable,0,Offer1_Advance)',
      C67: '=Offer2_UnitFee*F7+IF(Offer2_Recoupable,0,Offer2_Advance)',
      B68: '=Offer1_Advance+Offer1_Minimum',
      C68: '=Offer2_Advance+Offer2_Minimum',
      // The candidates: revenue 0 (B71, a value), where each offer reaches its floor.
      B72: '=IF(B66>0,MAX(0,(B68-B67)/B66),0)',
      B73: '=IF(C66>0,MAX(0,(C68-C67)/C66),0)',
      C71: '=IF(COUNTIF(BreakEvenCandidates,">"&B71)=0,"none",MINIFS(BreakEvenCandidates,BreakEvenCandidates,">"&B71))',
      D71: '=IF(ISNUMBER(C71),(B71+C71)/2,B71+1)',
      E71: `=${pay1('B71')}-${pay2('B71')}`,
      F71: `=${slope('D71')}`,
      G71: '=IF(ROUND(E71,6)=0,B71,IF(F71=0,"none",IF(AND(B71-E71/F71>B71,OR(NOT(ISNUMBER(C71)),B71-E71/F71<C71)),B71-E71/F71,"none")))',
      B75: '=MAX(BreakEvenCandidates)',
      B76: `=ROUND(${pay1('B75')}-${pay2('B75')},6)`,
      B77: `=${slope('(B75+1)')}`,
      B78: '=IF(COUNT(G71:G73)=0,"never",MIN(G71:G73))',
      B79: '=IF(AND(B76=0,B77=0),"unbounded",IF(COUNT(G71:G73)=0,"never",MAX(G71:G73)))',
    });
    expect(cell(sheet, 'B71')?.value).toBe(0);
    expect(['A71', 'A72', 'A73'].map((a) => cell(sheet, a)?.value)).toEqual(['Revenue 0', 'Revenue share 10 %: reaches its floor, (K − b) / r', 'Flat fee: reaches its floor, (K − b) / r']);
    expect(cell(sheet, 'B78')).toMatchObject({ numberFormat: '#,##0.00', format: { 'font.bold': true } });
    expect(cell(sheet, 'B80')?.formula).toMatch(/^=IF\(ISNUMBER\(B78\),B65&" and "&C65&" pay the same at a first-period revenue of "&TEXT\(B78,"#,##0.00"\)/);
  });

  test('a levy in the break-even: its fixed part is minus rate × exemption, its floor 0', async () => {
    const inputs = { ...exampleInputs(), breakEven: [5, 0] as [number, number] };
    const { sheet } = await inserted(inputs);
    expect(['B65', 'B66', 'B67', 'C67'].map((a) => cell(sheet, a)?.formula)).toEqual(['=G16', '=Offer6_Rate', '=-Offer6_Rate*Offer6_Exemption', '=Offer1_UnitFee*F7+IF(Offer1_Recoupable,0,Offer1_Advance)']);
    expect(cell(sheet, 'B68')?.value).toBe(0);
  });

  test('notes on each payment column of each scenario and on the break-even, or prompts without notes', async () => {
    const { sheet } = await inserted(exampleInputs());
    expect(sheet.notes.map((n) => n.address).sort()).toEqual(['B28', 'B38', 'B48', 'B78', 'C28', 'C38', 'C48', 'D28', 'D38', 'D48', 'E28', 'E38', 'E48', 'F28', 'F38', 'F48', 'G28', 'G38', 'G48']);
    expect(sheet.notes.find((n) => n.address === 'B48')?.text).toMatch(/^PARTAGE\.LICENCEPAYMENTS, high scenario: rate × revenue/);
    expect(sheet.notes.find((n) => n.address === 'G38')?.text).toContain('commons fund');
    expect(sheet.notes.find((n) => n.address === 'B38')?.text).toContain(`Engine ${ENGINE_VERSION}.`);
    const prompted = await inserted(exampleInputs(), 'prompts');
    expect(prompted.sheet.notes).toEqual([]);
    expect(cell(prompted.sheet, 'B38')?.prompt).toMatchObject({ showPrompt: true, title: 'Source' });
  });

  test('stores the inputs in the sheet’s custom properties', async () => {
    const { sheet } = await inserted(exampleInputs());
    const header = sheet.customProperties.find((p) => p.key === DEAL_STORE.key);
    const parts = JSON.parse(header!.value) as { format: string; version: number; parts: number };
    expect(parts).toMatchObject({ format: 'partage.deals', version: 1 });
    const text = sheet.customProperties.filter((p) => p.key.startsWith(`${DEAL_STORE.key}.`)).map((p) => p.value).join('');
    expect(sheet.customProperties.filter((p) => p.key.startsWith(`${DEAL_STORE.key}.`))).toHaveLength(parts.parts);
    expect(JSON.parse(text)).toEqual({ format: 'partage.deals', version: 1, inputs: exampleInputs() });
  });
});

/** The example with a tiered share (8 % to 500k, 10 % to 1M, 12 % above) before the levy. */
function tieredInputs(): DealInputs {
  const inputs = exampleInputs();
  inputs.offers.splice(5, 0, offer({ name: 'Tiered', kind: 'minimum', minimum: 1000, schedule: [{ from: 0, rate: 0.08 }, { from: 500000, rate: 0.1 }, { from: 1000000, rate: 0.12 }], scheduleMode: 'marginal' }));
  return inputs;
}

describe('a tiered share (a PURPOSESHARE schedule)', () => {
  test('its mode in the terms, its schedule with a header, its royalties per scenario by PURPOSESHARE, its payments on them at 100 %', async () => {
    const { sheet } = await inserted(tieredInputs());
    expect(cell(sheet, 'A25')?.value).toBe('Rate schedule: marginal or bracket');
    expect(cell(sheet, 'G19')?.value).toBe('schedule below');
    expect(cell(sheet, 'G25')).toMatchObject({ value: 'marginal', format: { 'fill.color': '#FFCC99' } });
    // The schedule: section 27, header 28 (in the named range), slices 29–31.
    expect(cell(sheet, 'A27')?.value).toBe('Rate schedules (PARTAGE.PURPOSESHARE, purpose 1: slices from 0)');
    expect(['A28', 'B28', 'C28', 'D28'].map((a) => cell(sheet, a)?.value)).toEqual(['Tiered', 'Purpose', 'From', 'Rate']);
    expect([29, 30, 31].map((r) => ['B', 'C', 'D'].map((c) => cell(sheet, `${c}${r}`)?.value))).toEqual([
      [1, 0, 0.08],
      [1, 500000, 0.1],
      [1, 1000000, 0.12],
    ]);
    const n = names(sheet);
    expect(n.Offer6_Schedule).toBe(`=${S}$B$28:$D$31`);
    expect(n.Offer6_Mode).toBe(`=${S}$G$25`);
    expect(n.Offer6_Rate).toBeUndefined();
    // Royalties: low 33 (header 34, periods 35–39), base 41 (43–47), high 49 (51–55).
    expect(cell(sheet, 'A41')?.value).toBe('Royalties by rate schedule: base scenario');
    expect(cell(sheet, 'G43')?.formula).toBe('=PARTAGE.PURPOSESHARE(C7,1,Offer6_Schedule,0,Offer6_Mode)');
    expect(cell(sheet, 'G55')?.formula).toBe('=PARTAGE.PURPOSESHARE(D11,1,Offer6_Schedule,0,Offer6_Mode)');
    expect(n.Offer6_RoyaltiesBase).toBe(`=${S}$G$43:$G$47`);
    // What Excel shows there, computed through the adapter: 8 % of 400k; 40k + 10 % of 100k; … 40k + 50k + 12 % of 100k.
    expect([43, 44, 45, 46, 47].map((r) => evaluateCell(sheet, `G${r}`))).toEqual([32000, 50000, 70000, 85000, 102000]);
    // Payments from row 59 (low), 69 (base).
    expect(cell(sheet, 'G69')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(Offer6_RoyaltiesBase,1,Offer6_Advance,Offer6_Minimum,Offer6_UnitFee,UnitsBase,Offer6_Recoupable)');
    expect(cell(sheet, 'B69')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(RevenueBase,Offer1_Rate,Offer1_Advance,Offer1_Minimum,Offer1_UnitFee,UnitsBase,Offer1_Recoupable)');
    expect(sheet.notes.find((x) => x.address === 'G43')?.text).toContain('PARTAGE.PURPOSESHARE');
  });

  test('in the break-even, each slice start and where the share reaches its floor on each slice are candidates', async () => {
    const { sheet, result } = await inserted({ ...tieredInputs(), breakEven: [5, 0] });
    const { first, last } = result.plan.breakEven.candidates;
    // 0; the tiered offer's three slices, twice each; the 10 % share's floor.
    expect(last - first + 1).toBe(8);
    expect(cell(sheet, `A${first + 1}`)?.value).toBe('Tiered: slice 1 starts');
    expect(cell(sheet, `B${first + 1}`)?.formula).toBe('=C29');
    // Rows 96–99: the pair, r, b (fixed) and K (floor); the tiered offer is in column B. Where
    // f(R) + b reaches K on slice 1, kept between the slice's start and the next one's.
    expect(cell(sheet, `B${first + 2}`)?.formula).toBe('=IF(D29>0,MIN(C30,MAX(C29,C29+(B99-B98-PARTAGE.PURPOSESHARE(C29,1,Offer6_Schedule,0,Offer6_Mode))/D29)),C29)');
    // The last slice has no next slice to stop at.
    expect(cell(sheet, `B${first + 6}`)?.formula).toMatch(/^=IF\(D31>0,MAX\(C31,C31\+/);
    // Evaluated: the floor of 1,000 is reached at 12,500 on the 8 % slice; slice 2 starts at 500,000.
    expect(evaluateCell(sheet, `B${first + 2}`)).toBeCloseTo(12500, 9);
    expect(evaluateCell(sheet, `B${first + 4}`)).toBe(500000);
  });

  test('reopening takes over a schedule and a mode edited on the sheet; a damaged schedule keeps the stored one with a warning', async () => {
    const { mock, sheet } = await inserted(tieredInputs());
    sheet.cells.get('D30')!.value = 0.11;
    sheet.cells.get('G25')!.value = 'bracket';
    const found = await readActiveDealSheet(mock.context);
    const expected = tieredInputs();
    expected.offers[5].schedule![1].rate = 0.11;
    expected.offers[5].scheduleMode = 'bracket';
    expect(found).toEqual({ sheetName: 'Deals 1', inputs: expected, warnings: [] });
    sheet.cells.get('C31')!.value = 400000;
    sheet.cells.get('G25')!.value = 'steps';
    const damaged = await readActiveDealSheet(mock.context);
    expect(damaged?.inputs.offers[5]).toEqual(tieredInputs().offers[5]);
    expect(damaged?.warnings).toEqual([
      'Offer6_Schedule (Tiered) is no longer slices from 0 in increasing order with rates from 0 to 100 %: the stored schedule is shown',
      'Offer6_Mode (Tiered) holds "steps", not marginal or bracket: the stored mode is shown',
    ]);
  });
});

describe('reopening and Update', () => {
  test('reopening restores the inputs, with the numbers edited on the sheet taken over', async () => {
    const { mock, sheet } = await inserted(exampleInputs());
    // Excel computes =TRUE to a logical; the mock keeps the formula, which the reader accepts too.
    expect((await readActiveDealSheet(mock.context))?.inputs).toEqual(exampleInputs());
    sheet.cells.get('C8')!.value = 650000;
    sheet.cells.get('B19')!.value = 0.11;
    sheet.cells.get('D21')!.value = false;
    sheet.cells.get('B13')!.value = 0.1;
    sheet.cells.get('G24')!.value = 250000;
    const found = await readDealSheet(mock.context, mock.context.workbook.worksheets.getItem('Deals 1'));
    const expected = exampleInputs();
    expected.revenue.base[1] = 650000;
    expected.offers[0].rate = 0.11;
    expected.offers[2].recoupable = false;
    expected.offers[5].exemption = 250000;
    expected.discountRate = 0.1;
    expect(found).toEqual({ sheetName: 'Deals 1', inputs: expected, warnings: [] });
  });

  test('cells that no longer hold a number keep their stored value, with a warning naming the cell', async () => {
    const { mock, sheet } = await inserted(exampleInputs());
    sheet.cells.get('B9')!.value = 'n/a';
    sheet.cells.get('E19')!.value = 2;
    sheet.cells.get('C21')!.formula = undefined;
    sheet.cells.get('C21')!.value = 'maybe';
    const found = await readActiveDealSheet(mock.context);
    expect(found?.inputs).toEqual(exampleInputs());
    expect(found?.warnings).toEqual([
      'RevenueLow row 3 (2029) holds "n/a", not an amount: its stored value is shown',
      'Offer2_Recoupable holds "maybe", not TRUE or FALSE: the stored value is shown',
      'Offer4_Rate (MG 60k + 8 %) holds 2: its stored value is shown',
    ]);
  });

  test('a sheet without stored inputs is not a deal sheet; damaged ones are reported with the sheet’s name', async () => {
    const empty = createExcelMock(workbookState('Data'));
    await expect(readActiveDealSheet(empty.context)).resolves.toBeUndefined();
    const { mock, sheet } = await inserted(exampleInputs());
    const parts = sheet.customProperties.filter((p) => p.key.startsWith('partage.deals.'));
    parts[0].value = '{"format":"partage.deals","version":1,"inputs":{"title":"x"}}';
    for (const p of parts.slice(1)) p.value = '';
    await expect(readActiveDealSheet(mock.context)).rejects.toThrow(StoredSheetError);
    await expect(readActiveDealSheet(mock.context)).rejects.toThrow('The deal comparison inputs stored with sheet "Deals 1" cannot be read: periods missing');
  });

  test('Update rewrites the sheet in place: one chart, no stale cells or names', async () => {
    const { mock } = await inserted(exampleInputs());
    const smaller: DealInputs = {
      title: 'Two offers',
      periods: ['Y1', 'Y2'],
      revenue: { low: [10, 20], base: [100, 200], high: [1000, 2000] },
      units: { low: [0, 0], base: [0, 0], high: [0, 0] },
      discountRate: 0.05,
      offers: [offer({ name: 'Share', kind: 'share', rate: 0.2 }), offer({ name: 'Fee', kind: 'flat', advance: 30, recoupable: false })],
      breakEven: [0, 1],
    };
    const result = await writeDealSheet(mock.context, smaller, { sheetName: 'Deals 1', sourceNotes: 'notes' });
    expect(result.sheetName).toBe('Deals 1');
    const sheet = getSheet(mock.state, 'Deals 1');
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Deals 1']);
    expect(cell(sheet, 'G19')).toBeUndefined();
    expect(cell(sheet, 'B78')).toBeUndefined();
    expect(sheet.charts.map((c) => [c.name, c.source])).toEqual([[DEAL_CHART_NAME, 'B45:C47']]);
    expect(Object.keys(names(sheet)).sort()).toEqual(
      [
        'Periods',
        'RevenueLow',
        'RevenueBase',
        'RevenueHigh',
        'UnitsLow',
        'UnitsBase',
        'UnitsHigh',
        'DiscountRate',
        'BreakEven',
        'BreakEvenLast',
        'BreakEvenCandidates',
        ...['Rate', 'Advance', 'Recoupable', 'Minimum', 'UnitFee'].flatMap((t) => [`Offer1_${t}`, `Offer2_${t}`]),
      ].sort(),
    );
    expect((await readActiveDealSheet(mock.context))?.inputs).toEqual(smaller);
  });

  test('Update of a sheet that was deleted says so', async () => {
    const mock = createExcelMock(workbookState('Data'));
    await expect(writeDealSheet(mock.context, exampleInputs(), { sheetName: 'Deals 9', sourceNotes: 'notes' })).rejects.toThrow('The sheet "Deals 9" is no longer in the workbook');
  });
});
