/*
 * The first task pane, rendered to static HTML (no DOM needed): structure, accessible names,
 * and the function reference against the signatures DESIGN §3 publishes. Interaction (typing
 * in the filter) is left to the browser tests; the filtering itself is a pure function here.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { App } from '../../src/taskpane/App';
import { filterCatalog, FUNCTION_CATALOG } from '../../src/taskpane/functionCatalog';
import { fluentThemeFor } from '../../src/taskpane/officeTheme';

// Written out from DESIGN §3 rather than computed from the catalogue, so that a renamed or
// reordered argument in the catalogue is caught.
const DESIGN_SIGNATURES = [
  'PARTAGE.TRANSFERBASE(revenue, [linkShare], [counterfactualShare], [deductions])',
  'PARTAGE.PURPOSESHARE(base, purpose, rates, [minimum], [mode])',
  'PARTAGE.PAYTOTRAIN(amount, counts, [weights], [minimumPayout], [decimals])',
  'PARTAGE.LICENCEPAYMENTS(revenue, rate, [advance], [minimum], [unitFee], [units], [recoupable])',
  'PARTAGE.POOLSPLIT(amount, usage, [mode], [threshold], [boost], [decimals], [userCap])',
  'PARTAGE.SHAPLEY(coalitions, values, [players], [amount])',
  'PARTAGE.BANZHAF(coalitions, values, [players])',
  'PARTAGE.OWEN(coalitions, values, unions)',
  'PARTAGE.LEAVEONEOUT(coalitions, values, [players])',
  'PARTAGE.NUCLEOLUS(coalitions, values, [players], [kind])',
  'PARTAGE.COREGAP(coalitions, values, allocation, [players])',
  'PARTAGE.SIMILARITYSPLIT(scores, [threshold], [modelScores])',
  'PARTAGE.RIGHTSMAP(amounts, ownership, [decimals])',
  'PARTAGE.VOTINGPOWER(weights, quota, [index], [memberQuota], [blockingMinority])',
];

function render(): Document {
  const html = renderToStaticMarkup(<App theme={webLightTheme} />);
  return new DOMParser().parseFromString(`<!doctype html><html><body>${html}</body></html>`, 'text/html');
}

const byTag = (doc: Document, tag: string): Element[] => Array.from(doc.getElementsByTagName(tag));
const text = (element: Element): string => (element.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('task pane', () => {
  const doc = render();

  test('has one h1 "partage" and the two sections as h2', () => {
    expect(byTag(doc, 'h1').map(text)).toEqual(['partage']);
    expect(byTag(doc, 'h2').map(text)).toEqual(['What this add-in does', 'Function reference']);
    expect(byTag(doc, 'main')).toHaveLength(1);
  });

  test('has one tab per task, in order, the allocation, deal, pool, scenario and share screens before Functions', () => {
    const tabs = byTag(doc, '*').filter((e) => e.getAttribute('role') === 'tab');
    // Fluent keeps a hidden bold copy of an unselected tab's label (to reserve its width): the
    // label is the tab's first content span.
    const label = (tab: Element) => text(Array.from(tab.getElementsByTagName('span')).find((span) => /fui-Tab__content/.test(span.getAttribute('class') ?? ''))!);
    expect(tabs.map(label)).toEqual(['Companion', 'Press', 'Batch runner', 'Distribution', 'Compare methods', 'Multi-stage', 'Deals', 'Pools', 'Scenarios', 'Share', 'Functions']);
    expect(tabs.map((t) => t.getAttribute('aria-controls'))).toEqual([
      'panel-companion',
      'panel-press',
      'panel-batch',
      'panel-distribution',
      'panel-compare',
      'panel-multistage',
      'panel-deals',
      'panel-pools',
      'panel-scenarios',
      'panel-share',
      'panel-functions',
    ]);
  });

  test('lists every PARTAGE function with the signature of DESIGN §3, one heading each', () => {
    expect(byTag(doc, 'h3').map(text)).toEqual(DESIGN_SIGNATURES);
    for (const entry of FUNCTION_CATALOG) expect(text(doc.documentElement as Element)).toContain(entry.summary);
  });

  test('the filter box has a visible label tied to it and a hint', () => {
    const inputs = byTag(doc, 'input');
    expect(inputs).toHaveLength(1);
    const input = inputs[0];
    const id = input.getAttribute('id');
    expect(id).toBeTruthy();
    const labels = byTag(doc, 'label').filter((l) => l.getAttribute('for') === id);
    expect(labels.map(text)).toEqual(['Filter functions']);
    const describedBy = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const hints = describedBy.map((hintId) => byTag(doc, '*').find((e) => e.getAttribute('id') === hintId));
    expect(hints.map((h) => (h ? text(h) : undefined))).toEqual([expect.stringContaining('By name, step or argument')]);
  });

  test('the result count is a polite live region', () => {
    const status = byTag(doc, '*').filter((e) => e.getAttribute('role') === 'status');
    expect(status.map(text)).toEqual([`${DESIGN_SIGNATURES.length} functions`]);
    expect(status[0].getAttribute('aria-live')).toBe('polite');
  });

  test('every button has an accessible name that starts with its visible text', () => {
    for (const button of byTag(doc, 'button')) {
      const name = button.getAttribute('aria-label') ?? text(button);
      expect(name).toMatch(new RegExp(`^${text(button).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  test('the function reference has one collapsed "Arguments of" button per function', () => {
    const heading = byTag(doc, 'h2').find((h) => text(h) === 'Function reference')!;
    let section: Element | null = heading.parentNode as Element;
    while (section && section.tagName !== 'section') section = section.parentNode as Element | null;
    const buttons = Array.from(section!.getElementsByTagName('button'));
    expect(buttons.length).toBe(DESIGN_SIGNATURES.length);
    for (const button of buttons) {
      const name = button.getAttribute('aria-label') ?? text(button);
      expect(name).toMatch(new RegExp(`^${text(button)}`));
      expect(name).toMatch(/^Arguments of [A-Z]+$/);
      // Collapsed at first: the list stays short enough to scan.
      expect(button.getAttribute('aria-expanded')).toBe('false');
    }
  });

  test('images have alternative text', () => {
    for (const img of byTag(doc, 'img')) expect(img.hasAttribute('alt')).toBe(true);
  });
});

describe('filterCatalog', () => {
  const names = (query: string): string[] => filterCatalog(query).map((entry) => entry.name);

  test('an empty or blank query keeps every function in order', () => {
    expect(names('')).toEqual(FUNCTION_CATALOG.map((e) => e.name));
    expect(names('   ')).toHaveLength(DESIGN_SIGNATURES.length);
  });

  test('matches argument names, case-insensitively', () => {
    expect(names('WEIGHTS')).toEqual(['PAYTOTRAIN', 'VOTINGPOWER']);
    expect(names('counterfactualshare')).toEqual(['TRANSFERBASE']);
  });

  test('every word must match, in any field', () => {
    expect(names('coalitions amount')).toEqual(['SHAPLEY']);
    expect(names('partage.banzhaf')).toEqual(['BANZHAF']);
  });

  test('ignores accents in the query', () => {
    expect(names('Quóta')).toEqual(['VOTINGPOWER']);
  });

  test('finds nothing for an unknown word', () => {
    expect(names('xyzzy')).toEqual([]);
  });
});

describe('fluentThemeFor', () => {
  test('follows Office dark themes and defaults to light', () => {
    expect(fluentThemeFor({ isDarkTheme: true })).toBe(webDarkTheme);
    expect(fluentThemeFor({ isDarkTheme: false })).toBe(webLightTheme);
    expect(fluentThemeFor(undefined)).toBe(webLightTheme);
  });
});
