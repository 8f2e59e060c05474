/**
 * The Deals tab in a real browser (Debian's chromium through playwright-core, harness.ts), at
 * the task pane's width, outside Office: the empty screen, the catalogue example with its
 * preview (totals checked against schedules computed by hand), the commons levy apart, a
 * validation message naming the offer and the field, and nothing wider than the pane.
 * Screens are saved to test-output/screenshots/deal-comparison-*.png.
 */
import type { Page } from 'playwright-core';
import { openPane, PANE_VIEWPORT, screenshot, type OpenPane } from './harness';

jest.setTimeout(120_000);

let pane: OpenPane;
let page: Page;

beforeAll(async () => {
  pane = await openPane();
  page = pane.page;
}, 600_000);

afterAll(async () => {
  await pane?.close();
});

afterEach(() => {
  expect(pane.pageErrors.splice(0)).toEqual([]);
});

const testId = (id: string) => page.getByTestId(id);

/**
 * Nothing may be wider than the pane (a horizontal scroll bar on the whole page), and no field of
 * an offer may stick out of its card (the card clips it: the page would not scroll).
 */
async function expectFitsThePane(): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PANE_VIEWPORT.width);
  const overflowing = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="deal-offer"]')].flatMap((card) => {
      const right = card.getBoundingClientRect().right;
      return [...card.querySelectorAll('input, select, textarea')].filter((c) => c.getBoundingClientRect().right > right + 0.5).map((c) => c.getAttribute('data-testid'));
    }),
  );
  expect(overflowing).toEqual([]);
}

describe('the Deals tab in chromium', () => {
  test('the tab sits after Multi-stage, before Functions, and opens the empty comparison', async () => {
    const tabs = await page.getByRole('tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    // Other tabs (Pools, Share) may sit between Deals and Functions.
    expect(tabs.indexOf('tab-deals')).toBeGreaterThan(tabs.indexOf('tab-multistage'));
    expect(tabs.indexOf('tab-deals')).toBeLessThan(tabs.indexOf('tab-functions'));
    await testId('tab-deals').click();
    await testId('deals-screen').waitFor({ timeout: 30_000 });
    await expectFitsThePane();
    await screenshot(page, 'deal-comparison-empty');
  });

  test('the catalogue example: totals as computed by hand, the levy apart', async () => {
    await testId('deals-example').click();
    await testId('deals-preview').waitFor({ timeout: 30_000 });
    const totals = await testId('deals-totals').locator('[data-testid="deal-total-base"]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    // Base revenue 400k, 600k, 800k, 950k, 1.1M (3.85M): 10 %; the 250k fee; 12 % = 462k once the
    // 150k advance is recouped; 8 % with the 60k minimum binding in the first two years; 0.002 × 285M units;
    // the tiered share: 8 % to 500k, 10 % to 1M, 12 % above: 32k + 50k + 70k + 85k + 102k.
    expect(totals).toEqual([385000, 250000, 462000, 348000, 570000, 339000]);
    await expect(testId('deal-offer-schedule').count()).resolves.toBe(1);
    const levy = await testId('deals-levy').locator('[data-testid="deal-total-base"]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    expect(levy).toEqual([47000]);
    await expect(testId('deals-insert-reason').textContent()).resolves.toBe('Open this pane in Excel to insert the calculation');
    await expectFitsThePane();
    await screenshot(page, 'deal-comparison-example');
    await testId('deals-preview').scrollIntoViewIfNeeded();
    await screenshot(page, 'deal-comparison-preview');
  });

  test('a wrong rate: the message names the offer and the field, and the preview goes', async () => {
    const rate = testId('deal-offer-rate').first();
    await rate.fill('abc');
    const message = page.locator('.fui-Field', { has: rate }).locator('.fui-Field__validationMessage');
    await expect(message.textContent()).resolves.toBe('Offer 1 "Revenue share 10 %", revenue share: expected a rate (12 % or 0.12), got "abc"');
    await expect(testId('deals-preview').count()).resolves.toBe(0);
    await rate.scrollIntoViewIfNeeded();
    await screenshot(page, 'deal-comparison-error');
    await rate.fill('10 %');
    await testId('deals-preview').waitFor({ timeout: 30_000 });
  });
});
