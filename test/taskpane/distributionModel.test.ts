/*
 * The distribution screen's model and the distribution sheet it writes. Payout expectations
 * are worked out by hand (largest remainder: 1000 / 3 → 333.34, 333.33, 333.33) or checked by
 * their defining property (the payouts sum to the amount to the cent).
 */
import fc from 'fast-check';
import { matchShapleyShares, playerKey, previewPayouts, readHolders } from '../../src/taskpane/distribution/distributionModel';
import { planDistribution, writeDistributionSheet, type DistributionSpec } from '../../src/taskpane/excel/distributionSheet';
import { cell, createExcelMock, getSheet, nameTarget, workbookState } from './excelMock';

describe('readHolders', () => {
  test('reads [holder, count, weight] rows below a header', () => {
    const holders = readHolders(
      [
        ['Holder', 'Works', 'Weight'],
        [' Le Temps ', 120, 1.5],
        ['NZZ', 300, 1],
        ['', '', ''],
      ],
      true,
    );
    expect(holders).toEqual({
      hasWeights: true,
      issues: [],
      rows: [
        { name: 'Le Temps', count: 120, weight: 1.5 },
        { name: 'NZZ', count: 300, weight: 1 },
        { name: '', count: null, weight: null },
      ],
    });
  });

  test('names the row of every problem', () => {
    const holders = readHolders(
      [
        ['A', 'ten'],
        ['', 5],
        ['C', -1],
      ],
      false,
    );
    expect(holders.hasWeights).toBe(false);
    expect(holders.issues).toEqual([
      'Holder row 1 (A): count must be a number ≥ 0',
      'Holder row 2: the holder has no name',
      'Holder row 3 (C): count must be a number ≥ 0',
    ]);
    expect(readHolders([['A', 1, 2, 3]], false).issues).toEqual(['Holders: expected 2 or 3 columns (holder, count, optional weight), got 4']);
    expect(readHolders([['Holder', 'Count']], true).issues).toEqual(['Holders: the range has no holder rows']);
  });
});

describe('previewPayouts', () => {
  test('1000.00 among three equal holders: 333.34, 333.33, 333.33 (the leftover cent to the first)', () => {
    const holders = readHolders([['A', 1], ['B', 1], ['', ''], ['C', 1]], false);
    const { preview } = previewPayouts(holders, { amount: 1000, minimumPayout: 0, decimals: 2 });
    expect(preview?.payouts).toEqual([333.34, 333.33, null, 333.33]);
    expect(preview?.total).toBe(1000);
  });

  test('weights multiply counts; a minimum payout drops the smallest and the others share its part', () => {
    // Claims 100×1, 50×2, 10×1 → 100, 100, 10 of 210; with a minimum of 100, C (47.62) is
    // dropped and A and B split 1000 equally.
    const holders = readHolders([['A', 100, 1], ['B', 50, 2], ['C', 10, 1]], false);
    expect(previewPayouts(holders, { amount: 1000, minimumPayout: 0, decimals: 2 }).preview?.payouts).toEqual([476.19, 476.19, 47.62]);
    const dropped = previewPayouts(holders, { amount: 1000, minimumPayout: 100, decimals: 2 }).preview;
    expect(dropped?.payouts).toEqual([500, 500, 0]);
    expect(dropped?.kept).toEqual([true, true, false]);
  });

  test('sums to the amount to the cent, whatever the counts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        (cents, counts) => {
          const holders = readHolders(counts.map((c, i) => [`H${i}`, c]), false);
          const { preview } = previewPayouts(holders, { amount: cents / 100, minimumPayout: 0, decimals: 2 });
          const paid = (preview?.payouts ?? []).reduce<number>((sum, p) => sum + Math.round((p ?? 0) * 100), 0);
          return paid === cents;
        },
      ),
    );
  });

  test('reports the engine’s refusal in words', () => {
    const holders = readHolders([['A', 1], ['B', 1]], false);
    expect(previewPayouts(holders, { amount: 10, minimumPayout: 20, decimals: 2 }).error).toBe(
      'minimumPayout: no holder reaches the minimum payout: the largest pro-rata payout would be 5',
    );
    expect(previewPayouts(readHolders([['A', 0], ['B', 0]], false), { amount: 10, minimumPayout: 0, decimals: 2 }).error).toBe(
      'counts: every holder has a count × weight of 0: there is nothing to share pro rata',
    );
  });
});

describe('matching holders to Shapley players', () => {
  test('is trimmed and case-insensitive, like MATCH(TRIM(…)) in the sheet', () => {
    expect(playerKey('  Le   Temps ')).toBe('le temps');
    const holders = readHolders([['le temps', 1], ['NZZ ', 1], ['Ringier', 1]], false).rows;
    expect(matchShapleyShares(holders, ['Le Temps', 'nzz', 'Tamedia'], [0.1, 0.3, 0.6])).toEqual([0.1, 0.3, null]);
  });
});

describe('the distribution sheet', () => {
  const spec = (overrides: Partial<DistributionSpec> = {}): DistributionSpec => ({
    holdersAddress: "'Holders'!A2:C4",
    hasWeights: true,
    amount: { kind: 'press', sheetName: 'Press 1' },
    currency: 'CHF',
    minimumPayout: 50,
    decimals: 2,
    shapleyTable: 'partageShapley2',
    ...overrides,
  });

  test('writes PAYTOTRAIN as one live formula on the holders range, with names for its inputs', async () => {
    const mock = createExcelMock(workbookState('Holders'));
    const { sheetName } = await writeDistributionSheet(mock.context, spec());
    expect(sheetName).toBe('Distribution 1');
    const sheet = getSheet(mock.state, sheetName);
    expect(mock.state.active).toBe(sheet);
    expect(Object.fromEntries(sheet.names.map((n) => [n.name, n.reference]))).toEqual({
      Holders: "='Holders'!$A$2:$A$4",
      Counts: "='Holders'!$B$2:$B$4",
      Weights: "='Holders'!$C$2:$C$4",
      Amount: "='Distribution 1'!$B$4",
      MinimumPayout: "='Distribution 1'!$B$5",
      Decimals: "='Distribution 1'!$B$6",
    });
    expect(cell(sheet, 'B4')).toMatchObject({ formula: "='Press 1'!AmountToCulture", numberFormat: '"CHF "#,##0.00;-"CHF "#,##0.00' });
    expect(cell(sheet, 'B5')?.value).toBe(50);
    expect(cell(sheet, 'B6')).toMatchObject({ value: 2, numberFormat: '0' });
    expect(['A8', 'B8', 'C8', 'D8', 'E8', 'F8', 'G8'].map((a) => cell(sheet, a)?.value)).toEqual([
      'Holder',
      'Count',
      'Weight',
      'Pay-to-train payout',
      'Shapley share',
      'Shapley-based amount',
      'Difference',
    ]);
    expect(cell(sheet, 'A9')?.formula).toBe(`='Holders'!$A$2&""`);
    expect(cell(sheet, 'B10')?.formula).toBe(`='Holders'!$B$3`);
    expect(cell(sheet, 'C11')?.formula).toBe(`='Holders'!$C$4`);
    expect(cell(sheet, 'D9')).toMatchObject({
      formula: '=PARTAGE.PAYTOTRAIN(Amount,Counts,Weights,MinimumPayout,Decimals)',
      numberFormat: '"CHF "#,##0.00;-"CHF "#,##0.00',
    });
    // The formula spills: the cells below it hold only their format.
    expect(cell(sheet, 'D10')).toEqual({ value: '', numberFormat: '"CHF "#,##0.00;-"CHF "#,##0.00', format: {} });
    expect(cell(sheet, 'D12')?.formula).toBe('=SUM(D9:D11)');
    // The provenance of the figures, in notes (prompts where Excel has no notes).
    expect(sheet.notes.map((n) => n.address)).toEqual(['D9', 'F9']);
    expect(sheet.notes[0].text).toMatch(/^PARTAGE\.PAYTOTRAIN: the amount pro rata to count × weight, .* Engine \d+\.\d+\.\d+\.$/);
    expect(sheet.notes[1].text).toBe("Each holder's share in partageShapley2 (its seed, method, backend and engine version are beside that table) × the amount: Excel arithmetic.");
    const prompted = createExcelMock(workbookState('Holders'));
    await writeDistributionSheet(prompted.context, spec(), 'prompts');
    const promptedSheet = getSheet(prompted.state, 'Distribution 1');
    expect(promptedSheet.notes).toEqual([]);
    expect(cell(promptedSheet, 'D9')?.prompt).toMatchObject({ showPrompt: true, title: 'Source' });
  });

  test('compares with the Shapley-based share of the latest batch table, by structured references', async () => {
    const mock = createExcelMock(workbookState('Holders'));
    await writeDistributionSheet(mock.context, spec());
    const sheet = getSheet(mock.state, 'Distribution 1');
    expect(cell(sheet, 'E9')).toMatchObject({
      formula: '=IFERROR(INDEX(partageShapley2[Share],MATCH(TRIM(A9),TRIM(partageShapley2[Player]),0)),"")',
      numberFormat: '0.00%',
    });
    expect(cell(sheet, 'F10')?.formula).toBe('=IF(E10="","",E10*Amount)');
    expect(cell(sheet, 'G11')?.formula).toBe('=IF(F11="","",F11-D11)');
    expect(cell(sheet, 'E12')?.formula).toBe('=SUM(E9:E11)');
    expect(cell(sheet, 'A14')?.formula).toBe(
      '=COUNT(E9:E11)&" of "&ROWS(Holders)&" holders found in partageShapley2; a Shapley share is of the whole game, so those of the holders found need not sum to 100 %."',
    );
  });

  test('without weights or a Shapley table: two input columns, no comparison, an amount typed in', async () => {
    const mock = createExcelMock(workbookState('Holders'));
    await writeDistributionSheet(mock.context, spec({ holdersAddress: "'Holders'!B5:C9", hasWeights: false, shapleyTable: undefined, amount: { kind: 'value', value: 154e6 } }));
    const sheet = getSheet(mock.state, 'Distribution 1');
    expect(cell(sheet, 'B4')?.value).toBe(154e6);
    expect(['A8', 'B8', 'C8', 'D8'].map((a) => cell(sheet, a)?.value)).toEqual(['Holder', 'Count', 'Pay-to-train payout', undefined]);
    expect(cell(sheet, 'C9')?.formula).toBe('=PARTAGE.PAYTOTRAIN(Amount,Counts,,MinimumPayout,Decimals)');
    expect(nameTarget(sheet, 'Weights')).toBeUndefined();
    expect(nameTarget(sheet, 'Counts')).toEqual({ sheet: 'Holders', address: 'C5:C9' });
  });

  test('refuses a holders address without a sheet or with the wrong width', () => {
    expect(() => planDistribution(spec({ holdersAddress: 'A2:C4' }))).toThrow("holdersAddress: expected a sheet-qualified range such as 'Holders'!A2:C10");
    expect(() => planDistribution(spec({ holdersAddress: "'Holders'!A2:B4" }))).toThrow('holdersAddress: expected 3 columns (holder, count, weight), got 2');
  });
});
