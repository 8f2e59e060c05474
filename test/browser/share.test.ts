/**
 * The Share tab in a real browser (Debian's chromium through playwright-core, harness.ts), at the
 * task pane's width, outside Office: the buttons for the open workbook say why they are off; a
 * saved workbook (the hand-worked one of test/workbook/fixtures.ts, written as Excel writes it)
 * chosen with the file input is verified in the page (ExcelJS, the evaluator and our functions
 * running in chromium); its copy is made and downloaded, and the download is a copy that
 * verifies through its About sheet; and the Scenarios tab outside Excel. Screens are saved to
 * test-output/screenshots/share-*.png and scenarios-*.png.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { verifyWorkbook } from '../../src/workbook/verify';
import { readXlsx, writeXlsx } from '../../src/workbook/xlsxFile';
import { negotiationWorkbook } from '../workbook/fixtures';
import { openPane, PANE_VIEWPORT, removeDir, screenshot, type OpenPane } from './harness';

jest.setTimeout(120_000);

let dir: string | undefined;
let pane: OpenPane;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'partage-share-'));
  writeFileSync(path.join(dir, 'negotiation.xlsx'), await writeXlsx(negotiationWorkbook()));
  pane = await openPane();
  page = pane.page;
}, 600_000);

afterAll(async () => {
  await pane?.close();
  removeDir(dir);
});

afterEach(() => {
  expect(pane.pageErrors.splice(0)).toEqual([]);
});

const testId = (id: string) => page.getByTestId(id);

async function expectFitsThePane(): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PANE_VIEWPORT.width);
}

describe('the Scenarios tab in chromium', () => {
  test('sits between Pools and Share; outside Excel it says where to open it', async () => {
    const tabs = await page.getByRole('tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(tabs.slice(tabs.indexOf('tab-pools'), tabs.indexOf('tab-share') + 1)).toEqual(['tab-pools', 'tab-scenarios', 'tab-share']);
    await testId('tab-scenarios').click();
    await expect(testId('scenarios-reason').textContent()).resolves.toBe('Open this pane in Excel on a press, deal or pool sheet to keep its scenarios.');
    await expectFitsThePane();
    await screenshot(page, 'scenarios-outside-excel');
  });
});

describe('the Share tab in chromium', () => {
  test('sits before Functions; outside Excel the buttons for the open workbook say why they are off', async () => {
    const tabs = await page.getByRole('tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(tabs.indexOf('tab-share')).toBe(tabs.indexOf('tab-functions') - 1);
    await testId('tab-share').click();
    await testId('share-screen').waitFor({ timeout: 30_000 });
    await expect(testId('share-reason').textContent()).resolves.toBe('Open this pane in Excel to copy or verify the open workbook; a saved file can be checked below.');
    await expectFitsThePane();
    await screenshot(page, 'share-empty');
  });

  test('a saved workbook chosen: verified in the page, every figure matching', async () => {
    await testId('share-file-input').setInputFiles(path.join(dir!, 'negotiation.xlsx'));
    await expect(testId('share-file-report-summary').textContent({ timeout: 60_000 })).resolves.toBe('10 figures — 10 match, 0 differ, 0 not checkable.');
    const where = await testId('share-file-report-where').allTextContents();
    expect(where).toEqual(['Press!B4', 'Press!B6', 'Press!B12', 'Press!B13', 'Press!B14', 'Press!B16', 'Deals!B10:B14', 'Deals!C10:C14', 'Deals!D10:D14', 'Shapley!D2:E3']);
    await expectFitsThePane();
    await screenshot(page, 'share-verified');
  });

  test('its copy, downloaded: native formulas, the About sheet, and it verifies', async () => {
    await testId('share-file-copy').click();
    await testId('share-file-copy-made').waitFor({ timeout: 60_000 });
    await expectFitsThePane();
    await screenshot(page, 'share-copy');
    const [download] = await Promise.all([page.waitForEvent('download'), testId('share-file-copy-download').click()]);
    expect(download.suggestedFilename()).toBe('negotiation - for the other side.xlsx');
    const saved = path.join(dir!, 'copy.xlsx');
    await download.saveAs(saved);
    const copy = await readXlsx(readFileSync(saved));
    expect(copy.sheets.map((s) => s.name)).toEqual(['Press', 'Deals', 'Shapley', 'About these figures']);
    expect(copy.sheets[1].cells.get('C10')?.formula).toBe('=MAX(0.08*INDEX(RevenueBase,1),60000)');
    const report = await verifyWorkbook(copy);
    expect(report).toMatchObject({ kind: 'copy', allMatch: true });
  });
});
