/** @jest-environment jsdom */
/*
 * The Companion tab with a stand-in companion behind fetch (jsdom has no network): what it says
 * before pairing, pairing by code (wrong, then right) or by token, the status once connected
 * (version, GPU, queue), the unreachable state with its command and the offline offer, and
 * forgetting the pairing. Real HTTP is covered by companionClient.test.ts and the browser tests.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CompanionProvider } from '../../src/taskpane/companion/companionContext';
import { CompanionScreen } from '../../src/taskpane/companion/CompanionScreen';
import { memoryStorage, SETTINGS_KEY, type SettingsStorage } from '../../src/taskpane/companion/companionSettings';

// Fluent's positioning (tooltips) watches sizes; jsdom has no ResizeObserver.

const URL_ = 'https://localhost:3917';
const TOKEN = 'ab'.repeat(32);
const CODE = 'K7MQ-2XWD';
const DEV_PANE = { protocol: 'https:', hostname: 'localhost', origin: 'https://localhost:3000' };

/** A companion behind fetch: `up` says whether it answers at all. */
function fakeCompanion() {
  const state: { up: boolean; attemptsLeft: number; workers?: unknown[] } = { up: true, attemptsLeft: 5 };
  const reply = (status: number, body: unknown) => ({ ok: status < 300, status, text: async () => JSON.stringify(body), body: null });
  const fetch = jest.fn(async (input: string, init: RequestInit = {}) => {
    if (!state.up || !input.startsWith(URL_)) throw new TypeError('Failed to fetch');
    const route = input.slice(URL_.length);
    const auth = (init.headers as Record<string, string>)?.authorization;
    if (route === '/v1/health') {
      return reply(200, {
        name: 'partage-companion',
        version: '0.1.0',
        engineVersion: '0.1.0',
        backends: [
          { name: 'webgpu', device: 'NVIDIA H100 80GB HBM3', available: true },
          { name: 'cpu', device: 'AMD EPYC 7B13', threads: 16 },
        ],
        jobs: { running: 1, queued: 2 },
        ...(state.workers ? { workers: state.workers } : {}),
      });
    }
    if (route === '/v1/pair') {
      const { code } = JSON.parse(String(init.body)) as { code: string };
      if (code === CODE) return reply(200, { token: TOKEN });
      state.attemptsLeft--;
      return reply(401, { error: { code: 'pairing_code_wrong', message: `wrong pairing code: ${state.attemptsLeft} attempts left before the companion replaces it`, field: 'code' } });
    }
    if (route.startsWith('/v1/jobs')) {
      if (auth !== `Bearer ${TOKEN}`) return reply(401, { error: { code: 'unauthorized', message: 'wrong bearer token', field: 'authorization' } });
      return reply(200, { jobs: [] });
    }
    return reply(404, { error: { code: 'not_found', message: 'no route' } });
  });
  return { state, fetch: fetch as unknown as typeof globalThis.fetch };
}

function renderScreen(storage: SettingsStorage, fetch: typeof globalThis.fetch, onWorkOffline = jest.fn()) {
  const user = userEvent.setup();
  render(
    <FluentProvider theme={webLightTheme}>
      <CompanionProvider storage={storage} fetch={fetch} page={DEV_PANE} pollMs={{ connected: 1e9, away: 1e9 }}>
        <CompanionScreen onWorkOffline={onWorkOffline} />
      </CompanionProvider>
    </FluentProvider>,
  );
  return { user, onWorkOffline };
}

const text = (id: string) => (screen.getByTestId(id).textContent ?? '').replace(/\s+/g, ' ').trim();
const fieldMessage = (input: HTMLElement) => input.closest('.fui-Field')?.querySelector('.fui-Field__validationMessage')?.textContent ?? '';

test('with no companion running: says so, with the command that starts it', async () => {
  const companion = fakeCompanion();
  companion.state.up = false;
  renderScreen(memoryStorage(), companion.fetch);
  await screen.findByTestId('companion-missing');
  expect(text('companion-missing')).toContain('The companion is not running');
  expect(text('companion-missing')).toContain(`Nothing answers at ${URL_}`);
  expect(screen.getAllByTestId('companion-command').map((c) => c.textContent)).toEqual(['npx partage companion', 'npx partage companion --pair']);
  expect(text('companion-badge')).toBe('Not paired');
});

test('pairs with the printed code after a wrong one; then shows version, GPU and queue', async () => {
  const companion = fakeCompanion();
  const storage = memoryStorage();
  const { user } = renderScreen(storage, companion.fetch);
  await screen.findByTestId('companion-found');
  expect(text('companion-found')).toBe(`A companion (version 0.1.0) answers at ${URL_}: type the code it printed.`);

  const code = screen.getByTestId('pair-code');
  await user.type(code, 'A8YL-BUKG');
  await user.click(screen.getByTestId('pair-submit'));
  await waitFor(() => expect(fieldMessage(code)).toBe('code: wrong pairing code: 4 attempts left before the companion replaces it'));
  // A typo the pane can see costs no attempt: it is not sent.
  await user.clear(code);
  await user.type(code, 'K7MQ-2XW0');
  await user.click(screen.getByTestId('pair-submit'));
  await waitFor(() => expect(fieldMessage(code)).toMatch(/no 0, 1, I or O/));
  const pairCalls = () => (companion.fetch as jest.Mock).mock.calls.filter(([url]) => String(url).endsWith('/v1/pair')).length;
  expect(pairCalls()).toBe(1);

  await user.clear(code);
  await user.type(code, 'k7mq 2xwd');
  await user.click(screen.getByTestId('pair-submit'));
  await screen.findByTestId('companion-status');
  expect(text('companion-version')).toBe('0.1.0 (engine 0.1.0)');
  expect(text('companion-backend')).toBe('GPU: NVIDIA H100 80GB HBM3CPU: AMD EPYC 7B13, 16 threads');
  expect(text('companion-queue')).toBe('1 running, 2 waiting');
  expect(text('companion-badge')).toBe('Connected');
  expect(JSON.parse(storage.getItem(SETTINGS_KEY)!)).toEqual({ url: URL_, token: TOKEN });
});

test('pairs with the token pasted from the data folder; a refused token says what to do', async () => {
  const companion = fakeCompanion();
  const { user } = renderScreen(memoryStorage(), companion.fetch);
  await screen.findByTestId('companion-found');
  const code = screen.getByTestId('pair-code');
  await user.type(code, 'cd'.repeat(32));
  await user.click(screen.getByTestId('pair-submit'));
  await waitFor(() => expect(fieldMessage(code)).toMatch(/^The companion refused this token/));
  await user.clear(code);
  await user.type(code, TOKEN);
  await user.click(screen.getByTestId('pair-submit'));
  await screen.findByTestId('companion-status');
});

test('paired but the companion stopped: why, the command, and the offer to work offline', async () => {
  const companion = fakeCompanion();
  const storage = memoryStorage();
  storage.setItem(SETTINGS_KEY, JSON.stringify({ url: URL_, token: TOKEN }));
  companion.state.up = false;
  const { user, onWorkOffline } = renderScreen(storage, companion.fetch);
  await screen.findByTestId('companion-unreachable');
  expect(text('companion-problem')).toBe('The companion is not running');
  expect(text('companion-badge')).toBe('Unreachable');
  await user.click(screen.getByTestId('work-offline'));
  expect(onWorkOffline).toHaveBeenCalledTimes(1);
  expect(text('companion-badge')).toBe('Offline');
  expect(text('offline-explanation')).toMatch(/^Working offline/);

  // Started again: the next check finds it, and the pane is no longer offline.
  companion.state.up = true;
  await user.click(screen.getByTestId('companion-retry'));
  await screen.findByTestId('companion-status');
  expect(text('companion-badge')).toBe('Connected');
});

test('a saved token the companion no longer accepts: pair again, with the command for a new code', async () => {
  const companion = fakeCompanion();
  const storage = memoryStorage();
  storage.setItem(SETTINGS_KEY, JSON.stringify({ url: URL_, token: 'ef'.repeat(32) }));
  renderScreen(storage, companion.fetch);
  await screen.findByTestId('companion-unreachable');
  expect(text('companion-problem')).toBe('The companion refused the saved pairing');
  expect(screen.getAllByTestId('companion-command')[0].textContent).toBe('npx partage companion --pair');
});

test('forgetting the pairing removes the token and shows the form again', async () => {
  const companion = fakeCompanion();
  const storage = memoryStorage();
  storage.setItem(SETTINGS_KEY, JSON.stringify({ url: URL_, token: TOKEN }));
  const { user } = renderScreen(storage, companion.fetch);
  await screen.findByTestId('companion-status');
  await act(async () => {
    await user.click(screen.getByTestId('companion-forget'));
  });
  await screen.findByTestId('pairing-form');
  expect(JSON.parse(storage.getItem(SETTINGS_KEY)!)).toEqual({ url: URL_ });
});

test('a companion coordinating a cluster lists its workers: name, backend, device, units done, last seen', async () => {
  const companion = fakeCompanion();
  const now = Date.now();
  companion.state.workers = [
    { name: 'gpu-01', backend: 'webgpu', device: 'NVIDIA H200', threads: 16, unitsDone: 12345, lastSeen: new Date(now - 1000).toISOString(), engineVersion: '0.1.0' },
    { name: 'cpu-02', backend: 'cpu', device: 'AMD EPYC 9654', threads: 96, unitsDone: 40, lastSeen: new Date(now - 60_000).toISOString(), engineVersion: '0.1.0' },
  ];
  const storage = memoryStorage();
  storage.setItem(SETTINGS_KEY, JSON.stringify({ url: URL_, token: TOKEN }));
  renderScreen(storage, companion.fetch);
  await screen.findByTestId('companion-workers');
  const lines = screen.getAllByTestId('companion-worker').map((w) => (w.textContent ?? '').replace(/\s+/g, ' '));
  expect(lines[0]).toBe('gpu-01 — GPU: NVIDIA H200; 12,345 units done; seen just now');
  expect(lines[1]).toMatch(/^cpu-02 — CPU: AMD EPYC 9654, 96 threads; 40 units done; silent for 6\d s$/);
  expect(text('companion-backend')).toContain('Coordinating a cluster: jobs run on its workers.');
});

test('a coordinating companion that no worker joined yet says what to start', async () => {
  const companion = fakeCompanion();
  companion.state.workers = [];
  const storage = memoryStorage();
  storage.setItem(SETTINGS_KEY, JSON.stringify({ url: URL_, token: TOKEN }));
  renderScreen(storage, companion.fetch);
  await screen.findByTestId('companion-workers');
  expect(text('companion-workers')).toBe('No worker has joined: start `partage worker --redis …` on the machines of the cluster.');
});
