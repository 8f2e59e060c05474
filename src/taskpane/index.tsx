/*
 * Task pane entry point. In the shared runtime this page is also what Excel loads to run the
 * custom functions, so nothing here may block or throw before they are registered.
 */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { PaneRunner } from './batch/paneRunner';
import { startEngineWorker } from './batch/startEngineWorker';
import { currentOfficeTheme, fluentThemeFor } from './officeTheme';

function render(): void {
  const container = document.getElementById('root');
  if (!container) return;
  // Hosts without web workers still get the pane; only in-pane batch jobs are then unavailable.
  const paneRunner = new PaneRunner(typeof Worker === 'function' ? startEngineWorker : undefined);
  createRoot(container).render(<App theme={fluentThemeFor(currentOfficeTheme())} paneRunner={paneRunner} />);
}

// Office.onReady resolves once office.js has initialised (and at once outside Office). When
// office.js could not be loaded at all (offline browser tests) the page renders anyway.
if (typeof Office !== 'undefined' && typeof Office.onReady === 'function') {
  Office.onReady().then(render, render);
} else {
  render();
}
