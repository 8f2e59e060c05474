/** @jest-environment jsdom */
/*
 * The deal comparison screen against the mock workbook: the catalogue example's preview
 * (LICENCEPAYMENTS through the registry) checked against schedules computed here by hand,
 * the levy shown apart, validation messages naming the offer and the field (or the forecast
 * line), Insert, reopening on the written sheet (with a number edited on it), and Update.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DealScreen } from '../../src/taskpane/deals/DealScreen';
import { parseForecast, parseSchedule, validateDeal, exampleDealDraft, emptyDealDraft, ForecastError } from '../../src/taskpane/deals/dealModel';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { cell, createExcelMock, getSheet, workbookState, type ExcelMock } from './excelMock';


jest.setTimeout(60_000);

function workbookOn(mock: ExcelMock): WorkbookAccess {
  return { available: true, supports: () => true, run: (batch) => batch(mock.context) };
}
const OUTSIDE: WorkbookAccess = { available: false, supports: () => false, run: () => Promise.reject(new Error('no')) };

function renderScreen(workbook: WorkbookAccess) {
  const user = userEvent.setup();
  const view = render(
    <FluentProvider theme={webLightTheme}>
      <DealScreen workbook={workbook} />
    </FluentProvider>,
  );
  return { user, view };
}

// The example's base scenario, by hand: revenue 400k, 600k, 800k, 950k, 1.1M; units 30M…80M.
const BASE_PAYMENTS: Record<string, number[]> = {
  'Revenue share 10 %': [40000, 60000, 80000, 95000, 110000],
  'Flat fee': [250000, 0, 0, 0, 0],
  // Royalties 48k, 72k, 96k, 114k, 132k recoup the 150k advance: 48k + 72k + 30k of the third.
  'Advance + 12 %': [150000, 0, 66000, 114000, 132000],
  // 8 % is 32k, 48k, 64k, 76k, 88k: the 60k minimum binds twice.
  'MG 60k + 8 %': [60000, 60000, 64000, 76000, 88000],
  'Per output': [60000, 90000, 120000, 140000, 160000],
  // 8 % to 500k, 10 % to 1M, 12 % above: 32k; 40k + 10k; 40k + 30k; 40k + 45k; 40k + 50k + 12k.
  'Tiered 8–12 %': [32000, 50000, 70000, 85000, 102000],
};
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const npv8 = (xs: number[]) => xs.reduce((s, x, t) => s + x / 1.08 ** (t + 1), 0);

const rowsOf = (table: HTMLElement) =>
  within(table)
    .getAllByTestId('deal-preview-row')
    .map((row) => ({
      name: within(row).getByTestId('deal-preview-name').textContent,
      base: Number(row.querySelector('[data-testid$="-base"]')?.getAttribute('data-value')),
      low: Number(row.querySelector('[data-testid$="-low"]')?.getAttribute('data-value')),
    }));

describe('the deal comparison screen', () => {
  test('the example: totals and NPV as the hand-computed schedules, the levy apart', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('deals-example'));
    await screen.findByTestId('deals-preview');
    const totals = rowsOf(screen.getByTestId('deals-totals'));
    expect(totals.map((r) => r.name)).toEqual(Object.keys(BASE_PAYMENTS));
    for (const r of totals) expect(r.base).toBeCloseTo(sum(BASE_PAYMENTS[r.name!]), 6);
    // Low: 200k, 300k, 350k, 400k, 400k at 10 %; all in the 8 % slice of the tiered share.
    expect(totals[0].low).toBeCloseTo(165000, 6);
    expect(totals[5].low).toBeCloseTo(0.08 * 1650000, 6);
    const npv = rowsOf(screen.getByTestId('deals-npv'));
    for (const r of npv) expect(r.base).toBeCloseTo(npv8(BASE_PAYMENTS[r.name!]), 6);
    // 2 % of 100k, 300k, 500k, 650k, 800k above the 300k exemption.
    const levy = rowsOf(screen.getByTestId('deals-levy'));
    expect(levy).toEqual([{ name: 'Commons levy 2 %', base: 47000, low: 0.02 * (0 + 0 + 50000 + 100000 + 100000) }]);
    expect(screen.getByTestId('deals-insert-reason').textContent).toBe('Open this pane in Excel to insert the calculation');
  });

  test('validation names the offer and the field', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('deals-example'));
    const rate = screen.getAllByTestId('deal-offer-rate')[0];
    await user.clear(rate);
    await user.type(rate, 'abc');
    expect(await screen.findByText('Offer 1 "Revenue share 10 %", revenue share: expected a rate (12 % or 0.12), got "abc"')).toBeTruthy();
    await user.clear(rate);
    await user.type(rate, '150 %');
    expect(await screen.findByText('Offer 1 "Revenue share 10 %", revenue share: must be at most 100 %, got 150 % (12 % is 0.12)')).toBeTruthy();
    const minimum = screen.getAllByTestId('deal-offer-minimum')[1];
    await user.clear(minimum);
    await user.type(minimum, '-5');
    expect(screen.getByText('Offer 4 "MG 60k + 8 %", minimum per period: must be ≥ 0, got -5')).toBeTruthy();
    expect(screen.queryByTestId('deals-preview')).toBeNull();
  });

  test('model messages: the forecast line, the offer name, the break-even pair', () => {
    expect(() => parseForecast('Year\tLow\tBase\tHigh\n2027\t1\t2\n')).toThrow(new ForecastError('Forecast line 2: expected period, low, base, high (and 1 or 3 units columns), got 3 cells'));
    expect(() => parseForecast('2027 1 2 x')).toThrow('Forecast line 1 (2027), high revenue: expected a number, got "x"');
    expect(() => parseForecast('2027 1 2 3\n2027 1 2 3')).toThrow('Forecast line 2: the period "2027" is listed twice');
    expect(() => parseForecast('2027 1 -2 3')).toThrow('Forecast line 1 (2027), base revenue: must be ≥ 0, got -2');
    expect(() => parseForecast('')).toThrow('Paste the forecast');
    const draft = exampleDealDraft();
    draft.offers[1].name = 'Revenue share 10 %';
    draft.offers[4].unitFee = '';
    draft.breakEven = [draft.offers[0].id, draft.offers[0].id];
    draft.forecastText = '2027 1 2 3';
    draft.offers[4].unitFee = '0.5';
    const v = validateDeal(draft);
    expect(v.inputs).toBeUndefined();
    expect(v.messages).toEqual([
      'Offer 2 "Revenue share 10 %", name: another offer is already called "Revenue share 10 %"',
      'Offer 5 "Per output", fee per output: the forecast has no units: add a units column (outputs or uses per period)',
      'Break-even: choose two different offers',
    ]);
    const flat = emptyDealDraft();
    flat.forecastText = '2027 1 2 3';
    flat.offers[0].rate = '5 %';
    expect(validateDeal(flat).messages).toEqual(['Offer 2 "Offer 2", upfront fee: give an upfront fee, a fee per period, or both']);
  });

  test('Insert writes the sheet; reopening on it edits it, with the numbers edited there; Update rewrites it', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const first = renderScreen(workbookOn(mock));
    await first.user.click(screen.getByTestId('deals-example'));
    await screen.findByTestId('deals-preview');
    await first.user.click(screen.getByTestId('deals-insert'));
    await waitFor(() => expect(screen.getByTestId('deals-status').textContent).toMatch(/^Inserted.*"Deals 1"/));
    const sheet = getSheet(mock.state, 'Deals 1');
    // The tiered share adds its mode (row 25), its schedule (27–31) and royalties by scenario (33–55):
    // the base payments start at row 69.
    expect(cell(sheet, 'B69')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(RevenueBase,Offer1_Rate,Offer1_Advance,Offer1_Minimum,Offer1_UnitFee,UnitsBase,Offer1_Recoupable)');
    expect(cell(sheet, 'G69')?.formula).toBe('=PARTAGE.LICENCEPAYMENTS(Offer6_RoyaltiesBase,1,Offer6_Advance,Offer6_Minimum,Offer6_UnitFee,UnitsBase,Offer6_Recoupable)');
    expect(cell(sheet, 'G43')?.formula).toBe('=PARTAGE.PURPOSESHARE(C7,1,Offer6_Schedule,0,Offer6_Mode)');
    expect(screen.getByTestId('deals-insert').textContent).toBe('Update "Deals 1"');
    first.view.unmount();

    // The rate of the first offer raised to 20 % on the sheet: the reopened pane previews it.
    sheet.cells.get('B19')!.value = 0.2;
    const second = renderScreen(workbookOn(mock));
    await waitFor(() => expect(screen.getByTestId('deals-mode').textContent).toBe('Editing sheet "Deals 1": Update rewrites it in place.'));
    expect((screen.getAllByTestId('deal-offer-rate')[0] as HTMLInputElement).value).toBe('20 %');
    expect((screen.getByTestId('deals-title') as HTMLInputElement).value).toBe('Catalogue licence, 2027–2031');
    await screen.findByTestId('deals-preview');
    expect(rowsOf(screen.getByTestId('deals-totals'))[0].base).toBeCloseTo(0.2 * 3850000, 6);
    expect((screen.getAllByTestId('deal-offer-schedule')[0] as HTMLTextAreaElement).value).toBe('0\t8 %\n500000\t10 %\n1000000\t12 %');
    await second.user.click(screen.getByTestId('deals-insert'));
    await waitFor(() => expect(screen.getByTestId('deals-status').textContent).toMatch(/^Updated/));
    expect(mock.state.sheets.map((s) => s.name)).toEqual(['Data', 'Deals 1']);
    expect(cell(getSheet(mock.state, 'Deals 1'), 'B19')?.value).toBe(0.2);
    expect(getSheet(mock.state, 'Deals 1').charts).toHaveLength(1);
  });

  test('a tiered share: the schedule replaces the rate; a wrong line is named; bracket mode changes the preview', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('deals-example'));
    const first = screen.getAllByTestId('deal-offer')[0];
    await user.click(within(first).getByTestId('deal-offer-tiered'));
    expect(within(first).queryByTestId('deal-offer-rate')).toBeNull();
    const schedule = within(first).getByTestId('deal-offer-schedule') as HTMLTextAreaElement;
    // Started from the offer's own rate.
    expect(schedule.value).toBe('0\t10 %');
    await user.clear(schedule);
    await user.type(schedule, '0 5 %{enter}100000 x');
    expect(await screen.findByText('Offer 1 "Revenue share 10 %", rate schedule: line 2: expected a rate from 0 to 100 % (12 % or 0.12), got "x"')).toBeTruthy();
    await user.clear(schedule);
    await user.type(schedule, '0 5 %{enter}500000 10 %');
    await screen.findByTestId('deals-preview');
    // Marginal: 5 % of each base revenue up to 500k, 10 % above: 20k, 30k + 10k, 25k + 30k, 25k + 45k, 25k + 60k.
    expect(rowsOf(screen.getByTestId('deals-totals'))[0].base).toBeCloseTo(20000 + 35000 + 55000 + 70000 + 85000, 6);
    await user.selectOptions(within(first).getByTestId('deal-offer-schedule-mode'), 'bracket');
    // Bracket: 5 % of 400k, then 10 % of 600k, 800k, 950k, 1.1M.
    await waitFor(() => expect(rowsOf(screen.getByTestId('deals-totals'))[0].base).toBeCloseTo(20000 + 0.1 * 3450000, 6));
  });

  test('schedule lines: a header is skipped; the first slice from 0, increasing, rates to 100 %', () => {
    expect(parseSchedule('From\tRate\n0\t8 %\n500000\t10 %')).toEqual([{ from: 0, rate: 0.08 }, { from: 500000, rate: 0.1 }]);
    expect(parseSchedule('0; 0.05\n1e5; 0.1')).toEqual([{ from: 0, rate: 0.05 }, { from: 100000, rate: 0.1 }]);
    expect(() => parseSchedule('100 5 %')).toThrow('line 1: the first slice must start at 0, got 100');
    expect(() => parseSchedule('0 5 %\n0 6 %')).toThrow('line 2: slices must start at increasing amounts, 0 follows 0');
    expect(() => parseSchedule('0 150 %')).toThrow('line 1: expected a rate from 0 to 100 % (12 % or 0.12), got "150 %"');
    expect(() => parseSchedule('0')).toThrow('line 1: expected "from rate" (500000 10 %), got "0"');
    expect(() => parseSchedule('\n')).toThrow('type one slice per line, "from rate", the first from 0 (0 8 %)');
  });

  test('an offer added, its kind changed to a levy: its fields follow the kind', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('deals-add-offer'));
    const offers = screen.getAllByTestId('deal-offer');
    expect(offers).toHaveLength(3);
    const third = offers[2];
    await user.selectOptions(within(third).getByTestId('deal-offer-kind'), 'levy');
    expect(within(third).getByTestId('deal-offer-exemption')).toBeTruthy();
    expect(within(third).queryByTestId('deal-offer-advance')).toBeNull();
    expect(within(third).getByText('Paid to a commons fund, not to rightholders (seed 001).')).toBeTruthy();
  });
});
