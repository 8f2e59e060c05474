/** @jest-environment jsdom */
/*
 * The multi-stage screen: the pipeline example (seed 003) typed in the generated grid, its Owen
 * values checked against brute force over the orders in which stages arrive together, stage
 * totals, the rightholders' amounts worked out here (exact shares, then largest remainder to the
 * cent), validation messages naming the line, a file valued on the companion (a fake client:
 * the request it gets is checked to the letter), Insert and reopening.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CompanionClient, JobRequest, JobStatus } from '../../src/taskpane/companion/companionApi';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { MultiStageScreen } from '../../src/taskpane/multistage/MultiStageScreen';
import { bruteForceOwenExact } from '../helpers/bruteForce';
import { nearestDouble, Rational, ratFromNumber } from '../helpers/rational';
import { cell, createExcelMock, getSheet, workbookState, type ExcelMock } from './excelMock';


jest.setTimeout(60_000);

const text = (element: Element | null): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const OUTSIDE: WorkbookAccess = { available: false, supports: () => false, run: () => Promise.reject(new Error('no')) };

function workbookOn(mock: ExcelMock): WorkbookAccess {
  return { available: true, supports: () => true, run: (batch) => batch(mock.context) };
}

function renderScreen(workbook: WorkbookAccess, companion?: { client?: CompanionClient; connected: boolean }) {
  const user = userEvent.setup();
  const view = render(
    <FluentProvider theme={webLightTheme}>
      <MultiStageScreen workbook={workbook} companion={companion} />
    </FluentProvider>,
  );
  return { user, view };
}

// The example's contributors in stage order, and the rule of its utility restated from the
// screen's description: nothing without the model; pre-training data 30 for one archive, 40 for
// both; fine-tuning 15 with some pre-training data; retrieval 20; prompts 10; base 10.
const CONTRIBUTORS = ['Press archive', 'Image library', 'Model lab', 'Annotators', 'News agency', 'Prompt writers'];
const STAGE_OF = [0, 0, 1, 2, 3, 4];
const STAGES = ['Pre-training data', 'Base model', 'Fine-tuning data', 'Retrieval corpus', 'Prompts'];
function utility(mask: number): number {
  const has = (i: number) => ((mask >> i) & 1) === 1;
  if (!has(2)) return 0;
  const archives = Number(has(0)) + Number(has(1));
  return 10 + (archives === 0 ? 0 : archives === 1 ? 30 : 40) + (has(3) && archives > 0 ? 15 : 0) + (has(4) ? 20 : 0) + (has(5) ? 10 : 0);
}

const owen = bruteForceOwenExact(6, STAGE_OF, utility);

/** Largest remainder to `decimals`, ties to the earlier row, summing to the rounded total. */
function largestRemainder(exact: Rational[], decimals: number): number[] {
  const scale = 10n ** BigInt(decimals);
  const scaled = exact.map((r) => new Rational(r.num * scale, r.den));
  const floors = scaled.map((r) => (r.num >= 0n ? r.num / r.den : -((-r.num + r.den - 1n) / r.den)));
  const total = scaled.reduce((a, b) => a.add(b), Rational.ZERO);
  const totalUnits = (2n * total.num + total.den) / (2n * total.den); // half up; totals here are positive
  let left = Number(totalUnits - floors.reduce((a, b) => a + b, 0n));
  const order = scaled.map((r, i) => ({ i, rest: r.sub(new Rational(floors[i])) })).sort((a, b) => (b.rest.sub(a.rest).num > 0n ? 1 : b.rest.sub(a.rest).num < 0n ? -1 : a.i - b.i));
  const units = [...floors];
  for (const { i } of order) {
    if (left <= 0) break;
    units[i] += 1n;
    left -= 1;
  }
  return units.map((u) => Number(u) / Number(scale));
}

describe('the pipeline example', () => {
  test('typed in the generated grid: Owen by contributor as brute force, totals by stage', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('multi-example'));
    expect(screen.getAllByTestId('multi-grid-value')).toHaveLength(63);
    expect((screen.getByLabelText('v({Press archive, Model lab})') as HTMLInputElement).value).toBe(String(utility(0b101)));
    await screen.findByTestId('multi-preview');
    const values = screen.getAllByTestId('multi-owen-value').map((c) => Number(c.getAttribute('data-value')));
    values.forEach((x, i) => expect(x).toBeCloseTo(nearestDouble(owen[i]), 9));
    const totals = screen.getAllByTestId('multi-stage-total').map((row) => [text(row.firstElementChild), Number(row.lastElementChild!.getAttribute('data-value'))]);
    expect(totals.map((t) => t[0])).toEqual(STAGES);
    STAGES.forEach((_, s) => {
      const expected = owen.filter((_, i) => STAGE_OF[i] === s).reduce((a, b) => a.add(b), Rational.ZERO);
      expect(totals[s][1] as number).toBeCloseTo(nearestDouble(expected), 9);
    });
    // The stage totals are the Shapley values of the game among stages and add up to v(N).
    expect(totals.reduce((a, t) => a + (t[1] as number), 0)).toBeCloseTo(utility(63), 9);
  });

  test('the rightholders’ amounts: each work’s Owen value by its shares, rounded to the cent by largest remainder', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('multi-example'));
    await screen.findByTestId('multi-preview');
    const share = (x: number) => ratFromNumber(x);
    // Ownership of the example, rightholders in first appearance order.
    const exact = [
      owen[0].mul(share(0.6)).add(owen[4].mul(share(0.5))), // Le Monde: archive 60 %, agency 50 %
      owen[0].mul(share(0.4)), // Ringier
      owen[1], // Photographers CMO
      owen[2], // Model lab
      owen[3], // Annotation co-op
      owen[4].mul(share(0.5)), // News agency
      owen[5], // Prompt writers
    ];
    const rows = screen.getAllByTestId('multi-rightholder').map((row) => [text(row.firstElementChild), Number(row.lastElementChild!.getAttribute('data-value'))]);
    expect(rows).toEqual(
      ['Le Monde', 'Ringier', 'Photographers CMO', 'Model lab', 'Annotation co-op', 'News agency', 'Prompt writers'].map((h, k) => [h, largestRemainder(exact, 2)[k]]),
    );
  });
});

describe('validation names the line', () => {
  test('stages', async () => {
    const { user } = renderScreen(OUTSIDE);
    const stages = screen.getByTestId('multi-stages');
    await user.click(stages);
    await user.paste('Data: Archive, Library\nBase model');
    expect(text(screen.getByText(/^Stages, line 2/))).toBe('Stages, line 2: write "stage: contributor, contributor" or paste two columns (contributor, stage) from Excel');
    await user.clear(stages);
    await user.paste('Data: Archive, Library\nModel: Lab, archive');
    expect(text(screen.getByText(/^Stages, line 2/))).toBe('Stages, line 2: "archive" is already in stage "Data" (line 1); each contributor belongs to one stage');
    await user.clear(stages);
    await user.paste('Archive\tData\nLab\t\t');
    expect(text(screen.getByText(/^Stages, line 2/))).toBe('Stages, line 2: "Lab" has no stage');
  });

  test('ownership', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('multi-example'));
    const ownership = screen.getByTestId('multi-ownership');
    await user.clear(ownership);
    await user.click(ownership);
    await user.paste('Press archive\tLe Monde\t0.6\nPress archive\tRingier\t0.3');
    expect(text(screen.getByText(/^Ownership, lines 1, 2/))).toBe('Ownership, lines 1, 2: the shares of "Press archive" sum to 0.9, not 1');
    await user.clear(ownership);
    await user.paste('Work\tRightholder\tShare\nPress archive\tLe Monde\t1\nPodcasts\tRadio\t1');
    expect(text(screen.getByText(/^Ownership, line 3/))).toBe(
      'Ownership, line 3: "Podcasts" is not a contributor of the stages (Press archive, Image library, Model lab, Annotators, News agency, Prompt writers)',
    );
    await user.clear(ownership);
    await user.paste('Press archive; Le Monde; 60\n');
    expect(text(screen.getByText(/^Ownership, line 1/))).toBe('Ownership, line 1: the share 60 is above 1 (60 % is 0.6 or 60%)');
    await user.clear(ownership);
    await user.paste('Press archive; Le Monde; 100%');
    expect(text(screen.getByText(/^Ownership:/))).toBe('Ownership: no line for "Image library"; every contributor\'s work needs its rightholders');
    expect(text(screen.getByTestId('multi-insert-reason'))).toBe('Open this pane in Excel to insert the calculation');
  });

  test('coalition values: a grid cell left empty or not a number, a pasted table’s line', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('multi-example'));
    const input = screen.getByLabelText('v({Image library, Model lab})');
    await user.clear(input);
    expect(text(screen.getByTestId('multi-values-error'))).toBe('Coalition values, {Image library,Model lab}: no value typed');
    await user.type(input, 'forty');
    expect(text(screen.getByTestId('multi-values-error'))).toBe('Coalition values, {Image library,Model lab}: "forty" is not a number');
    expect(screen.queryByTestId('multi-preview')).toBeNull();

    await user.click(screen.getByTestId('multi-mode-paste'));
    await user.click(screen.getByTestId('multi-table'));
    await user.paste('Press archive\t1\nPodcasts\t2\nPress archive,Podcasts\t3');
    expect(text(screen.getByTestId('multi-values-error'))).toBe('Coalition table: "Podcasts" is not a contributor of the stages');
    await user.clear(screen.getByTestId('multi-table'));
    await user.paste('Press archive\t1\nModel lab\tten');
    expect(text(screen.getByTestId('multi-values-error'))).toBe('Coalition table, line 2: expected a number, got the text "ten"');
  });

  test('decimals', async () => {
    const { user } = renderScreen(OUTSIDE);
    await user.click(screen.getByTestId('multi-example'));
    await user.clear(screen.getByTestId('multi-decimals'));
    await user.type(screen.getByTestId('multi-decimals'), '2.5');
    expect(text(screen.getByText(/^Decimals:/))).toBe('Decimals: a whole number from 0 to 10, got "2.5"');
  });
});

function fakeCompanion(values: number[]) {
  const requests: JobRequest[] = [];
  const uploads: Array<{ name: string; format: string }> = [];
  const done: JobStatus = {
    id: 'job-9',
    type: 'shapley.sample',
    state: 'done',
    progress: 1,
    createdAt: '2026-12-03T12:00:00Z',
    result: { values, standardErrors: values.map(() => 0.01), permutations: 5000, seed: 7, engineVersion: '0.1.0', backend: 'cpu', method: 'owen sampling' },
  };
  const client = {
    uploadDataset: jest.fn(async (_file: Blob, name: string, format: string) => {
      uploads.push({ name, format });
      return { id: 'ds-1', name, format, dtype: 'float64', shape: [64], bytes: 512 };
    }),
    submit: jest.fn(async (job: JobRequest) => {
      requests.push(job);
      return { id: 'job-9', state: 'queued' as const };
    }),
    follow: jest.fn(async (_id: string, onProgress: (job: JobStatus) => void) => {
      onProgress({ ...done, state: 'running', progress: 0.5, result: undefined });
      return done;
    }),
  } as unknown as CompanionClient;
  return { client, requests, uploads };
}

describe('a file valued on the companion', () => {
  test('without a companion, says what to do', async () => {
    const { user } = renderScreen(OUTSIDE, { connected: false });
    await user.click(screen.getByTestId('multi-example'));
    await user.click(screen.getByTestId('multi-mode-file'));
    expect(text(screen.getByTestId('multi-run-reason'))).toBe('Connect the companion (Companion tab) to value a file of coalition values.');
    expect(text(screen.getByTestId('multi-values-error'))).toBe('Coalition values: choose a file and run it on the companion first');
  });

  test('uploads the file, asks shapley.sample for the Owen value with the stages as unions, and writes the sampled values', async () => {
    const sampledValues = [10, 8, 40, 5, 15, 7];
    const { client, requests, uploads } = fakeCompanion(sampledValues);
    const mock = createExcelMock(workbookState('Data'));
    const { user } = renderScreen(workbookOn(mock), { client, connected: true });
    await user.click(screen.getByTestId('multi-example'));
    await user.click(screen.getByTestId('multi-mode-file'));
    const file = new File(['0\n1\n'], 'pipeline.csv', { type: 'text/csv' });
    fireEvent.change(screen.getByTestId('multi-file'), { target: { files: [file] } });
    await user.clear(screen.getByTestId('multi-permutations'));
    await user.type(screen.getByTestId('multi-permutations'), '5000');
    await user.clear(screen.getByTestId('multi-seed'));
    await user.type(screen.getByTestId('multi-seed'), '7');
    await user.click(screen.getByTestId('multi-run'));
    await waitFor(() => expect(screen.getByTestId('multi-job').getAttribute('data-state')).toBe('done'));
    expect(text(screen.getByTestId('multi-job-text'))).toBe('Valued on the companion: 5,000 permutations, seed 7, job job-9 (cpu).');
    expect(uploads).toEqual([{ name: 'pipeline.csv', format: 'csv' }]);
    expect(requests).toEqual([
      {
        type: 'shapley.sample',
        input: {
          game: { type: 'table', n: 6, dataset: 'ds-1' },
          players: CONTRIBUTORS,
          unions: ['Pre-training data', 'Pre-training data', 'Base model', 'Fine-tuning data', 'Retrieval corpus', 'Prompts'],
        },
        options: { seed: 7, maxPermutations: 5000 },
      },
    ]);
    await screen.findByTestId('multi-preview');
    expect(screen.getAllByTestId('multi-owen-value').map((c) => Number(c.getAttribute('data-value')))).toEqual(sampledValues);
    await user.click(screen.getByTestId('multi-insert'));
    await waitFor(() => expect(text(screen.getByTestId('multi-status'))).toContain('The allocation is on sheet "Multi-stage 1"'));
    const sheet = getSheet(mock.state, 'Multi-stage 1');
    // 6 contributors, no coalition table, 8 ownership lines from row 7: the Owen table's header
    // at row 17, Model lab (the third contributor) at row 20.
    expect(cell(sheet, 'C20')?.value).toBe(40);
    expect(sheet.notes.find((n) => n.address === 'C18')?.text).toMatch(/^Owen value sampled on the companion .*job job-9, seed 7, 5,000 permutations/);
  });
});

describe('with the workbook', () => {
  test('Insert writes the live sheet; reopening the screen on it restores the inputs', async () => {
    const mock = createExcelMock(workbookState('Data'));
    const { user, view } = renderScreen(workbookOn(mock));
    await user.click(screen.getByTestId('multi-example'));
    await screen.findByTestId('multi-preview');
    await user.click(screen.getByTestId('multi-insert'));
    await waitFor(() => expect(text(screen.getByTestId('multi-status'))).toContain('The allocation is on sheet "Multi-stage 1"'));
    const sheet = getSheet(mock.state, 'Multi-stage 1');
    // 64 coalitions from row 7: the Owen table's header at row 73.
    expect(cell(sheet, 'A74')?.formula).toBe('=PARTAGE.OWEN(Coalitions,Values,Unions)');
    expect(cell(sheet, 'H74')?.formula).toBe('=PARTAGE.RIGHTSMAP(HSTACK(Contributors,OwenValues),Ownership,Decimals)');
    sheet.cells.get('E70')!.value = 100; // v(N), edited on the sheet
    view.unmount();
    renderScreen(workbookOn(mock));
    await waitFor(() => expect(text(screen.getByTestId('multi-mode'))).toBe('Editing sheet "Multi-stage 1": Update rewrites it in place.'));
    expect((screen.getByLabelText('v({Press archive, Image library, Model lab, Annotators, News agency, Prompt writers})') as HTMLInputElement).value).toBe('100');
    expect((screen.getByTestId('multi-stages') as HTMLTextAreaElement).value).toBe(
      ['Pre-training data: Press archive, Image library', 'Base model: Model lab', 'Fine-tuning data: Annotators', 'Retrieval corpus: News agency', 'Prompts: Prompt writers'].join('\n'),
    );
  });
});
