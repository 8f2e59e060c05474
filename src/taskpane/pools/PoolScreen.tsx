/*
 * Pool distribution: one usage log (the selection or pasted cells) and a pool, split by the
 * three models fought over in music streaming — market-, user- and artist-centric — previewed
 * here with PARTAGE.POOLSPLIT itself, with who wins and who loses against market-centric, and
 * written as a live sheet (poolSheet.ts). Opened on a pool sheet, the screen edits it.
 */
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  mergeClasses,
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
import { SheetOffer, SheetWarnings, useSheetReopening } from '../excel/SheetReopening';
import { InsertSheetButton, SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { readSelectedCells } from '../batch/selection';
import { readActivePoolSheet, writePoolSheet, type PoolSheetInputs } from '../excel/poolSheet';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { usePreview } from '../usePreview';
import {
  draftFromPoolInputs,
  emptyPoolDraft,
  exampleDraft,
  extremes,
  formatAmount,
  formatChange,
  MODE_TITLES,
  POOL_MODES,
  previewPools,
  validatePools,
  type PoolDraft,
  type PoolPreview,
} from './poolModel';

export interface PoolScreenProps {
  workbook?: WorkbookAccess;
  initialDraft?: PoolDraft;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, minWidth: 0 },
  header: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  pair: { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  scroll: { overflowX: 'auto', maxWidth: '100%' },
  table: { width: '100%' },
  holderColumn: { width: '28%', minWidth: '56px' },
  headerEnd: { justifyContent: 'flex-end' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  gain: { color: tokens.colorPaletteGreenForeground1, fontWeight: tokens.fontWeightSemibold },
  loss: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  // Fluent's Input keeps a minimum width that two side by side exceed at the pane's 350 px.
  fill: { minWidth: 0, width: '100%' },
  mono: { fontFamily: tokens.fontFamilyMonospace, tabSize: 4 },
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function PoolScreen({ workbook = excelWorkbook, initialDraft }: PoolScreenProps): JSX.Element {
  const styles = useStyles();
  const [draft, setDraft] = useState<PoolDraft>(() => initialDraft ?? emptyPoolDraft());
  const [sheetName, setSheetName] = useState<string | undefined>(undefined);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(initialDraft !== undefined);
  const workbookReason = workbookUnavailableReason(workbook);

  const validation = useMemo(() => validatePools(draft), [draft]);
  const preview = usePreview(validation.inputs, previewPools);

  const load = useCallback((found: PoolSheetInputs) => {
    setDraft(draftFromPoolInputs(found.inputs));
    setSheetName(found.sheetName);
    setWarnings(found.warnings);
    setStatus(undefined);
    setTouched(true);
  }, []);

  const reopening = useSheetReopening(workbook, workbookReason, readActivePoolSheet, load, sheetName, (text) =>
    setStatus({ intent: 'error', title: 'Could not read the active sheet', text }),
  );

  const change = (next: Partial<PoolDraft>): void => {
    setDraft((d) => ({ ...d, ...next }));
    setStatus((s) => (s?.intent === 'success' ? undefined : s));
  };

  const useSelection = async (): Promise<void> => {
    try {
      const selected = await readSelectedCells(workbook);
      change({ selection: selected, usageText: '', sourceLabel: undefined });
      setTouched(true);
    } catch (error) {
      setStatus({ intent: 'error', title: 'Could not read the selection', text: messageOf(error) });
    }
  };

  const startNew = (next: PoolDraft): void => {
    setDraft(next);
    setSheetName(undefined);
    setWarnings([]);
    setStatus(undefined);
    setTouched(next.usageText !== '');
  };

  const inputs = validation.inputs;
  const firstError = Object.values(validation.errors)[0];
  const insertReason =
    workbookReason ?? (inputs === undefined ? `Fix the inputs first${firstError !== undefined ? `: ${firstError}` : ''}` : preview === undefined ? 'Computing the preview…' : undefined);

  const insert = async (): Promise<void> => {
    if (inputs === undefined || preview === undefined || workbookReason !== undefined) return;
    setBusy(true);
    setStatus(undefined);
    try {
      const result = await workbook.run((context) => writePoolSheet(context, inputs, preview.holders, { sheetName, sourceNotes: workbook.supports('1.18') ? 'notes' : 'prompts' }));
      setStatus({
        intent: 'success',
        title: sheetName === undefined ? 'Inserted' : 'Updated',
        text: `The pool distribution is on sheet "${result.sheetName}": the three models as live PARTAGE.POOLSPLIT formulas over the named log, the winners and losers, and two charts.`,
      });
      setSheetName(result.sheetName);
      setWarnings([]);
    } catch (error) {
      setStatus({ intent: 'error', title: sheetName === undefined ? 'Could not insert' : 'Could not update', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const show = (field: keyof typeof validation.errors): string | undefined => {
    const message = validation.errors[field];
    if (message === undefined) return undefined;
    if (field === 'amount' && draft.amountText.trim() === '' && !touched) return undefined;
    if (field === 'usage' && draft.usageText.trim() === '' && draft.selection === undefined && !touched) return undefined;
    return message;
  };
  const fieldProps = (field: keyof typeof validation.errors) => {
    const message = show(field);
    return { validationMessage: message, validationState: message !== undefined ? ('error' as const) : ('none' as const) };
  };
  // The threshold's message goes under the half it is about.
  const thresholdProps = (half: 'plays' | 'users') => {
    const message = validation.errors.threshold;
    const mine = message !== undefined && /distinct users/.test(message) === (half === 'users');
    return { validationMessage: mine ? message : undefined, validationState: mine ? ('error' as const) : ('none' as const) };
  };
  const source = draft.selection !== undefined && draft.usageText.trim() === '' ? draft.selection.source : undefined;

  return (
    <section className={styles.root} aria-labelledby="pools-heading" data-testid="pools-screen">
      <header className={styles.header}>
        <Subtitle2 as="h2" id="pools-heading" className={styles.heading}>
          Pool distribution
        </Subtitle2>
        <Caption1 className={styles.muted} data-testid="pools-mode">
          {sheetName === undefined
            ? 'One usage log, one pool: market-, user- and artist-centric side by side, and who wins or loses by the choice.'
            : `Editing sheet "${sheetName}": Update rewrites it in place.`}
        </Caption1>
      </header>

      <SheetOffer reopening={reopening} holds="a pool distribution" testId="pools" />
      <SheetWarnings warnings={warnings} testId="pools" />

      <div className={styles.row}>
        <Button appearance="secondary" size="small" data-testid="pools-example" onClick={() => startNew(exampleDraft())}>
          Worked example
        </Button>
        <Button appearance="subtle" size="small" data-testid="pools-new" onClick={() => startNew(emptyPoolDraft())}>
          New distribution
        </Button>
      </div>

      <Field label="Title">
        <Input value={draft.title} onChange={(_, d) => change({ title: d.value })} data-testid="pools-title" placeholder="e.g. March 2026, subscription pool" />
      </Field>
      <Field label="Pool amount" {...fieldProps('amount')}>
        <Input value={draft.amountText} onChange={(_, d) => change({ amountText: d.value })} onBlur={() => setTouched(true)} inputMode="decimal" data-testid="pools-amount" />
      </Field>

      <Field
        label="Usage log (user, holder, plays, active plays)"
        hint={
          source !== undefined
            ? `From the selection ${source}; paste cells here instead to replace it.`
            : 'Paste cells copied from Excel, one row per user and holder; a header row is allowed, active plays (sought out, not served) are optional.'
        }
        {...fieldProps('usage')}
      >
        <Textarea
          value={draft.usageText}
          onChange={(_, d) => change({ usageText: d.value, sourceLabel: undefined })}
          onBlur={() => setTouched(true)}
          resize="vertical"
          rows={6}
          textarea={{ className: styles.mono }}
          data-testid="pools-usage"
        />
      </Field>
      <div className={styles.row}>
        <Button size="small" data-testid="pools-use-selection" disabledFocusable={workbookReason !== undefined} title={workbookReason} onClick={() => void useSelection()}>
          Use selection
        </Button>
        {validation.rows !== undefined && (
          <Caption1 className={styles.muted} data-testid="pools-rows">
            {validation.rows.toLocaleString('en-US')} log rows
          </Caption1>
        )}
      </div>

      <div>
        <div className={styles.pair}>
          <Field label="Threshold: min. plays" {...thresholdProps('plays')}>
            <Input value={draft.minPlaysText} onChange={(_, d) => change({ minPlaysText: d.value })} inputMode="numeric" placeholder="none" data-testid="pools-min-plays" className={styles.fill} />
          </Field>
          <Field label="min. distinct users" {...thresholdProps('users')}>
            <Input value={draft.minUsersText} onChange={(_, d) => change({ minUsersText: d.value })} inputMode="numeric" placeholder="none" data-testid="pools-min-users" className={styles.fill} />
          </Field>
        </div>
        <Caption1 className={styles.muted}>Per holder. Market and user: a holder below it is left out; artist: it is not boosted.</Caption1>
      </div>
      <div className={styles.pair}>
        <Field label="Boost" hint="Artist-centric; default 2" {...fieldProps('boost')}>
          <Input value={draft.boostText} onChange={(_, d) => change({ boostText: d.value })} inputMode="decimal" placeholder="2" data-testid="pools-boost" className={styles.fill} />
        </Field>
        <Field label="Decimals" hint="Default 2" {...fieldProps('decimals')}>
          <Input value={draft.decimalsText} onChange={(_, d) => change({ decimalsText: d.value })} inputMode="numeric" placeholder="2" data-testid="pools-decimals" className={styles.fill} />
        </Field>
      </div>
      <Field label="Cap per user, in plays (empty: none)" hint="Deezer: 1,000 a month. A heavier user's plays are scaled down to it." {...fieldProps('userCap')}>
        <Input value={draft.userCapText} onChange={(_, d) => change({ userCapText: d.value })} inputMode="decimal" data-testid="pools-user-cap" />
      </Field>

      {inputs !== undefined && preview !== undefined && <PoolPreviewView preview={preview} decimals={inputs.decimals} amount={inputs.amount} />}

      <InsertSheetButton testId="pools" label={sheetName === undefined ? 'Insert sheet' : `Update "${sheetName}"`} reason={insertReason} busy={busy} onInsert={() => void insert()} />
      <SheetStatusBar status={status} testId="pools" />
    </section>
  );
}

const SHORT_TITLES = { market: 'Market', user: 'User', artist: 'Artist' } as const;

function PoolPreviewView({ preview, decimals, amount }: { preview: PoolPreview; decimals: number; amount: number }): JSX.Element {
  const styles = useStyles();
  const tone = (x: number) => (x > 0 ? styles.gain : x < 0 ? styles.loss : undefined);
  return (
    <section aria-labelledby="pools-preview-heading" data-testid="pools-preview" className={styles.root}>
      <div className={styles.header}>
        <Subtitle2 as="h3" id="pools-preview-heading" className={styles.heading}>
          Preview: {formatAmount(amount, decimals)} among {preview.holders.length} holders
        </Subtitle2>
        <Caption1 className={styles.muted}>Each model sums exactly to the pool (largest-remainder rounding).</Caption1>
      </div>
      <div className={styles.scroll} data-pools-scroll="">
        <Table size="extra-small" className={styles.table} aria-label="Amounts by distribution model">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.holderColumn}>Holder</TableHeaderCell>
              {POOL_MODES.map((mode) => (
                <TableHeaderCell key={mode} className={styles.number} button={{ className: styles.headerEnd }} title={MODE_TITLES[mode]}>
                  {SHORT_TITLES[mode]}
                </TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {preview.holders.map((holder, h) => (
              <TableRow key={`${holder}-${h}`} data-testid="pools-holder-row">
                <TableCell data-testid="pools-holder">{holder}</TableCell>
                {POOL_MODES.map((mode) => (
                  <TableCell key={mode} className={styles.number} data-testid={`pools-amount-${mode}`} data-value={preview.amounts[mode][h]}>
                    {formatAmount(preview.amounts[mode][h], decimals)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>

      <Subtitle2 as="h3" className={styles.heading}>
        Winners and losers against market-centric
      </Subtitle2>
      <ul className={styles.list} data-testid="pools-extremes">
        {(['user', 'artist'] as const).map((mode) => {
          const { winner, loser } = extremes(preview.holders, preview.changes[mode]);
          return (
            <li key={mode} data-testid={`pools-extremes-${mode}`}>
              <Body1>
                <strong>{MODE_TITLES[mode]}</strong>:{' '}
                {winner !== undefined ? (
                  <>
                    <span className={styles.gain}>{winner.holder}</span> gains most ({formatChange(winner.change, decimals)})
                  </>
                ) : (
                  'no one gains'
                )}
                ;{' '}
                {loser !== undefined ? (
                  <>
                    <span className={styles.loss}>{loser.holder}</span> loses most ({formatChange(loser.change, decimals)})
                  </>
                ) : (
                  'no one loses'
                )}
                .
              </Body1>
            </li>
          );
        })}
      </ul>
      <div className={styles.scroll} data-pools-scroll="">
        <Table size="extra-small" className={styles.table} aria-label="Change against market-centric by holder">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.holderColumn}>Holder</TableHeaderCell>
              <TableHeaderCell className={styles.number} button={{ className: styles.headerEnd }}>
                User − market
              </TableHeaderCell>
              <TableHeaderCell className={styles.number} button={{ className: styles.headerEnd }}>
                Artist − market
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {preview.holders.map((holder, h) => (
              <TableRow key={`${holder}-${h}`}>
                <TableCell>{holder}</TableCell>
                {(['user', 'artist'] as const).map((mode) => (
                  <TableCell key={mode} className={mergeClasses(styles.number, tone(preview.changes[mode][h]))} data-testid={`pools-change-${mode}`} data-value={preview.changes[mode][h]}>
                    {formatChange(preview.changes[mode][h], decimals)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}
