/*
 * What "Insert sheet" writes for a deal comparison, and reading it back ("reopening"), against
 * the office-addin-mock workbook of excelMock.ts. Formula texts, names, formats, notes, the chart
 * and the stored inputs are written out here by hand from the layout the sheet promises: the
 * forecast from row 7 (5 periods: rows 7–11), the discount rate two rows below (13), the offers'
 * terms from row 15 (header 16, terms 17–24), then one block per scenario (section, header,
 * 5 periods, total, NPV, a blank row): low 26–34, base 36–44, high 46–54; cumulative 56–62;
 * break-even 64–78; the chart from row 80.
 */
import { ENGINE_VERSION } from '../../src/engine/version';
import { DEAL_CHART_NAME, DEAL_STORE, readActiveDealSheet, readDealSheet, writeDealSheet } from '../../src/taskpane/excel/dealSheet';
import type { DealInputs } from '../../src/taskpane/deals/dealModel';
import { StoredSheetError } from '../../src/taskpane/excel/sheetStore';
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
      BreakEven: `=${S}$B$76`,
      BreakEvenLast: `=${S}$B$77`,
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
    expect(chart).toMatchObject({ name: DEAL_CHART_NAME, type: 'Line', source: 'B57:G62', seriesBy: 'Columns', title: 'Cumulative payments, base scenario', position: ['A80', 'G98'] });
    expect(chart.series.map((s) => s.xAxisValues)).toEqual(['A58:A62', 'A58:A62', 'A58:A62', 'A58:A62', 'A58:A62', 'A58:A62']);
    expect(chart.legend.position).toBe('Bottom');
  });

  test('the break-even cells of offers 1 and 2, in Excel arithmetic', async () => {
    const { sheet } = await inserted(exampleInputs());
    const formulas = Object.fromEntries(
      ['B65', 'C65', 'B66', 'C66', 'B67', 'C67', 'B68', 'C68', 'B69', 'B70', 'B71', 'B72', 'B73', 'B74', 'B75', 'B76', 'B77'].map((a) => [a, cell(sheet, a)?.formula]),
    );
    expect(formulas).toEqual({
      B65: '=B16',
      C65: '=C16',
      B66: '=Offer1_Rate',
      C66: '=Offer2_Rate',
      B67: '=Offer1_UnitFee*F7+IF(Offer1_Recoupable,0,Offer1_Advance)',
      C67: '=Offer2_UnitFee*F7+IF(Offer2_Recoupable,0,Offer2_Advance)',
      B68: '=Offer1_Advance+Offer1_Minimum',
      C68: '=Offer2_Advance+Offer2_Minimum',
      B69: '=IF(B66>0,MAX(0,(B68-B67)/B66),0)',
      B70: '=MIN(B69,C69)',
      B71: '=MAX(B69,C69)',
      B72: '=MAX(B66*0+B67,B68)-MAX(C66*0+C67,C68)',
      B73: '=MAX(B66*B70+B67,B68)-MAX(C66*B70+C67,C68)',
      B74: '=MAX(B66*B71+B67,B68)-MAX(C66*B71+C67,C68)',
      B75: '=B66-C66',
      B76: '=IF(B72=0,0,IF(B72*B73<0,B70*B72/(B72-B73),IF(B73=0,B70,IF(B73*B74<0,B70+(B71-B70)*B73/(B73-B74),IF(B74=0,B71,IF(B74*B75<0,B71-B74/B75,"never"))))))',
      B77: '=IF(AND(B74=0,B75=0),"unbounded",IF(B74*B75<0,B71-B74/B75,IF(AND(B74=0,B75<>0),B71,IF(B73*B74<0,B70+(B71-B70)*B73/(B73-B74),IF(AND(B73=0,B74<>0),B70,IF(B72*B73<0,B70*B72/(B72-B73),IF(B72=0,0,"never")))))))',
    });
    expect(cell(sheet, 'B76')).toMatchObject({ numberFormat: '#,##0.00', format: { 'font.bold': true } });
    expect(cell(sheet, 'B78')?.formula).toMatch(/^=IF\(ISNUMBER\(B76\),B65&" and "&C65&" pay the same at a first-period revenue of "&TEXT\(B76,"#,##0.00"\)/);
  });

  test('a levy in the break-even: its fixed part is minus rate × exemption, its floor 0', async () => {
    const inputs = { ...exampleInputs(), breakEven: [5, 0] as [number, number] };
    const { sheet } = await inserted(inputs);
    expect(['B65', 'B66', 'B67', 'C67'].map((a) => cell(sheet, a)?.formula)).toEqual(['=G16', '=Offer6_Rate', '=-Offer6_Rate*Offer6_Exemption', '=Offer1_UnitFee*F7+IF(Offer1_Recoupable,0,Offer1_Advance)']);
    expect(cell(sheet, 'B68')?.value).toBe(0);
  });

  test('notes on each base payment column and on the break-even, or prompts without notes', async () => {
    const { sheet } = await inserted(exampleInputs());
    expect(sheet.notes.map((n) => n.address).sort()).toEqual(['B38', 'B76', 'C38', 'D38', 'E38', 'F38', 'G38']);
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
    expect(cell(sheet, 'B76')).toBeUndefined();
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
