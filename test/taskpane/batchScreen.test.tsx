/** @jest-environment jsdom */
/*
 * The batch runner screen with no companion (fetch always fails) and the pane's runner on a
 * stand-in worker that runs the real engine request: pasted cells and the selected range of the
 * mock workbook, exact results as brute force gives them, sampled ones as the engine gives them,
 * errors under their fields, cancel, the job list kept across a reopening, and "Write to Excel".
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BatchScreen } from '../../src/taskpane/batch/BatchScreen';
import { PaneInputError, runPaneJob, type PaneRequest } from '../../src/taskpane/batch/engineRun';
import { PaneRunner, type EngineWorker, type WorkerReply } from '../../src/taskpane/batch/paneRunner';
import { CompanionProvider } from '../../src/taskpane/companion/companionContext';
import { memoryStorage, type SettingsStorage } from '../../src/taskpane/companion/companionSettings';
import type { WorkbookAccess } from '../../src/taskpane/excel/workbook';
import { tableGame } from '../../src/engine/games/table';
import { permutationShapley } from '../../src/engine/shapley/sampling';
import { bruteForceShapley } from '../helpers/bruteForce';
import { cell, createExcelMock, getSheet, setCells, workbookState } from './excelMock';


/** As engineWorker.ts, on a later turn; `hold` keeps it from starting (to cancel it first). */
class FakeWorker implements EngineWorker {
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor(private readonly hold: boolean) {}
  postMessage(message: { request: PaneRequest }): void {
    if (this.hold) return;
    setTimeout(() => {
      if (this.terminated) return;
      const send = (reply: WorkerReply) => this.onmessage?.({ data: reply } as MessageEvent<WorkerReply>);
      runPaneJob(message.request).then(
        (output) => {
          if (!this.terminated) send({ type: 'done', output });
        },
        (error: unknown) => {
          if (!this.terminated) send({ type: 'error', message: (error as Error).message, ...(error instanceof PaneInputError && error.field ? { field: error.field } : {}) });
        },
      );
    }, 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const offline = (async () => {
  throw new TypeError('Failed to fetch');
}) as unknown as typeof fetch;

const OUTSIDE_EXCEL: WorkbookAccess = { available: false, supports: () => false, run: () => Promise.reject(new Error('not in Excel')) };

function renderScreen(options: { storage?: SettingsStorage; workbook?: WorkbookAccess; hold?: boolean } = {}) {
  const user = userEvent.setup();
  const workers: FakeWorker[] = [];
  const pane = new PaneRunner(() => {
    const worker = new FakeWorker(options.hold ?? false);
    workers.push(worker);
    return worker;
  });
  const view = render(
    <FluentProvider theme={webLightTheme}>
      <CompanionProvider storage={options.storage ?? memoryStorage()} fetch={offline} pollMs={{ connected: 1e9, away: 1e9 }}>
        <BatchScreen pane={pane} workbook={options.workbook ?? OUTSIDE_EXCEL} storage={options.storage ?? memoryStorage()} />
      </CompanionProvider>
    </FluentProvider>,
  );
  return { user, workers, view };
}

const VALUES = [0, 50, 40, 80, 30, 80, 60, 100];
const TSV = 'Coalition\tValue\n\t0\nA\t50\nB\t40\nA,B\t80\nC\t30\nA,C\t80\nB,C\t60\nA,B,C\t100';
const fieldMessage = (input: HTMLElement) => input.closest('.fui-Field')?.querySelector('.fui-Field__validationMessage')?.textContent ?? '';
const shownValues = () => screen.getAllByTestId('result-value').map((c) => Number(c.getAttribute('data-value')));

/** Pastes text into the cells box in one go (typing a tab would move the focus). */
async function paste(user: ReturnType<typeof userEvent.setup>, text: string) {
  const box = screen.getByTestId('cells-input');
  await user.click(box);
  await user.paste(text);
}

test('outside Excel: pasted cells, an exact job in the pane, the Shapley values, and why nothing is written', async () => {
  const { user } = renderScreen();
  expect(screen.getByTestId('use-selection').getAttribute('aria-disabled')).toBe('true');
  expect(screen.getByTestId('batch-offline').textContent).toContain('No companion connected.');
  expect((screen.getByTestId('run-on-companion') as HTMLInputElement).disabled).toBe(true);
  await paste(user, TSV);
  expect(screen.getByTestId('cells-summary').textContent).toBe('3 players, 8 coalitions from pasted cells: A, B, C');
  await user.click(screen.getByTestId('method-exact'));
  await user.click(screen.getByTestId('run-job'));
  await screen.findByTestId('results');
  const expected = bruteForceShapley(3, (mask) => VALUES[mask]);
  shownValues().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  expect(screen.getAllByTestId('result-player').map((c) => c.textContent)).toEqual(['A', 'B', 'C']);
  expect(screen.getAllByTestId('result-share').map((c) => c.textContent)).toEqual(['45.0 %', '30.0 %', '25.0 %']);
  expect(screen.getByTestId('fact-backend').textContent).toBe('pane (web worker)');
  expect(screen.getByTestId('write-excel').getAttribute('aria-disabled')).toBe('true');
  expect(screen.getByTestId('write-excel-reason').textContent).toBe('Open this pane in Excel to write the results to a sheet.');
});

test('problems are shown under their fields and nothing runs', async () => {
  const { user, workers } = renderScreen();
  await user.click(screen.getByTestId('run-job'));
  expect(fieldMessage(screen.getByTestId('cells-input'))).toMatch(/^Read the game first/);
  await paste(user, 'A\t1\nB\tmany');
  expect(fieldMessage(screen.getByTestId('cells-input'))).toBe('selection, row 2: expected a number, got the text "many"');
  await user.clear(screen.getByTestId('cells-input'));
  await paste(user, TSV);
  await user.clear(screen.getByTestId('seed'));
  await user.type(screen.getByTestId('seed'), 'abc');
  await user.click(screen.getByTestId('run-job'));
  expect(fieldMessage(screen.getByTestId('seed'))).toBe('The seed must be a whole number of at least 0, got "abc".');
  expect(workers).toHaveLength(0);
});

test('an engine refusal comes back on the job with its field', async () => {
  const { user } = renderScreen();
  await user.click(screen.getByTestId('game-saturatingScale'));
  await paste(user, 'X\t1.5\nY\t2');
  await user.click(screen.getByTestId('method-exact'));
  await user.click(screen.getByTestId('run-job'));
  await waitFor(() => expect(screen.getByTestId('job').getAttribute('data-state')).toBe('failed'));
  expect(screen.getByTestId('job-error').textContent).toMatch(/^sizes, item 1: must be a whole number for the exact method/);
});

test('cancels a job running in the pane: its worker is terminated', async () => {
  const { user, workers } = renderScreen({ hold: true });
  await paste(user, TSV);
  await user.click(screen.getByTestId('run-job'));
  const job = await screen.findByTestId('job');
  expect(job.getAttribute('data-state')).toBe('running');
  await user.click(within(job).getByTestId('job-cancel'));
  await waitFor(() => expect(screen.getByTestId('job').getAttribute('data-state')).toBe('cancelled'));
  expect(workers[0].terminated).toBe(true);
});

test('in Excel: reads the selected range, samples as the engine does, writes the results sheet; the list survives a reopening', async () => {
  const mock = createExcelMock(workbookState('Games'));
  const games = getSheet(mock.state, 'Games');
  setCells(games, 'A1', [['Coalition', 'Value'], ...VALUES.map((v, mask) => [['', 'A', 'B', 'A,B', 'C', 'A,C', 'B,C', 'A,B,C'][mask], v])]);
  mock.state.selection = { sheet: games, address: 'A1:B9' };
  const workbook: WorkbookAccess = { available: true, supports: () => true, run: (batch) => batch(mock.context) };
  const storage = memoryStorage();
  const first = renderScreen({ workbook, storage });
  const { user } = first;

  await user.click(screen.getByTestId('use-selection'));
  await waitFor(() => expect(screen.getByTestId('cells-summary').textContent).toMatch(/^3 players, 8 coalitions from '?Games'?!A1:B9: A, B, C$/));
  await user.clear(screen.getByTestId('permutations'));
  await user.type(screen.getByTestId('permutations'), '5000');
  await user.clear(screen.getByTestId('seed'));
  await user.type(screen.getByTestId('seed'), '11');
  await user.click(screen.getByTestId('run-job'));
  await screen.findByTestId('results');
  const engine = permutationShapley(tableGame(Float64Array.from(VALUES), 3), { seed: 11, maxPermutations: 5000 });
  expect(shownValues()).toEqual(Array.from(engine.values));
  expect(screen.getAllByTestId('result-se').map((c) => Number(c.getAttribute('data-value')))).toEqual(Array.from(engine.standardErrors));
  expect(screen.getByTestId('fact-seed').textContent).toBe('11');

  await user.click(screen.getByTestId('write-excel'));
  await waitFor(() => expect(screen.getByTestId('write-excel-status').textContent).toBe('Written to sheet "Shapley 1" (table partageShapley1, with a bar chart).'));
  const sheet = getSheet(mock.state, 'Shapley 1');
  expect([4, 5, 6].map((row) => cell(sheet, `A${row}`)?.value)).toEqual(['A', 'B', 'C']);
  expect([4, 5, 6].map((row) => cell(sheet, `B${row}`)?.value)).toEqual(Array.from(engine.values));
  expect([4, 5, 6].map((row) => cell(sheet, `D${row}`)?.value)).toEqual(Array.from(engine.standardErrors));
  expect(mock.state.tables.map((t) => t.name)).toEqual(['partageShapley1']);

  // Reopened: the finished pane job is listed with its results.
  first.view.unmount();
  renderScreen({ workbook, storage });
  const job = await screen.findByTestId('job');
  expect(job.getAttribute('data-state')).toBe('done');
  expect(shownValues()).toEqual(Array.from(engine.values));
});

/** The Talmud's estate 200 over claims 100, 200, 300: v(S) = max(0, 200 − the others' claims). */
const TALMUD_200 = 'Coalition\tValue\n\t0\nA\t0\nB\t0\nA,B\t0\nC\t0\nA,C\t0\nB,C\t100\nA,B,C\t200';

test('the nucleolus of a table in the pane: the Talmud rule 50, 75, 75 (Aumann & Maschler 1985), with its LP solver, written to Excel', async () => {
  const mock = createExcelMock(workbookState('Games'));
  const workbook: WorkbookAccess = { available: true, supports: () => true, run: (batch) => batch(mock.context) };
  const { user } = renderScreen({ workbook });
  await paste(user, TALMUD_200);
  await user.click(screen.getByTestId('method-nucleolus'));
  expect(screen.getByTestId('nucleolus-hint').textContent).toMatch(/stand-alone value/);
  expect(screen.queryByTestId('permutations')).toBeNull();
  expect((screen.getByTestId('run-on-pane') as HTMLInputElement).checked).toBe(true);
  await user.click(screen.getByTestId('run-job'));
  await screen.findByTestId('results');
  [50, 75, 75].forEach((x, i) => expect(shownValues()[i]).toBeCloseTo(x, 9));
  expect(screen.getByTestId('fact-method').textContent).toBe('nucleolus');
  expect(screen.getByTestId('fact-lp-solver').textContent).toMatch(/^HiGHS \d+\.\d+\.\d+/);
  expect(screen.getByTestId('fact-backend').textContent).toBe('pane (web worker)');
  expect(screen.queryAllByTestId('result-se')).toHaveLength(0);
  expect(within(screen.getByTestId('job')).getByText(/nucleolus/)).toBeTruthy();

  await user.click(screen.getByTestId('write-excel'));
  await waitFor(() => expect(screen.getByTestId('write-excel-status').textContent).toBe('Written to sheet "Shapley 1" (table partageShapley1, with a bar chart).'));
  const sheet = getSheet(mock.state, 'Shapley 1');
  expect(cell(sheet, 'A1')?.value).toBe('Nucleolus: Coalition table, 3 players (pasted cells)');
  [50, 75, 75].forEach((x, k) => expect(cell(sheet, `B${4 + k}`)?.value as number).toBeCloseTo(x, 9));
  expect([4, 5, 6].map((row) => cell(sheet, `D${row}`)?.value)).toEqual([0, 0, 0]);
});

test('a table without imputation asked for its nucleolus: a message under Method suggests the pre-nucleolus, which runs (45, 30, 25 by hand)', async () => {
  const { user, workers } = renderScreen();
  await paste(user, TSV); // stand-alone 50 + 40 + 30 > v(N) = 100
  await user.click(screen.getByTestId('method-nucleolus'));
  await user.click(screen.getByTestId('run-job'));
  expect(screen.getByTestId('method-error').textContent).toBe(
    'This table has no nucleolus: the stand-alone values v({i}) sum to 120, more than v(N) = 100, so no split gives every player at least what it gets alone. Choose "Pre-nucleolus", which has no such bound.',
  );
  expect(workers).toHaveLength(0);
  await user.click(screen.getByTestId('method-prenucleolus'));
  expect(screen.queryByTestId('method-error')).toBeNull();
  await user.click(screen.getByTestId('run-job'));
  await screen.findByTestId('results');
  [45, 30, 25].forEach((x, i) => expect(shownValues()[i]).toBeCloseTo(x, 9));
  expect(screen.getByTestId('fact-method').textContent).toBe('prenucleolus');
});

test('the nucleolus is offered for coalition tables only', async () => {
  const { user } = renderScreen();
  await user.click(screen.getByTestId('method-nucleolus'));
  await user.click(screen.getByTestId('game-voting'));
  expect(screen.queryByTestId('method-nucleolus')).toBeNull();
  expect(screen.queryByTestId('method-prenucleolus')).toBeNull();
  expect((screen.getByTestId('method-exact') as HTMLInputElement).checked).toBe(true);
});
