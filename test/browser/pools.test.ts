/**
 * The Pools tab in a real browser (Debian's chromium through playwright-core), built for
 * production and served over https at the task pane's width, outside Office and offline: the
 * worked example's three models and winners and losers against the hand computation of the
 * README log, a validation message naming the line, the layout at 350 px (nothing wider than the
 * pane), and screenshots test-output/screenshots/pool-distribution-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openPane, PANE_VIEWPORT, screenshot, SCREENSHOTS, type OpenPane } from './harness';

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
const fieldError = (id: string) => page.locator('.fui-Field', { has: testId(id) }).locator('.fui-Field__validationMessage');
const numbers = async (id: string) => (await testId(id).evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))) as number[];

/** Elements wider than the pane, or reaching past its right edge (a layout that does not fit 350 px). */
async function overflowing(): Promise<string[]> {
  return page.evaluate((width) => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`page scrollWidth ${document.documentElement.scrollWidth}`);
    const panel = document.querySelector('[data-testid="panel-pools"]');
    for (const el of Array.from(panel?.querySelectorAll('*') ?? [])) {
      // Tables sit in their own horizontal scroller; what is inside it may be wider.
      if (el.closest('[data-pools-scroll]') !== null && !el.hasAttribute('data-pools-scroll')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) out.push(`${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''} right ${Math.round(r.right)}`);
    }
    return out.slice(0, 10);
  }, PANE_VIEWPORT.width);
}

test('the Pools tab: empty form, then the worked example with its three models', async () => {
  await testId('tab-pools').click();
  await testId('panel-pools').waitFor({ state: 'visible' });
  await testId('pools-screen').waitFor();
  await screenshot(page, 'pool-distribution-empty');
  await expect(overflowing()).resolves.toEqual([]);

  await testId('pools-example').click();
  await testId('pools-preview').waitFor();
  // By hand (README log, pool 100, threshold {5, 2}): market 100 × 7/19, 100 × 12/19, C out;
  // user 100/3 per user: A 100/3 × (6/8 + 1), B 100/3 × (2/8 + 1); artist 18 : 24 : 2 of 44.
  await expect(numbers('pools-amount-market')).resolves.toEqual([36.84, 63.16, 0]);
  await expect(numbers('pools-amount-user')).resolves.toEqual([58.33, 41.67, 0]);
  await expect(numbers('pools-amount-artist')).resolves.toEqual([40.91, 54.55, 4.54]);
  await expect(numbers('pools-change-user')).resolves.toEqual([21.49, -21.49, 0]);
  await expect(numbers('pools-change-artist')).resolves.toEqual([4.07, -8.61, 4.54]);
  await expect(testId('pools-extremes-artist').textContent()).resolves.toBe('Artist-centric: C gains most (+4.54); B loses most (−8.61).');
  await expect(testId('pools-insert-reason').textContent()).resolves.toBe('Open this pane in Excel to insert the calculation');
  await screenshot(page, 'pool-distribution-example');
  await expect(overflowing()).resolves.toEqual([]);
  await testId('pools-extremes').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'pool-distribution-winners.png'), animations: 'disabled' });
});

test('a bad row of the log is named by its line; a cap of 0 on its field', async () => {
  await testId('pools-usage').fill('User\tHolder\tPlays\tActive\nU1\tA\t6\t2\nU2\tB\t3\t5');
  await expect(fieldError('pools-usage').textContent()).resolves.toBe(
    '#VALUE! Usage log, line 3, column 4 (active plays): activePlays 5 exceeds plays 3: active plays are some of the plays',
  );
  await expect(testId('pools-preview').count()).resolves.toBe(0);
  await screenshot(page, 'pool-distribution-log-error');
  await testId('pools-usage').fill('U1\tA\t6\t2\nU2\tB\t3\t0');
  await testId('pools-user-cap').fill('0');
  await expect(fieldError('pools-user-cap').textContent()).resolves.toBe('#NUM! userCap: expected a number of plays > 0, got 0');
  await screenshot(page, 'pool-distribution-error');
  await expect(overflowing()).resolves.toEqual([]);
});
