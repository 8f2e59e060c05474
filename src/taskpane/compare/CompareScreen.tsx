/*
 * Compare methods: from a coalition table (the selection or pasted cells) and optional a priori
 * unions, every allocation method side by side with its core check, previewed here with the
 * functions themselves and written as a live sheet (compareSheet.ts). Opened on a compare sheet,
 * the screen edits it (Update rewrites it in place).
 */
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useMemo, useState } from 'react';
import { InsertSheetButton, SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { readSelectedCells } from '../batch/selection';
import { SheetOffer, SheetWarnings, useSheetReopening } from '../excel/SheetReopening';
import { readActiveCompareSheet, writeCompareSheet, type CompareSheetInputs } from '../excel/compareSheet';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { usePreview } from '../usePreview';
import {
  box3Draft,
  draftFromCompareInputs,
  emptyCompareDraft,
  formatNumber,
  nucleolusExplanation,
  previewMethods,
  validateCompare,
  verdict,
  type CompareDraft,
} from './compareModel';

export interface CompareScreenProps {
  workbook?: WorkbookAccess;
  initialDraft?: CompareDraft;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, minWidth: 0 },
  header: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  scroll: { overflowX: 'auto', maxWidth: '100%' },
  table: { minWidth: 'max-content', width: '100%' },
  methodColumn: { width: '45%', minWidth: '120px' },
  headerEnd: { justifyContent: 'flex-end' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  methodError: { color: tokens.colorPaletteRedForeground1 },
  verdicts: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  mono: { fontFamily: tokens.fontFamilyMonospace, tabSize: 4 },
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function CompareScreen({ workbook = excelWorkbook, initialDraft }: CompareScreenProps): JSX.Element {
  const styles = useStyles();
  const [draft, setDraft] = useState<CompareDraft>(() => initialDraft ?? emptyCompareDraft());
  const [sheetName, setSheetName] = useState<string | undefined>(undefined);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const workbookReason = workbookUnavailableReason(workbook);

  const validation = useMemo(() => validateCompare(draft), [draft]);
  const previews = usePreview(validation.inputs, previewMethods);

  const load = useCallback((found: CompareSheetInputs) => {
    setDraft(draftFromCompareInputs(found.inputs));
    setSheetName(found.sheetName);
    setWarnings(found.warnings);
    setStatus(undefined);
    setTouched(true);
  }, []);

  const reopening = useSheetReopening(workbook, workbookReason, readActiveCompareSheet, load, sheetName, (text) =>
    setStatus({ intent: 'error', title: 'Could not read the active sheet', text }),
  );

  const change = (next: Partial<CompareDraft>): void => {
    setDraft((d) => ({ ...d, ...next }));
    setStatus((s) => (s?.intent === 'success' ? undefined : s));
  };

  const useSelection = async (): Promise<void> => {
    try {
      const selected = await readSelectedCells(workbook);
      change({ selection: selected, tableText: '', sourceLabel: undefined });
      setTouched(true);
    } catch (error) {
      setStatus({ intent: 'error', title: 'Could not read the selection', text: messageOf(error) });
    }
  };

  const startNew = (next: CompareDraft): void => {
    setDraft(next);
    setSheetName(undefined);
    setWarnings([]);
    setStatus(undefined);
    setTouched(next.tableText !== '');
  };

  const inputs = validation.inputs;
  const insertReason =
    workbookReason ?? (inputs === undefined ? `Fix the inputs first: ${validation.tableError ?? validation.unionsError ?? ''}`.replace(/: $/, '') : undefined);

  const insert = async (): Promise<void> => {
    if (inputs === undefined || workbookReason !== undefined) return;
    setBusy(true);
    setStatus(undefined);
    try {
      const result = await workbook.run((context) => writeCompareSheet(context, inputs, { sheetName, sourceNotes: workbook.supports('1.18') ? 'notes' : 'prompts' }));
      setStatus({
        intent: 'success',
        title: sheetName === undefined ? 'Inserted' : 'Updated',
        text: `The comparison is on sheet "${result.sheetName}": live PARTAGE formulas over the named table, each with its COREGAP verdict, and a chart.`,
      });
      setSheetName(result.sheetName);
      setWarnings([]);
    } catch (error) {
      setStatus({ intent: 'error', title: sheetName === undefined ? 'Could not insert' : 'Could not update', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const tableMessage = touched || draft.tableText !== '' ? validation.tableError : undefined;
  const source = draft.selection !== undefined && draft.tableText.trim() === '' ? draft.selection.source : undefined;

  return (
    <section className={styles.root} aria-labelledby="compare-heading" data-testid="compare-screen">
      <header className={styles.header}>
        <Subtitle2 as="h2" id="compare-heading" className={styles.heading}>
          Compare methods
        </Subtitle2>
        <Caption1 className={styles.muted} data-testid="compare-mode">
          {sheetName === undefined
            ? 'Shapley, Banzhaf, leave-one-out, nucleolus, Owen and pro rata side by side, each with its core check.'
            : `Editing sheet "${sheetName}": Update rewrites it in place.`}
        </Caption1>
      </header>

      <SheetOffer reopening={reopening} holds="a comparison of methods" testId="compare" />
      <SheetWarnings warnings={warnings} testId="compare" />

      <div className={styles.row}>
        <Button appearance="secondary" size="small" data-testid="compare-example" onClick={() => startNew(box3Draft())}>
          Box 3 example
        </Button>
        <Button appearance="subtle" size="small" data-testid="compare-new" onClick={() => startNew(emptyCompareDraft())}>
          New comparison
        </Button>
      </div>

      <Field label="Title">
        <Input value={draft.title} onChange={(_, d) => change({ title: d.value })} data-testid="compare-title" placeholder="e.g. Image catalogues, 2026" />
      </Field>

      <Field
        label="Coalition table (coalition, value)"
        hint={source !== undefined ? `From the selection ${source}; paste cells here instead to replace it.` : 'Paste cells copied from Excel: one coalition per line (A,B  80), or a header row of players with 0/1 columns and the value last.'}
        validationMessage={tableMessage}
        validationState={tableMessage !== undefined ? 'error' : 'none'}
      >
        <Textarea
          value={draft.tableText}
          onChange={(_, d) => change({ tableText: d.value, sourceLabel: undefined })}
          onBlur={() => setTouched(true)}
          resize="vertical"
          rows={6}
          textarea={{ className: styles.mono }}
          data-testid="compare-table"
        />
      </Field>
      <div className={styles.row}>
        <Button
          size="small"
          data-testid="compare-use-selection"
          disabledFocusable={workbookReason !== undefined}
          title={workbookReason}
          onClick={() => void useSelection()}
        >
          Use selection
        </Button>
      </div>

      <Field
        label="A priori unions (optional, for the Owen value)"
        hint={'One line per union ("Union 1: A, B"), or two columns (player, union) pasted from Excel.'}
        validationMessage={validation.unionsError}
        validationState={validation.unionsError !== undefined ? 'error' : 'none'}
      >
        <Textarea
          value={draft.unionsText}
          onChange={(_, d) => change({ unionsText: d.value })}
          resize="vertical"
          rows={2}
          textarea={{ className: styles.mono }}
          data-testid="compare-unions"
        />
      </Field>

      {inputs !== undefined && previews !== undefined && (
        <section aria-labelledby="compare-preview-heading" data-testid="compare-preview" className={styles.root}>
          <div className={styles.header}>
            <Subtitle2 as="h3" id="compare-preview-heading" className={styles.heading}>
              Preview: {inputs.players.length} players, v(N) = {formatNumber(inputs.values[inputs.values.length - 1])}
            </Subtitle2>
            <Caption1 className={styles.muted} data-testid="compare-nucleolus-kind">
              {nucleolusExplanation(inputs)}
            </Caption1>
          </div>
          {/* Methods as rows: at the pane's width a few players fit across; more scroll. */}
          <div className={styles.scroll}>
            <Table size="extra-small" className={styles.table} aria-label="Allocations by method">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell className={styles.methodColumn}>Method</TableHeaderCell>
                  {inputs.players.map((player) => (
                    <TableHeaderCell key={player} className={styles.number} button={{ className: styles.headerEnd }}>
                      {player}
                    </TableHeaderCell>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {previews.map((p) => (
                  <TableRow key={p.method} data-testid={`compare-row-${p.method}`}>
                    <TableCell data-testid="compare-method-title">{p.title}</TableCell>
                    {inputs.players.map((player, i) => (
                      <TableCell key={player} className={styles.number} data-testid={`compare-value-${p.method}`} data-value={p.values?.[i] ?? ''}>
                        {p.values !== undefined ? formatNumber(p.values[i]) : '—'}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Subtitle2 as="h3" className={styles.heading}>
            Core check (COREGAP)
          </Subtitle2>
          <ul className={styles.verdicts} data-testid="compare-verdicts">
            {previews.map((p) => (
              <li key={p.method} data-testid={`compare-verdict-${p.method}`}>
                <Body1>
                  <strong>{p.title}</strong>:{' '}
                  {p.error !== undefined ? (
                    <span className={styles.methodError}>{p.error}</span>
                  ) : p.core === undefined ? null : 'error' in p.core ? (
                    <span className={styles.methodError}>core check: {p.core.error}</span>
                  ) : (
                    <span data-testid={`compare-excess-${p.method}`} data-value={p.core.excess} data-coalition={p.core.coalition}>
                      {verdict(p.core)}
                      {p.core.excess <= 0 ? ` (largest excess ${formatNumber(p.core.excess)}, for ${p.core.coalition})` : ''}
                    </span>
                  )}
                </Body1>
              </li>
            ))}
          </ul>
        </section>
      )}

      <InsertSheetButton testId="compare" label={sheetName === undefined ? 'Insert sheet' : `Update "${sheetName}"`} reason={insertReason} busy={busy} onInsert={() => void insert()} />
      <SheetStatusBar status={status} testId="compare" />
    </section>
  );
}
