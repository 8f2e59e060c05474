/**
 * The task pane in a real browser (Debian's chromium through playwright-core), built for
 * production and served over https at the task pane's width, outside Office and offline, against
 * a real companion (https, the same development certificate) started by the test:
 *
 *   the screens · the Companion tab before any companion runs · pairing (wrong address, wrong
 *   code, the printed code) · a sampled table job on the companion with its progress, its numbers
 *   checked against the engine run here with the same seed · cancelling a long job · reopening the
 *   pane while a job runs · the companion stopped (the message, the command, the offline offer) ·
 *   jobs in the pane's web worker, checked against brute force and the engine · the nucleolus in
 *   the web worker (HiGHS loaded there), against the Talmud's published division · reconnection ·
 *   similarity attribution from uploaded embedding files.
 *
 * Every screen is saved to test-output/screenshots/<name>.png.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { bruteForceOwenExact, bruteForceShapley, bruteForceShapleyExact } from '../helpers/bruteForce';
import { nearestDouble } from '../helpers/rational';
import { launchBrowser, sharedPaneBuild, makeCertificate, paneContext, removeDir, screenshot, serveStatic, type Certificate, type StaticServer } from './harness';
import { tableGame } from '../../src/engine/games/table';
import { permutationShapley } from '../../src/engine/shapley/sampling';
import { ENGINE_VERSION } from '../../src/engine/version';
import { DEFAULT_COMPANION_URL } from '../../src/taskpane/companion/companionApi';

jest.setTimeout(120_000);

let dist: string | undefined;
let certDir: string | undefined;
let certificate: Certificate;
let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let companion: TestCompanion | undefined;
/** The job interrupted by stopping the companion, resumed once it is back. */
let interruptedId: string | undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), 'partage-browser-'));
/** Uncaught exceptions and console errors of the page: any one fails the test it happened in. */
const pageErrors: string[] = [];
/**
 * Requests that fail on purpose (the pane looking for a companion that is not running, a wrong
 * address, a wrong code): Chromium logs each as a console error "Failed to load resource". The
 * test that sets up such a failure declares it here, with the URL and the status, and takes it
 * back when the failure ends; any other console error fails the test.
 */
const provoked = new Map<string, { url: string; status: RegExp }>();
/** The console errors let through as provoked, to show that the listener sees them at all. */
const letThrough: string[] = [];

function expectFailedRequests(key: string, url: string, status: RegExp): void {
  provoked.set(key, { url, status });
}

function isProvoked(text: string, url: string): boolean {
  return /^Failed to load resource: /.test(text) && [...provoked.values()].some((p) => url.startsWith(p.url) && p.status.test(text));
}

async function startCompanion(port = 0): Promise<TestCompanion> {
  return startTestCompanion({ http: false, certificate, origins: [server.origin], threads: 2, port }, dataDir);
}

beforeAll(async () => {
  dist = sharedPaneBuild();
  certDir = mkdtempSync(path.join(tmpdir(), 'partage-cert-'));
  certificate = await makeCertificate(certDir);
  server = await serveStatic(dist, certificate);
  browser = await launchBrowser();
  context = await paneContext(browser);
  page = await context.newPage();
  // Until it is paired, the pane looks for a companion at the default address, where none runs.
  expectFailedRequests('no companion yet', DEFAULT_COMPANION_URL, /net::ERR_CONNECTION_REFUSED/);
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (isProvoked(message.text(), url)) letThrough.push(`${message.text()} (${url})`);
    else pageErrors.push(`console error: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  await page.goto(`${server.origin}/taskpane.html`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopTestCompanion(companion, false);
  await server?.close();
  removeDir(certDir);
  removeDir(dataDir);
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

const testId = (id: string) => page.getByTestId(id);

/** The error message of the Fluent field around the control `id`. */
const fieldError = (id: string) => page.locator('.fui-Field', { has: testId(id) }).locator('.fui-Field__validationMessage');

/** The job as the companion knows it (asked in process: node's fetch does not trust the test CA). */
function companionJob(id: string) {
  const job = companion!.companion.runner.status(id, { input: false });
  if (!job) throw new Error(`the companion has no job ${id}`);
  return job;
}

async function openTab(name: string): Promise<void> {
  await testId(`tab-${name}`).click();
  await page.getByTestId(`panel-${name}`).waitFor({ state: 'visible' });
}

/** v(S) = 10·√(Σ_{i∈S} w_i): not additive, so the Shapley values are not the weights' shares. */
function sqrtTable(weights: readonly number[]): Float64Array {
  const n = weights.length;
  const values = new Float64Array(1 << n);
  for (let mask = 0; mask < 1 << n; mask++) {
    let total = 0;
    for (let i = 0; i < n; i++) if ((mask >> i) & 1) total += weights[i];
    values[mask] = Math.round(Math.sqrt(total) * 10_000) / 1_000;
  }
  return values;
}

/** The table as Excel would copy it: one "A,C<TAB>value" line per coalition. */
function tableText(names: readonly string[], values: Float64Array): string {
  const lines: string[] = [];
  for (let mask = 0; mask < values.length; mask++) {
    const members = names.filter((_, i) => (mask >> i) & 1);
    lines.push(`${members.join(',')}\t${values[mask]}`);
  }
  return lines.join('\n');
}

async function paste(text: string): Promise<void> {
  await testId('cells-input').fill(text);
}

type JobCard = ReturnType<Page['locator']>;

/** Presses Run and returns the card of the job it added (jobs are listed newest first). */
async function runJob(): Promise<JobCard> {
  // The list may be cut to the recent jobs, so a new job shows as a new first card, not one more.
  const before = await page.evaluate(() => document.querySelector('[data-testid=job]')?.getAttribute('data-job-id') ?? null);
  await testId('run-job').click();
  await page.waitForFunction((previous) => (document.querySelector('[data-testid=job]')?.getAttribute('data-job-id') ?? null) !== previous, before);
  const id = await testId('job').first().getAttribute('data-job-id');
  return page.locator(`[data-job-id="${id}"]`);
}

async function waitForState(job: JobCard, state: string, timeout = 60_000): Promise<void> {
  const id = await job.getAttribute('data-job-id');
  try {
    await page.waitForFunction(([jobId, wanted]) => document.querySelector(`[data-job-id="${jobId}"]`)?.getAttribute('data-state') === wanted, [id, state] as const, { timeout });
  } catch (error) {
    // Say where the job is instead: its card's state and text.
    const card = await job.evaluate((e) => `${e.getAttribute('data-state')}: ${e.textContent}`).catch(() => 'no card');
    throw new Error(`job ${id} did not become ${state} within ${timeout} ms (${card})`, { cause: error });
  }
}

async function shownResults(): Promise<{ players: string[]; values: string[]; errors: string[] }> {
  const results = testId('results');
  await results.waitFor();
  return {
    players: await results.getByTestId('result-player').allTextContents(),
    values: await results.getByTestId('result-value').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value') ?? '')),
    errors: await results.getByTestId('result-se').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value') ?? '')),
  };
}

const NAMES = ['Le Monde', 'Ringier', 'Tamedia', 'NZZ', 'CH Media', 'ESH', 'Keystone', 'RTS'];
const WEIGHTS = [9, 7, 6, 4, 3, 2, 1, 1];

describe('the task pane in chromium', () => {
  test('opens on the function reference; every tab shows its screen', async () => {
    await testId('tabs').waitFor();
    // Fluent v9 radios, checkboxes, inputs and text areas carry data-testid on the native control.
    const tabs = await page.getByRole('tab').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-testid')));
    expect(tabs).toEqual(['tab-companion', 'tab-press', 'tab-batch', 'tab-distribution', 'tab-compare', 'tab-multistage', 'tab-deals', 'tab-pools', 'tab-scenarios', 'tab-share', 'tab-functions']);
    for (const name of ['Companion', 'Press', 'Batch runner', 'Distribution', 'Compare methods', 'Multi-stage', 'Deals', 'Pools', 'Scenarios', 'Share', 'Functions']) {
      await expect(page.getByRole('tab', { name, exact: true }).count()).resolves.toBe(1);
    }
    await expect(page.getByRole('tab', { name: 'Functions' }).getAttribute('aria-selected')).resolves.toBe('true');
    await screenshot(page, 'functions');
    await openTab('press');
    await testId('press-wizard').waitFor();
    await screenshot(page, 'press');
    await openTab('distribution');
    await screenshot(page, 'distribution');
    // Keyboard: arrows move between tabs, as in Excel's own panes.
    await page.getByRole('tab', { name: 'Share' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tab', { name: 'Functions' }).getAttribute('aria-selected')).resolves.toBe('true');
  });

  test('the press wizard walks the report’s example step by step with its running figure', async () => {
    await openTab('press');
    await testId('press-example').click();
    const titles: string[] = [];
    const figures: string[] = [];
    for (let step = 1; step <= 5; step++) {
      titles.push((await testId('press-step-title').textContent()) ?? '');
      figures.push((await testId('running-figure-value').textContent()) ?? '');
      await screenshot(page, `press-step-${step}`);
      if (step < 5) await testId('press-next').click();
    }
    expect(titles.map((t) => t.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/Revenue lines/),
      expect.stringMatching(/linked/i),
      expect.stringMatching(/ounterfactual/),
      expect.stringMatching(/Split/),
      expect.stringMatching(/Review/),
    ]);
    // Worked out from the report's figures (DESIGN §1), not read from the pane's own model:
    // CHF 1 bn; × 55 % = 550 M; × 70 % = 385 M (the report misprints 345); × 40 % = 154 M.
    expect(figures[0]).toBe('CHF 1,000,000,000.00');
    const millions = figures.map((f) => Number(f.replace(/[^\d.]/g, '')) / 1e6);
    expect(millions.slice(0, 4)).toEqual([1000, 550, 385, 154]);
    expect(millions[4]).toBe(154);
    // Outside Excel the sheet cannot be written, and the pane says so next to the button.
    await expect(testId('press-insert').isDisabled()).resolves.toBe(true);
    await expect(testId('press-insert-reason').textContent()).resolves.toMatch(/Excel/);
  });

  test('outside Office the functions bundle loads cleanly and would register every function', async () => {
    // The stand-in for CustomFunctions (src/taskpane/customFunctionsShim.ts) records the ids the
    // loader's appended associate calls gave it: every function of functions.json, so the bundle
    // ran to its end.
    const ids = await page.evaluate(() => (globalThis as unknown as { CustomFunctions?: { registeredIds?: string[] } }).CustomFunctions?.registeredIds ?? null);
    const metadata = JSON.parse(readFileSync(path.join(dist!, 'functions.json'), 'utf8')) as { functions: Array<{ id: string }> };
    expect([...(ids ?? [])].sort()).toEqual(metadata.functions.map((f) => f.id).sort());
  });

  test('compare methods: the Box 3 sample, every method with its core check, the unions validated', async () => {
    await openTab('compare');
    await testId('compare-screen').waitFor();
    await screenshot(page, 'compare-methods-empty');
    await testId('compare-example').click();
    await testId('compare-preview').waitFor();
    await screenshot(page, 'compare-methods-box3');
    const values = async (method: string) => (await testId(`compare-value-${method}`).evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))) as number[];
    // Box 3 of the report: v(A) = 50, v(B) = 40, v(C) = 30, v(AB) = v(AC) = 80, v(BC) = 60, v(N) = 100.
    const box3 = [0, 50, 40, 80, 30, 80, 60, 100];
    const shapley = bruteForceShapleyExact(3, (mask) => box3[mask]).map(nearestDouble);
    expect(await values('shapley')).toEqual(shapley);
    (await values('proRata')).forEach((x, i) => expect(x).toBeCloseTo(([50, 40, 30][i] * 100) / 120, 12));
    await expect(testId('compare-nucleolus-kind').textContent()).resolves.toMatch(/^The stand-alone values sum to 120, more than v\(N\) = 100: .*pre-nucleolus/);
    await expect(testId('compare-insert-reason').textContent()).resolves.toBe('Open this pane in Excel to insert the calculation');

    await testId('compare-unions').fill('Images: A, B\nOthers: D');
    await expect(page.locator('.fui-Field', { has: testId('compare-unions') }).locator('.fui-Field__validationMessage').textContent()).resolves.toBe(
      'Unions, line 2: "D" is not a player of the coalition table (A, B, C)',
    );
    await screenshot(page, 'compare-methods-unions-error');
    await testId('compare-unions').fill('Images: A, B\nAbstract: C');
    await testId('compare-value-owen').first().waitFor();
    const owen = bruteForceOwenExact(3, [0, 0, 1], (mask) => box3[mask]).map(nearestDouble);
    (await values('owen')).forEach((x, i) => expect(x).toBeCloseTo(owen[i], 12));
    await testId('compare-preview').scrollIntoViewIfNeeded();
    await screenshot(page, 'compare-methods-owen');
    // The pre-nucleolus by hand (no imputation: 50 + 40 + 30 > 100). Its excesses pair up as
    // 50 − x_A with x_A − 40, 40 − x_B with x_B − 20, 30 − x_C with x_C − 20: the largest is at
    // least 10 (at x_B = 30), then the other pairs level at 5 with x_A = 45, x_C = 25.
    (await values('nucleolus')).forEach((x, i) => expect(x).toBeCloseTo([45, 30, 25][i], 9));
    // The core is empty: every verdict (Owen's too) names a group that would do better alone.
    const verdicts = await testId('compare-verdicts').locator('li').allTextContents();
    expect(verdicts).toHaveLength(6);
    for (const verdict of verdicts) expect(verdict).toMatch(/would gain \d+(\.\d+)? alone$/);
  });

  test('multi-stage allocation: the pipeline example, Owen by contributor and stage, rightholders, validation', async () => {
    await openTab('multistage');
    await testId('multi-screen').waitFor();
    await screenshot(page, 'multi-stage-empty');
    await testId('multi-example').click();
    await testId('multi-preview').waitFor();
    // The example's utility, restated: nothing without the model (contributor 2); 30 for one
    // archive (0, 1), 40 for both; fine-tuning (3) 15 with some archive; retrieval (4) 20;
    // prompts (5) 10; 10 for the model itself. Stages: {0, 1}, {2}, {3}, {4}, {5}.
    const utility = (mask: number): number => {
      const has = (i: number) => ((mask >> i) & 1) === 1;
      if (!has(2)) return 0;
      const archives = Number(has(0)) + Number(has(1));
      return 10 + [0, 30, 40][archives] + (has(3) && archives > 0 ? 15 : 0) + (has(4) ? 20 : 0) + (has(5) ? 10 : 0);
    };
    const owen = bruteForceOwenExact(6, [0, 0, 1, 2, 3, 4], utility).map(nearestDouble);
    const shown = (await testId('multi-owen-value').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))) as number[];
    shown.forEach((x, i) => expect(x).toBeCloseTo(owen[i], 9));
    const stageTotals = await testId('multi-stage-total').evaluateAll((rows) => rows.map((r) => Number(r.lastElementChild?.getAttribute('data-value'))));
    expect(stageTotals[0]).toBeCloseTo(owen[0] + owen[1], 9);
    expect(stageTotals.reduce((a, b) => a + b, 0)).toBeCloseTo(utility(63), 9);
    await expect(testId('multi-rightholder').count()).resolves.toBe(7);
    await screenshot(page, 'multi-stage-example');

    await testId('multi-ownership').fill('Press archive\tLe Monde\t0.6\nPress archive\tRingier\t0.3');
    await expect(page.locator('.fui-Field', { has: testId('multi-ownership') }).locator('.fui-Field__validationMessage').textContent()).resolves.toBe(
      'Ownership, lines 1, 2: the shares of "Press archive" sum to 0.9, not 1',
    );
    await screenshot(page, 'multi-stage-ownership-error');
    await testId('multi-mode-file').check();
    await expect(testId('multi-run-reason').textContent()).resolves.toBe('Connect the companion (Companion tab) to value a file of coalition values.');
    await screenshot(page, 'multi-stage-file');
    await testId('multi-mode-grid').check();
  });

  test('before any companion runs, the Companion tab says so and gives the command', async () => {
    await openTab('companion');
    const missing = testId('companion-missing');
    await missing.waitFor({ timeout: 120_000 });
    await expect(missing.textContent()).resolves.toContain('The companion is not running');
    await expect(missing.getByTestId('companion-command').textContent()).resolves.toBe('npx partage companion');
    await expect(testId('header-companion').textContent()).resolves.toBe('Not paired');
    await screenshot(page, 'companion-not-running');
  });

  test('pairs with the code the companion printed, after a wrong address and a wrong code', async () => {
    companion = await startCompanion();
    const code = companion.companion.pairingCode!;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    // The pane's own server is not a companion: the diagnosis says so.
    expectFailedRequests('wrong address', server.origin, /the server responded with a status of 404/);
    await testId('pair-url').fill(server.origin);
    await testId('pair-code').fill(code);
    await testId('pair-submit').click();
    await expect(fieldError('pair-url').textContent()).resolves.toMatch(/^Something else answers at this address\. https:\/\/localhost:\d+ answered \(HTTP 404\)/);
    await expect(fieldError('pair-code').count()).resolves.toBe(0);
    // The failed request reached the console listener, as any other console error would.
    const seen404 = () => letThrough.some((m) => m.includes('status of 404') && m.includes(server.origin));
    for (let wait = 0; wait < 50 && !seen404(); wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen404()).toBe(true);
    await screenshot(page, 'pairing-wrong-address');

    expectFailedRequests('wrong code', companion.url, /the server responded with a status of 4\d\d/);
    await testId('pair-url').fill(companion.url);
    const wrong = `${code[0] === 'A' ? 'B' : 'A'}${code.slice(1)}`;
    await testId('pair-code').fill(wrong.toLowerCase());
    await testId('pair-submit').click();
    await expect(fieldError('pair-code').textContent()).resolves.toBe('code: wrong pairing code: 4 attempts left before the companion replaces it');
    await expect(fieldError('pair-url').count()).resolves.toBe(0);
    await screenshot(page, 'pairing-wrong-code');

    await testId('pair-code').fill(code);
    await testId('pair-submit').click();
    await testId('companion-status').waitFor();
    for (const key of ['no companion yet', 'wrong address', 'wrong code']) provoked.delete(key);
    await expect(testId('companion-version').textContent()).resolves.toBe(`0.1.0 (engine ${ENGINE_VERSION})`);
    await expect(testId('companion-backend').textContent()).resolves.toMatch(/^CPU: .+, 2 threads/);
    await expect(testId('companion-queue').textContent()).resolves.toBe('0 running, 0 waiting');
    await expect(testId('header-companion').textContent()).resolves.toBe('Connected');
    // The code is spent; the pane keeps the token for next time.
    expect(companion.companion.pairingCode).toBeUndefined();
    const saved = JSON.parse((await page.evaluate(() => localStorage.getItem('partage.companion'))) ?? '{}');
    expect(saved).toEqual({ url: companion.url, token: companion.token });
    await screenshot(page, 'companion-connected');
  });

  test('runs a sampled table game on the companion, shows its progress, and gives the engine’s numbers', async () => {
    const values = sqrtTable(WEIGHTS);
    const seed = 20_240_611;
    const permutations = 6_000_000;
    await openTab('batch');
    await paste(tableText(NAMES, values));
    await expect(testId('cells-summary').textContent()).resolves.toBe(`8 players, 256 coalitions from pasted cells: ${NAMES.join(', ')}`);
    await testId('method-sampled').check();
    await testId('permutations').fill(String(permutations));
    await testId('seed').fill(String(seed));
    await expect(testId('run-on-companion').isChecked()).resolves.toBe(true);
    await screenshot(page, 'batch-form');

    // Every progress text the pane shows, recorded as it changes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        for (const element of document.querySelectorAll('[data-testid=job-progress-text]')) {
          const text = element.textContent ?? '';
          if (seen[seen.length - 1] !== text) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const job = await runJob();
    await waitForState(job, 'done');
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.some((text) => /^([1-9]|[1-9]\d) %/.test(text))).toBe(true);

    const shown = await shownResults();
    const engine = permutationShapley(tableGame(values, NAMES.length), { seed, maxPermutations: permutations });
    expect(shown.players).toEqual(NAMES);
    expect(shown.values).toEqual(Array.from(engine.values, String));
    expect(shown.errors).toEqual(Array.from(engine.standardErrors, String));
    await expect(testId('fact-seed').textContent()).resolves.toBe(String(seed));
    await expect(testId('fact-backend').textContent()).resolves.toBe('cpu');
    await expect(testId('fact-engine-version').textContent()).resolves.toBe(ENGINE_VERSION);
    await expect(testId('write-excel-reason').textContent()).resolves.toBe('Open this pane in Excel to write the results to a sheet.');
    await expect(testId('write-excel').getAttribute('aria-disabled')).resolves.toBe('true');
    await testId('results').scrollIntoViewIfNeeded();
    await screenshot(page, 'batch-results');
  });

  test('multi-stage allocation from a file: the companion samples the Owen value, as the engine does with the same seed', async () => {
    // The pipeline example's 64 coalition values in mask order (bit i = the i-th contributor).
    const utility = (mask: number): number => {
      const has = (i: number) => ((mask >> i) & 1) === 1;
      if (!has(2)) return 0;
      const archives = Number(has(0)) + Number(has(1));
      return 10 + [0, 30, 40][archives] + (has(3) && archives > 0 ? 15 : 0) + (has(4) ? 20 : 0) + (has(5) ? 10 : 0);
    };
    const values = Float64Array.from({ length: 64 }, (_, mask) => utility(mask));
    const files = mkdtempSync(path.join(tmpdir(), 'partage-pipeline-'));
    try {
      const file = path.join(files, 'pipeline.csv');
      writeFileSync(file, `${Array.from(values).join('\n')}\n`);
      await openTab('multistage');
      await testId('multi-example').click();
      await testId('multi-mode-file').check();
      await testId('multi-file').setInputFiles(file);
      await testId('multi-permutations').fill('30000');
      await testId('multi-seed').fill('11');
      await testId('multi-run').click();
      await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('[data-testid=multi-job]')?.getAttribute('data-state') ?? ''), undefined, { timeout: 60_000 });
      await expect(testId('multi-job-text').textContent()).resolves.toMatch(/^Valued on the companion: 30,000 permutations, seed 11, job \S+ \(cpu\)\.$/);
      await testId('multi-preview').waitFor();
      const shown = (await testId('multi-owen-value').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))) as number[];
      const engine = permutationShapley(tableGame(values, 6), { seed: 11, maxPermutations: 30_000, unions: [0, 0, 1, 2, 3, 4] });
      expect(shown).toEqual(Array.from(engine.values));
      // Sampled, yet close to the exact Owen value (brute force): within a few standard errors.
      const exact = bruteForceOwenExact(6, [0, 0, 1, 2, 3, 4], (mask) => values[mask]).map(nearestDouble);
      shown.forEach((x, i) => expect(Math.abs(x - exact[i])).toBeLessThan(6 * engine.standardErrors[i] + 1e-9));
      await testId('multi-preview').scrollIntoViewIfNeeded();
      await screenshot(page, 'multi-stage-companion');
      await openTab('batch');
    } finally {
      removeDir(files);
    }
  });

  test('a job the companion refuses shows its message with the field it names', async () => {
    expectFailedRequests('refused job', `${companion!.url}/v1/jobs`, /the server responded with a status of 400/);
    await testId('permutations').fill('200000000000');
    await testId('run-job').click();
    await expect(testId('run-error').textContent()).resolves.toMatch(/^options\.maxPermutations: 200000000000 permutations × 8 players is 1\.60e\+12 marginal contributions; at most 1e\+12 per job/);
    await testId('run-error').scrollIntoViewIfNeeded();
    await screenshot(page, 'batch-refused');
  });

  test('cancels a long job while it runs', async () => {
    await testId('permutations').fill('400000000');
    const job = await runJob();
    await waitForState(job, 'running');
    // Progress and the time left, once the companion can judge the rate.
    await page.waitForFunction(() => / left$/.test(document.querySelector('[data-testid=job-progress-text]')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await job.scrollIntoViewIfNeeded();
    await screenshot(page, 'batch-running');
    const id = (await job.getAttribute('data-job-id'))!;
    await job.getByTestId('job-cancel').click();
    await waitForState(job, 'cancelled', 10_000);
    expect(companionJob(id).state).toBe('cancelled');
    await screenshot(page, 'batch-cancelled');
  });

  test('finds a running companion job again after the pane is closed and reopened', async () => {
    await testId('permutations').fill('8000000');
    const job = await runJob();
    await waitForState(job, 'running');
    const id = (await job.getAttribute('data-job-id'))!;
    await page.reload();
    await openTab('batch');
    const again = page.locator(`[data-job-id="${id}"]`);
    await again.waitFor();
    // Still running in the companion, and followed again: its progress moves in the new page.
    expect(await again.getAttribute('data-state')).toBe('running');
    await again.getByTestId('job-progress-text').waitFor();
    await waitForState(again, 'done', 60_000);
    const status = companionJob(id);
    expect(status.state).toBe('done');
    await again.getByTestId('job-show').click();
    const shown = await shownResults();
    expect(shown.values).toEqual((status.result as { values: number[] }).values.map(String));
  });

  test('when the companion stops, the pane says why, gives the command and offers to work offline', async () => {
    // A job running when the companion stops is checkpointed there and shown as interrupted.
    // (The reload of the previous test emptied the form.)
    await paste(tableText(NAMES, sqrtTable(WEIGHTS)));
    await testId('permutations').fill('15000000');
    const job = await runJob();
    await waitForState(job, 'running');
    interruptedId = (await job.getAttribute('data-job-id'))!;
    provoked.delete('refused job');
    // From here until it is back, every request to the companion fails.
    expectFailedRequests('companion stopped', companion!.url, /net::ERR_/);
    await stopTestCompanion(companion, false);
    await waitForState(job, 'interrupted', 15_000);
    await openTab('companion');
    await testId('companion-recheck').click();
    const unreachable = testId('companion-unreachable');
    await unreachable.waitFor({ timeout: 120_000 });
    await expect(testId('companion-problem').textContent()).resolves.toBe('The companion is not running');
    await expect(testId('companion-detail').textContent()).resolves.toContain(`Nothing answers at ${companion!.url}`);
    await expect(unreachable.getByTestId('companion-command').first().textContent()).resolves.toBe('npx partage companion');
    await expect(testId('header-companion').textContent()).resolves.toBe('Unreachable');
    await screenshot(page, 'companion-unreachable');

    await testId('work-offline').click();
    await testId('batch-offline').waitFor();
    await expect(testId('header-companion').textContent()).resolves.toBe('Offline');
    await expect(testId('run-on-companion').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'batch-offline');
  });

  test('offline, small jobs run in the pane’s web worker: exact as brute force, sampled as the engine', async () => {
    const names = NAMES.slice(0, 5);
    const values = sqrtTable(WEIGHTS.slice(0, 5));
    await paste(tableText(names, values));
    await testId('method-exact').check();
    await expect(testId('run-on-pane').isChecked()).resolves.toBe(true);
    const job = await runJob();
    await waitForState(job, 'done');
    await job.getByTestId('job-show').click();
    let shown = await shownResults();
    const exact = bruteForceShapley(names.length, (mask) => values[mask]);
    expect(shown.players).toEqual(names);
    shown.values.forEach((value, i) => expect(Number(value)).toBeCloseTo(exact[i], 10));
    await expect(testId('fact-backend').textContent()).resolves.toBe('pane (web worker)');

    await testId('method-sampled').check();
    await testId('permutations').fill('50000');
    await testId('seed').fill('7');
    const sampled = await runJob();
    await waitForState(sampled, 'done');
    await sampled.getByTestId('job-show').click();
    shown = await shownResults();
    const engine = permutationShapley(tableGame(values, names.length), { seed: 7, maxPermutations: 50_000 });
    expect(shown.values).toEqual(Array.from(engine.values, String));
    expect(shown.errors).toEqual(Array.from(engine.standardErrors, String));
    await testId('results').scrollIntoViewIfNeeded();
    await screenshot(page, 'batch-pane-results');

    // A job past the pane's limit is refused with the reason; one within it can be cancelled.
    await testId('permutations').fill('20000000');
    await expect(testId('run-on-pane').isDisabled()).resolves.toBe(true);
    await expect(testId('panel-batch').textContent()).resolves.toContain("more than the pane's 50,000,000 marginal contributions");
    await testId('permutations').fill('9000000');
    const long = await runJob();
    await waitForState(long, 'running');
    await long.getByTestId('job-cancel').click();
    await waitForState(long, 'cancelled', 5_000);
  });

  test('voting and saturating-scale games: exact values in the pane, as brute force gives them', async () => {
    await testId('game-voting').check();
    await paste('Member\tSeats\nBoard A\t4\nBoard B\t3\nBoard C\t2\nBoard D\t1');
    await expect(testId('cells-summary').textContent()).resolves.toBe('4 players from pasted cells: Board A, Board B, Board C, Board D');
    await expect(testId('quota').inputValue()).resolves.toBe('6'); // more than half of 10 seats
    await testId('method-exact').check();
    const voting = await runJob();
    await waitForState(voting, 'done');
    await voting.getByTestId('job-show').click();
    const seats = [4, 3, 2, 1];
    const wins = (mask: number) => (seats.reduce((sum, w, i) => sum + ((mask >> i) & 1 ? w : 0), 0) >= 6 ? 1 : 0);
    const power = bruteForceShapley(4, wins);
    (await shownResults()).values.forEach((value, i) => expect(Number(value)).toBeCloseTo(power[i], 12));
    await testId('results').scrollIntoViewIfNeeded();
    await screenshot(page, 'batch-voting');

    await testId('game-saturatingScale').check();
    await paste('Holder\tWorks\nArchive\t1200\nNewsroom\t300\nAgency\t60');
    await expect(testId('half-size').inputValue()).resolves.toBe('520'); // the mean catalogue size
    await testId('alpha').fill('0.5');
    const scale = await runJob();
    await waitForState(scale, 'done');
    await scale.getByTestId('job-show').click();
    const sizes = [1200, 300, 60];
    const quality = (mask: number) => 1 - (1 + sizes.reduce((sum, d, i) => sum + ((mask >> i) & 1 ? d : 0), 0) / 520) ** -0.5;
    const phi = bruteForceShapley(3, quality);
    (await shownResults()).values.forEach((value, i) => expect(Number(value)).toBeCloseTo(phi[i], 12));
    await screenshot(page, 'batch-saturating-scale');
    await testId('game-table').check();
  });

  test('the nucleolus of a coalition table in the pane’s web worker, with HiGHS loaded there: the Talmud rule', async () => {
    // Aumann & Maschler (1985): claims 100, 200, 300 on an estate E, v(S) = max(0, E − the
    // others' claims); the nucleolus is the Talmud's division: 33⅓ each; 50, 75, 75; 50, 100, 150.
    const claims = [100, 200, 300];
    const wives = ['Wife 1', 'Wife 2', 'Wife 3'];
    const problems: Array<[number, number[]]> = [
      [100, [100 / 3, 100 / 3, 100 / 3]],
      [200, [50, 75, 75]],
      [300, [50, 100, 150]],
    ];
    // The job runs in a worker of its own, which fetches the solver's WebAssembly itself.
    const workers: string[] = [];
    const wasm: string[] = [];
    const onWorker = (worker: { url(): string }) => workers.push(worker.url());
    const onRequest = (request: { url(): string }) => {
      if (request.url().endsWith('/highs.wasm')) wasm.push(request.url());
    };
    page.on('worker', onWorker);
    context.on('request', onRequest);
    try {
      await openTab('batch');
      await testId('game-table').check();
      for (const [estate, expected] of problems) {
        const values = new Float64Array(8).map((_, mask) => Math.max(0, estate - claims.reduce((s, d, j) => s + ((mask >> j) & 1 ? 0 : d), 0)));
        await paste(tableText(wives, values));
        await testId('method-nucleolus').check();
        await expect(testId('run-on-pane').isChecked()).resolves.toBe(true);
        const before = workers.length;
        const job = await runJob();
        await waitForState(job, 'done', 90_000);
        expect(workers.length).toBeGreaterThan(before);
        await job.getByTestId('job-show').click();
        const shown = await shownResults();
        expect(shown.players).toEqual(wives);
        shown.values.forEach((value, i) => expect(Number(value)).toBeCloseTo(expected[i], 9));
        expect(shown.errors).toEqual([]);
        await expect(testId('fact-method').textContent()).resolves.toBe('nucleolus');
        await expect(testId('fact-backend').textContent()).resolves.toBe('pane (web worker)');
        await expect(testId('fact-lp-solver').textContent()).resolves.toMatch(/^HiGHS \d+\.\d+\.\d+/);
        await expect(testId('fact-engine-version').textContent()).resolves.toBe(ENGINE_VERSION);
      }
      expect(wasm.length).toBeGreaterThanOrEqual(problems.length);
      await testId('results').scrollIntoViewIfNeeded();
      await screenshot(page, 'batch-nucleolus-worker');

      // Box 3 has no imputation: asked for its nucleolus, the form says so and offers the pre-nucleolus.
      await paste(tableText(['A', 'B', 'C'], Float64Array.from([0, 50, 40, 80, 30, 80, 60, 100])));
      await testId('run-job').click();
      await expect(testId('method-error').textContent()).resolves.toMatch(/^This table has no nucleolus: .* Choose "Pre-nucleolus"/);
      await testId('method-exact').check();
    } finally {
      page.off('worker', onWorker);
      context.off('request', onRequest);
    }
  });

  test('reconnects by itself when the companion is back on its port', async () => {
    const port = companion!.companion.port;
    companion = await startCompanion(port);
    await expect(testId('header-companion').textContent()).resolves.toBeDefined();
    await page.waitForFunction(() => document.querySelector('[data-testid=header-companion]')?.textContent === 'Connected', undefined, { timeout: 15_000 });
    await openTab('companion');
    await testId('companion-status').waitFor();
    provoked.delete('companion stopped');

    // The interrupted job resumes from its checkpoint and ends.
    await openTab('batch');
    const job = page.locator(`[data-job-id="${interruptedId}"]`);
    await expect(job.getAttribute('data-state')).resolves.toBe('interrupted');
    await job.scrollIntoViewIfNeeded();
    await screenshot(page, 'batch-interrupted');
    await job.getByTestId('job-resume').click();
    await waitForState(job, 'done', 60_000);
    expect(companionJob(interruptedId!).state).toBe('done');
  });

  test('attributes AI outputs to holders from embedding files uploaded to the companion', async () => {
    const items = [[1, 0], [0, 1], [1, 1], [0.6, 0.8]];
    const holders = ['Alpha', 'Beta', 'Gamma', 'Beta'];
    const outputs = [[1, 0], [0, 1], [3, 4]];
    const threshold = 0.5;
    const files = mkdtempSync(path.join(tmpdir(), 'partage-embeddings-'));
    const write = (name: string, rows: Array<Array<number | string>>) => {
      writeFileSync(path.join(files, name), rows.map((r) => r.join(',')).join('\n') + '\n');
      return path.join(files, name);
    };
    try {
      await openTab('batch');
      await testId('game-similarity').check();
      await testId('file-outputs').setInputFiles(write('outputs.csv', outputs));
      await testId('file-items').setInputFiles(write('items.csv', items));
      await testId('file-holders').setInputFiles(write('holders.csv', holders.map((h) => [h])));
      await testId('threshold').fill(String(threshold));
      await screenshot(page, 'batch-similarity');
      const job = await runJob();
      await waitForState(job, 'done');
      await job.getByTestId('job-show').click();
      const shown = await shownResults();

      // Expected, from the definitions: each holder's best cosine similarity to the output, kept
      // at or above the threshold; the output shared by the max game's Shapley values over the
      // top score (brute force over orders); market-centric totals, every output weighing 1.
      const names = ['Alpha', 'Beta', 'Gamma'];
      const cosine = (a: number[], b: number[]) => (a[0] * b[0] + a[1] * b[1]) / (Math.hypot(...a) * Math.hypot(...b));
      const totals = [0, 0, 0];
      for (const output of outputs) {
        const scores = names.map((name) => Math.max(...items.filter((_, j) => holders[j] === name).map((item) => cosine(output, item))));
        const counted = scores.map((score) => (score >= threshold ? score : 0));
        const top = Math.max(...counted);
        if (top === 0) continue;
        const phi = bruteForceShapley(3, (mask) => Math.max(0, ...counted.filter((_, h) => (mask >> h) & 1)));
        phi.forEach((value, h) => (totals[h] += value / top));
      }
      expect(shown.players).toEqual(names);
      shown.values.forEach((value, h) => expect(Number(value)).toBeCloseTo(totals[h], 5));
      await testId('results').scrollIntoViewIfNeeded();
      await screenshot(page, 'batch-similarity-results');
    } finally {
      removeDir(files);
    }
  });
});
