/*
 * Scenarios of the active partage sheet (press calculation, deal comparison, pool distribution):
 * save its inputs under a name, apply a saved scenario (the sheet is rewritten with it), delete
 * one. They are kept with the sheet in the workbook (scenarioStore.ts). The screen follows the
 * active sheet.
 */
import { Body1, Button, Caption1, Field, Input, makeStyles, Select, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { applyScenario, deleteScenario, readScenarioSheet, saveScenario, SCENARIO_KINDS, writeComparisonSheet, type ScenarioSheet } from './scenarioStore';

export interface ScenarioScreenProps {
  workbook?: WorkbookAccess;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, minWidth: 0 },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalS },
  name: { flexGrow: 1, minWidth: '140px' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
});

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function ScenarioScreen({ workbook = excelWorkbook }: ScenarioScreenProps): JSX.Element {
  const styles = useStyles();
  const [sheet, setSheet] = useState<ScenarioSheet | undefined>(undefined);
  const [looked, setLooked] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [baseline, setBaseline] = useState('');
  const reason = workbookUnavailableReason(workbook);

  const refresh = useCallback(() => {
    if (reason !== undefined) return;
    workbook.run((context) => readScenarioSheet(context)).then(
      (found) => {
        setSheet(found);
        setLooked(true);
      },
      (error: unknown) => {
        setSheet(undefined);
        setLooked(true);
        setStatus({ intent: 'error', title: 'Could not read the active sheet', text: messageOf(error) });
      },
    );
  }, [workbook, reason]);

  useEffect(() => refresh(), [refresh]);
  useEffect(() => (reason === undefined && workbook.onSheetActivated ? workbook.onSheetActivated(refresh) : undefined), [workbook, reason, refresh]);

  /** Runs an action on the sheet: `work` answers with the sheet as it now stands and what to say. */
  const act = async (title: string, work: (context: Excel.RequestContext, sheetName: string) => Promise<{ sheet: ScenarioSheet; text: string }>): Promise<void> => {
    if (sheet === undefined) return;
    setBusy(true);
    setStatus(undefined);
    try {
      const done = await workbook.run((context) => work(context, sheet.sheetName));
      setSheet(done.sheet);
      setStatus({ intent: 'success', title, text: done.text });
    } catch (error) {
      setStatus({ intent: 'error', title: `Could not ${title.toLowerCase()}`, text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };
  const notes = workbook.supports('1.18') ? 'notes' : 'prompts';
  const what = sheet ? SCENARIO_KINDS.find((k) => k.id === sheet.kind)!.what : undefined;

  return (
    <section className={styles.root} aria-labelledby="scenarios-heading" data-testid="scenarios-screen">
      <header>
        <Subtitle2 as="h2" id="scenarios-heading" className={styles.heading}>
          Scenarios
        </Subtitle2>
        <Caption1 as="p" className={styles.muted}>
          Name and keep the inputs of a partage sheet — “our offer”, “their offer”, “midpoint” — in the workbook, and apply one to the sheet. They stay with the sheet when the workbook is saved, reopened or opened by someone else.
        </Caption1>
      </header>
      {reason !== undefined ? (
        <Body1 data-testid="scenarios-reason">{workbook.available ? reason : 'Open this pane in Excel on a press, deal or pool sheet to keep its scenarios.'}</Body1>
      ) : sheet === undefined ? (
        <Body1 data-testid="scenarios-none">{looked ? 'The active sheet is not a press calculation, a deal comparison or a pool distribution written by partage: open one to keep its scenarios.' : 'Reading the active sheet…'}</Body1>
      ) : (
        <>
          <Body1 data-testid="scenarios-sheet">
            Sheet “{sheet.sheetName}”, a {what}: {sheet.scenarios.length === 0 ? 'no scenario yet.' : `${sheet.scenarios.length} scenario${sheet.scenarios.length === 1 ? '' : 's'}.`}
          </Body1>
          <div className={styles.row}>
            <Field label="Save the sheet’s inputs as" className={styles.name}>
              <Input value={name} onChange={(_, d) => setName(d.value)} placeholder="e.g. our offer" data-testid="scenarios-name" />
            </Field>
            <Button
              appearance="primary"
              disabledFocusable={busy || name.trim() === ''}
              onClick={() =>
                void act('Saved', async (context, sheetName) => ({ sheet: await saveScenario(context, sheetName, name), text: `“${name.trim()}” keeps the inputs of “${sheetName}” as they stand.` })).then(() => setName(''))
              }
              data-testid="scenarios-save"
            >
              Save
            </Button>
          </div>
          {sheet.scenarios.length > 0 && (
            <div className={styles.row}>
              <Field label="Compare against (baseline)" className={styles.name}>
                <Select
                  value={sheet.scenarios.some((s) => s.name === baseline) ? baseline : sheet.scenarios[0].name}
                  onChange={(_, d) => setBaseline(d.value)}
                  data-testid="scenarios-baseline"
                >
                  {sheet.scenarios.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Button
                disabledFocusable={busy}
                onClick={() => {
                  const chosen = sheet.scenarios.some((s) => s.name === baseline) ? baseline : sheet.scenarios[0].name;
                  void act('Compared', async (context, sheetName) => {
                    const written = await writeComparisonSheet(context, sheetName, chosen, notes);
                    return { sheet, text: `Sheet “${written.sheetName}”: the ${sheet.scenarios.length} scenarios side by side, live, with their differences against “${chosen}” and a chart.` };
                  });
                }}
                data-testid="scenarios-compare"
              >
                Write the comparison sheet
              </Button>
            </div>
          )}
          {sheet.scenarios.length > 0 && (
            <Table size="extra-small" aria-label="Scenarios of the sheet" data-testid="scenarios-list">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Scenario</TableHeaderCell>
                  <TableHeaderCell>Saved</TableHeaderCell>
                  <TableHeaderCell />
                </TableRow>
              </TableHeader>
              <TableBody>
                {sheet.scenarios.map((s) => (
                  <TableRow key={s.name} data-testid="scenarios-row">
                    <TableCell data-testid="scenarios-row-name">{s.name}</TableCell>
                    <TableCell>
                      <Caption1>{new Date(s.savedAt).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })}</Caption1>
                    </TableCell>
                    <TableCell>
                      <div className={styles.actions}>
                        <Button size="small" disabledFocusable={busy} onClick={() => void act('Applied', async (context, sheetName) => ({ sheet: await applyScenario(context, sheetName, s.name, notes), text: `“${sheetName}” now holds the inputs of “${s.name}”.` }))} data-testid="scenarios-apply">
                          Apply
                        </Button>
                        <Button size="small" appearance="subtle" disabledFocusable={busy} onClick={() => void act('Deleted', async (context, sheetName) => ({ sheet: await deleteScenario(context, sheetName, s.name), text: `“${s.name}” is no longer kept.` }))} data-testid="scenarios-delete">
                          Delete
                        </Button>
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
      <SheetStatusBar status={status} testId="scenarios" />
    </section>
  );
}
