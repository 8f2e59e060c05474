/*
 * Task pane entry point. In the shared runtime this page is also what Excel loads to run the
 * custom functions, so nothing here may block or throw before they are registered.
 */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { currentOfficeTheme, fluentThemeFor } from './officeTheme';

function render(): void {
  const container = document.getElementById('root');
  if (!container) return;
  createRoot(container).render(<App theme={fluentThemeFor(currentOfficeTheme())} />);
}

// Office.onReady resolves once office.js has initialised (and at once outside Office). When
// office.js could not be loaded at all (offline browser tests) the page renders anyway.
if (typeof Office !== 'undefined' && typeof Office.onReady === 'function') {
  Office.onReady().then(render, render);
} else {
  render();
}
