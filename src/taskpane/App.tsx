/*
 * The task pane's shell: a header with the companion's status, and one tab per task (Companion,
 * Press calculation, Batch runner, Distribution, Compare methods, Multi-stage allocation, Deals, Pools, Scenarios, Share, Functions). A tab is mounted when first opened
 * and then kept (hidden) so that its work goes on while another tab is shown: a batch job running
 * in the pane reports to the runner even when the user is looking at the press wizard.
 */
import { Body1, Button, Caption1, FluentProvider, makeStyles, Subtitle2, Tab, TabList, Title3, tokens, type Theme } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { BatchScreen } from './batch/BatchScreen';
import { PaneRunner } from './batch/paneRunner';
import { browserStorage, type SettingsStorage } from './companion/companionSettings';
import { CompanionProvider, useCompanion } from './companion/companionContext';
import { CompanionScreen, StatusBadge, statusText } from './companion/CompanionScreen';
import { CompareScreen } from './compare/CompareScreen';
import { DealScreen } from './deals/DealScreen';
import { DistributionScreen } from './distribution/DistributionScreen';
import { excelWorkbook, type WorkbookAccess } from './excel/workbook';
import { FunctionReference } from './FunctionReference';
import { MultiStageScreen } from './multistage/MultiStageScreen';
import { PoolScreen } from './pools/PoolScreen';
import { PressWizard } from './press/PressWizard';
import { ScenarioScreen } from './scenarios/ScenarioScreen';
import { ShareScreen } from './share/ShareScreen';

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}`,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
  },
  header: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr auto',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'center',
  },
  heading: { margin: 0 },
  tagline: { gridColumn: '2 / 4', color: tokens.colorNeutralForeground3 },
  tabs: { flexWrap: 'wrap', rowGap: tokens.spacingVerticalXXS, marginInline: `calc(-1 * ${tokens.spacingHorizontalS})` },
  panel: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL, minWidth: 0 },
  about: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  paragraph: { margin: 0 },
  steps: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXXL },
});

export const TABS = ['companion', 'press', 'batch', 'distribution', 'compare', 'multistage', 'deals', 'pools', 'scenarios', 'share', 'functions'] as const;
export type TabName = (typeof TABS)[number];

export const TAB_TITLES: Readonly<Record<TabName, string>> = {
  companion: 'Companion',
  press: 'Press',
  batch: 'Batch runner',
  distribution: 'Distribution',
  compare: 'Compare methods',
  multistage: 'Multi-stage',
  deals: 'Deals',
  pools: 'Pools',
  scenarios: 'Scenarios',
  share: 'Share',
  functions: 'Functions',
};

const TAB_KEY = 'partage.tab';

export interface AppProps {
  theme: Theme;
  /** Runs small batch jobs in web workers; without one (tests, hosts without workers) none run in the pane. */
  paneRunner?: PaneRunner;
  workbook?: WorkbookAccess;
  storage?: SettingsStorage;
  fetch?: typeof fetch;
  /** The tab shown first; else the last one used, else Functions. */
  initialTab?: TabName;
}

export function App({ theme, paneRunner, workbook = excelWorkbook, storage: givenStorage, fetch: fetchImpl, initialTab }: AppProps): JSX.Element {
  const styles = useStyles();
  const storage = useMemo(() => givenStorage ?? browserStorage(), [givenStorage]);
  const pane = useMemo(() => paneRunner ?? new PaneRunner(undefined), [paneRunner]);
  return (
    // Layout on an inner element: Fluent copies the provider's classes to the nodes it portals
    // tooltips into, which must not get the page's full height.
    <FluentProvider theme={theme}>
      <div className={styles.root}>
        <CompanionProvider storage={storage} fetch={fetchImpl}>
          <Shell pane={pane} workbook={workbook} storage={storage} initialTab={initialTab} />
        </CompanionProvider>
      </div>
    </FluentProvider>
  );
}

function Shell({ pane, workbook, storage, initialTab }: { pane: PaneRunner; workbook: WorkbookAccess; storage: SettingsStorage; initialTab?: TabName }): JSX.Element {
  const styles = useStyles();
  const companion = useCompanion();
  const [tab, setTabState] = useState<TabName>(() => {
    if (initialTab) return initialTab;
    const saved = storage.getItem(TAB_KEY);
    return (TABS as readonly string[]).includes(saved ?? '') ? (saved as TabName) : 'functions';
  });
  const [visited, setVisited] = useState<ReadonlySet<TabName>>(() => new Set([tab]));
  const setTab = (next: TabName) => {
    setTabState(next);
    setVisited((v) => (v.has(next) ? v : new Set([...v, next])));
    storage.setItem(TAB_KEY, next);
  };

  const panel = (name: TabName, content: JSX.Element) =>
    visited.has(name) ? (
      <div key={name} role="tabpanel" id={`panel-${name}`} aria-labelledby={`tab-${name}`} hidden={tab !== name} className={tab === name ? styles.panel : undefined} data-testid={`panel-${name}`}>
        {content}
      </div>
    ) : null;

  return (
    <>
      <header className={styles.header}>
        {/* Decorative: the heading next to it already says "partage". */}
        <img src="assets/icon-32.png" alt="" width={32} height={32} />
        <Title3 as="h1" className={styles.heading}>
          partage
        </Title3>
        <Button
          appearance="subtle"
          size="small"
          onClick={() => setTab('companion')}
          // The visible status first, so that speech input can say what is seen.
          aria-label={`${statusText(companion.status, companion.offline)}: companion status, opens the Companion tab`}
          data-testid="header-companion"
        >
          <StatusBadge status={companion.status} offline={companion.offline} />
        </Button>
        <Caption1 className={styles.tagline}>Remuneration of cultural works used by AI</Caption1>
      </header>
      <TabList selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as TabName)} size="small" className={styles.tabs} aria-label="Tasks" data-testid="tabs">
        {TABS.map((name) => (
          <Tab key={name} value={name} id={`tab-${name}`} aria-controls={`panel-${name}`} data-testid={`tab-${name}`}>
            {TAB_TITLES[name]}
          </Tab>
        ))}
      </TabList>
      <main className={styles.panel}>
        {panel('companion', <CompanionScreen onWorkOffline={() => setTab('batch')} />)}
        {panel('press', <PressWizard workbook={workbook} />)}
        {panel('batch', <BatchScreen pane={pane} workbook={workbook} storage={storage} />)}
        {panel('distribution', <DistributionScreen workbook={workbook} />)}
        {panel('compare', <CompareScreen workbook={workbook} />)}
        {panel('multistage', <MultiStageScreen workbook={workbook} companion={{ client: companion.client, connected: companion.status === 'connected' && !companion.offline }} />)}
        {panel('deals', <DealScreen workbook={workbook} />)}
        {panel('pools', <PoolScreen workbook={workbook} />)}
        {panel('scenarios', <ScenarioScreen workbook={workbook} />)}
        {panel('share', <ShareScreen workbook={workbook} />)}
        {panel('functions', <About />)}
      </main>
    </>
  );
}

function About(): JSX.Element {
  const styles = useStyles();
  return (
    <>
      <section aria-labelledby="about-heading" className={styles.about}>
        <Subtitle2 as="h2" id="about-heading" className={styles.heading}>
          What this add-in does
        </Subtitle2>
        <Body1 as="p" className={styles.paragraph}>
          partage models what AI operators should pay for the cultural works their systems use, and how that money is shared among
          rightholders, in the three steps of the value transfer:
        </Body1>
        <ol className={styles.steps}>
          <li>
            <Body1>
              <strong>A · base</strong>: which revenue is linked to the use of works (TRANSFERBASE);
            </Body1>
          </li>
          <li>
            <Body1>
              <strong>P · share</strong>: what share of that base goes to culture, by the intended purpose of the AI system (PURPOSESHARE);
            </Body1>
          </li>
          <li>
            <Body1>
              <strong>R · distribution</strong>: how that amount is split among rightholders, pro rata to their works (PAYTOTRAIN) or by
              measured contribution (SHAPLEY, BANZHAF, SIMILARITYSPLIT).
            </Body1>
          </li>
        </ol>
        <Body1 as="p" className={styles.paragraph}>
          Type <code>=PARTAGE.</code> in a cell to use them. They recalculate like any formula when their inputs change, and they run inside
          Excel, on your computer.
        </Body1>
      </section>
      <FunctionReference />
    </>
  );
}
