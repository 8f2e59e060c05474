/*
 * Distribution: from a holders range [holder, count, (weight)], the pay-to-train payouts as a
 * live PARTAGE.PAYTOTRAIN formula on a new sheet, with the amount typed in or linked to a press
 * sheet's amount to culture, and, when a Shapley batch table exists, each holder's
 * Shapley-based share of the same amount beside it. The pane previews the payouts with the
 * engine that PAYTOTRAIN calls.
 */
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Select,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { InsertSheetButton, SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { parseAddress, quoteSheetName, rangeAddress } from '../excel/a1';
import { writeDistributionSheet, type DistributionSpec } from '../excel/distributionSheet';
import { listPressSheets, readPressAmount, type PressSheetSummary } from '../excel/pressStore';
import { readRange, readSelection, type RangeContent } from '../excel/rangeReader';
import { findLatestShapleyTable, type ShapleyTableSummary } from '../excel/shapleyResults';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { CURRENCIES, formatMoney, formatPercent, isCurrency, parseAmount, type Currency } from '../press/numberEntry';
import { matchShapleyShares, previewPayouts, readHolders } from './distributionModel';

export interface DistributionScreenProps {
  /** The workbook to read and write; Excel's by default. */
  workbook?: WorkbookAccess;
}

export const NOT_IN_EXCEL_DISTRIBUTION = 'Open this pane in Excel to read a holders range and insert the distribution';
const MAX_DECIMALS = 10;


const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  heading: { margin: 0 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalS },
  grow: { flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The data rows of a range read with or without its header row, sheet-qualified. */
export function dataRowsAddress(address: string, hasHeader: boolean): string | undefined {
  const parsed = parseAddress(address);
  if (parsed === undefined || parsed.sheet === undefined) return undefined;
  const fromRow = parsed.fromRow + (hasHeader ? 1 : 0);
  if (fromRow > parsed.toRow) return undefined;
  return `${quoteSheetName(parsed.sheet)}!${rangeAddress(parsed.fromColumn, fromRow, parsed.toColumn, parsed.toRow)}`;
}

export function DistributionScreen({ workbook = excelWorkbook }: DistributionScreenProps): JSX.Element {
  const styles = useStyles();
  const reason = workbookUnavailableReason(workbook) === undefined ? undefined : NOT_IN_EXCEL_DISTRIBUTION;
  const [addressText, setAddressText] = useState('');
  const [range, setRange] = useState<RangeContent | undefined>(undefined);
  const [rangeError, setRangeError] = useState<string | undefined>(undefined);
  const [hasHeader, setHasHeader] = useState(true);
  const [amountKind, setAmountKind] = useState<'value' | 'press'>('value');
  const [amountText, setAmountText] = useState('');
  const [pressSheets, setPressSheets] = useState<PressSheetSummary[]>([]);
  const [pressSheet, setPressSheet] = useState<string>('');
  const [pressAmount, setPressAmount] = useState<number | undefined>(undefined);
  const [currency, setCurrency] = useState<Currency>('CHF');
  const [minimumText, setMinimumText] = useState('');
  const [decimalsText, setDecimalsText] = useState('2');
  const [shapley, setShapley] = useState<ShapleyTableSummary | undefined>(undefined);
  const [compare, setCompare] = useState(true);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    if (reason !== undefined) return;
    try {
      const [sheets, table] = await workbook.run(async (context) => [await listPressSheets(context), await findLatestShapleyTable(context)] as const);
      setPressSheets(sheets);
      setShapley(table);
      setPressSheet((current) => (sheets.some((s) => s.sheetName === current) ? current : sheets[0]?.sheetName ?? ''));
    } catch (error) {
      setStatus({ intent: 'error', title: 'Could not read the workbook', text: messageOf(error) });
    }
  }, [workbook, reason]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // The chosen press sheet's amount, for the preview (the sheet links to it live).
  useEffect(() => {
    if (reason !== undefined || amountKind !== 'press' || pressSheet === '') {
      setPressAmount(undefined);
      return undefined;
    }
    let live = true;
    const summary = pressSheets.find((s) => s.sheetName === pressSheet);
    if (summary !== undefined) setCurrency(summary.currency);
    workbook.run((context) => readPressAmount(context, pressSheet)).then(
      (value) => live && setPressAmount(value),
      () => live && setPressAmount(undefined),
    );
    return () => {
      live = false;
    };
  }, [workbook, reason, amountKind, pressSheet, pressSheets]);

  const read = async (source: 'selection' | 'address'): Promise<void> => {
    setRangeError(undefined);
    try {
      const content = await workbook.run((context) => (source === 'selection' ? readSelection(context) : readRange(context, addressText)));
      setRange(content);
      setAddressText(content.address);
    } catch (error) {
      setRange(undefined);
      setRangeError(messageOf(error));
    }
  };

  const holders = useMemo(() => (range === undefined ? undefined : readHolders(range.values, hasHeader)), [range, hasHeader]);
  const amount = amountKind === 'value' ? parseAmount(amountText) : undefined;
  const minimum = minimumText.trim() === '' ? ({ ok: true, value: 0 } as const) : parseAmount(minimumText);
  const decimals = /^\d+$/.test(decimalsText.trim()) && Number(decimalsText) <= MAX_DECIMALS ? Number(decimalsText) : undefined;
  const amountValue = amountKind === 'value' ? (amount?.ok ? amount.value : undefined) : pressAmount;

  const problems: string[] = [];
  if (range === undefined) problems.push('Holders: read a range first (select it and choose "Use selected range")');
  else problems.push(...(holders?.issues ?? []));
  if (amountKind === 'value' && amount !== undefined && !amount.ok) problems.push(`Amount: ${amount.reason === 'is empty' ? 'is required' : 'must be a number ≥ 0'}`);
  if (amountKind === 'press' && pressSheet === '') problems.push('Amount: choose a press sheet');
  if (!minimum.ok) problems.push('Minimum payout: must be a number ≥ 0');
  if (decimals === undefined) problems.push(`Decimals: must be a whole number from 0 to ${MAX_DECIMALS}`);

  const preview =
    holders !== undefined && holders.issues.length === 0 && amountValue !== undefined && minimum.ok && decimals !== undefined
      ? previewPayouts(holders, { amount: amountValue, minimumPayout: minimum.value, decimals })
      : undefined;
  if (preview?.error !== undefined) problems.push(preview.error);
  const shares = shapley !== undefined && compare && holders !== undefined ? matchShapleyShares(holders.rows, shapley.players, shapley.shares) : undefined;
  const dataAddress = range === undefined ? undefined : dataRowsAddress(range.address, hasHeader);
  const insertReason = reason ?? (problems.length > 0 ? problems.join('; ') : undefined);

  const insert = async (): Promise<void> => {
    if (insertReason !== undefined || dataAddress === undefined || holders === undefined || decimals === undefined || !minimum.ok) return;
    const spec: DistributionSpec = {
      holdersAddress: dataAddress,
      hasWeights: holders.hasWeights,
      amount: amountKind === 'press' ? { kind: 'press', sheetName: pressSheet } : { kind: 'value', value: amountValue ?? 0 },
      currency,
      minimumPayout: minimum.value,
      decimals,
      shapleyTable: shapley !== undefined && compare ? shapley.tableName : undefined,
    };
    setBusy(true);
    setStatus(undefined);
    try {
      const { sheetName } = await workbook.run((context) => writeDistributionSheet(context, spec, workbook.supports('1.18') ? 'notes' : 'prompts'));
      setStatus({ intent: 'success', title: 'Inserted', text: `The distribution is on sheet "${sheetName}".` });
    } catch (error) {
      setStatus({ intent: 'error', title: 'Could not insert', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const money = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : formatMoney(value, currency));
  const matched = shares?.filter((s) => s !== null).length ?? 0;
  const named = holders?.rows.filter((r) => r.count !== null || r.weight !== null).length ?? 0;

  return (
    <section className={styles.root} aria-labelledby="distribution-heading" data-testid="distribution-screen">
      <Subtitle2 as="h2" id="distribution-heading" className={styles.heading}>
        Distribution
      </Subtitle2>
      <Caption1 className={styles.muted}>
        Pay to train: the amount split pro rata to works × weight, as a live PARTAGE.PAYTOTRAIN formula that sums exactly to the amount.
      </Caption1>

      <div className={styles.row}>
        <Field
          className={styles.grow}
          label="Holders range: holder, count, optional weight"
          hint="A range of two or three columns, e.g. Holders!A1:C20."
          validationMessage={rangeError}
          validationState={rangeError ? 'error' : 'none'}
        >
          <Input
            id="distribution-holders-address"
            data-testid="distribution-holders-address"
            value={addressText}
            onChange={(_, data) => setAddressText(data.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && reason === undefined) void read('address');
            }}
          />
        </Field>
        <Button data-testid="distribution-read-range" disabled={reason !== undefined || addressText.trim() === ''} onClick={() => void read('address')}>
          Read range
        </Button>
        <Button data-testid="distribution-use-selection" disabled={reason !== undefined} onClick={() => void read('selection')}>
          Use selected range
        </Button>
      </div>
      <Checkbox
        id="distribution-has-header"
        data-testid="distribution-has-header"
        label="The first row is a header"
        checked={hasHeader}
        onChange={(_, data) => setHasHeader(data.checked === true)}
      />
      {holders !== undefined && (
        <Caption1 data-testid="distribution-holders-summary">
          {named} holder{named === 1 ? '' : 's'}
          {holders.hasWeights ? ', with weights' : ', no weights (each work counts 1)'}
        </Caption1>
      )}

      <Field label="Amount to distribute">
        <RadioGroup
          id="distribution-amount-kind"
          data-testid="distribution-amount-kind"
          value={amountKind}
          onChange={(_, data) => setAmountKind(data.value === 'press' ? 'press' : 'value')}
        >
          <Radio value="value" label="An amount" />
          <Radio value="press" label="The amount to culture of a press sheet (linked live)" disabled={pressSheets.length === 0} />
        </RadioGroup>
      </Field>
      {amountKind === 'value' ? (
        <Field
          label="Amount"
          required
          validationMessage={amount !== undefined && !amount.ok && amountText !== '' ? 'Amount: must be a number ≥ 0' : undefined}
          validationState={amount !== undefined && !amount.ok && amountText !== '' ? 'error' : 'none'}
        >
          <Input
            id="distribution-amount"
            data-testid="distribution-amount"
            inputMode="decimal"
            contentBefore={<span className={styles.muted}>{currency}</span>}
            value={amountText}
            placeholder="e.g. 154,000,000 or 154 M"
            onChange={(_, data) => setAmountText(data.value)}
          />
        </Field>
      ) : (
        <Field label="Press sheet" hint={pressAmount === undefined ? 'Its amount shows once Excel has calculated it.' : `Now ${money(pressAmount)}.`}>
          <Select id="distribution-press-sheet" data-testid="distribution-press-sheet" value={pressSheet} onChange={(_, data) => setPressSheet(data.value)}>
            {pressSheets.map((s) => (
              <option key={s.sheetName} value={s.sheetName}>
                {s.sheetName}: {s.title}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <div className={styles.row}>
        <Field label="Currency">
          <Select
            id="distribution-currency"
            data-testid="distribution-currency"
            value={currency}
            onChange={(_, data) => {
              if (isCurrency(data.value)) setCurrency(data.value);
            }}
          >
            {CURRENCIES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Minimum payout (optional)"
          validationMessage={minimum.ok ? undefined : 'Minimum payout: must be a number ≥ 0'}
          validationState={minimum.ok ? 'none' : 'error'}
        >
          <Input id="distribution-minimum" data-testid="distribution-minimum" inputMode="decimal" value={minimumText} placeholder="none" onChange={(_, data) => setMinimumText(data.value)} />
        </Field>
        <Field
          label="Decimals"
          validationMessage={decimals === undefined ? `Decimals: must be a whole number from 0 to ${MAX_DECIMALS}` : undefined}
          validationState={decimals === undefined ? 'error' : 'none'}
        >
          <Input id="distribution-decimals" data-testid="distribution-decimals" inputMode="numeric" value={decimalsText} onChange={(_, data) => setDecimalsText(data.value)} />
        </Field>
      </div>

      {shapley !== undefined ? (
        <Checkbox
          id="distribution-compare"
          data-testid="distribution-compare"
          checked={compare}
          onChange={(_, data) => setCompare(data.checked === true)}
          label={`Compare with the Shapley-based shares of ${shapley.tableName} (sheet "${shapley.sheetName}")${
            shares !== undefined ? `: ${matched} of ${named} holders found` : ''
          }`}
        />
      ) : (
        <Caption1 className={styles.muted} data-testid="distribution-no-shapley">
          No Shapley batch result in this workbook yet: run one to compare its shares with pay to train.
        </Caption1>
      )}
      <div className={styles.row}>
        <Button appearance="subtle" size="small" data-testid="distribution-refresh" disabled={reason !== undefined} onClick={() => void refresh()}>
          Look again for press sheets and Shapley results
        </Button>
      </div>

      {preview?.preview !== undefined && holders !== undefined && (
        <Table size="small" aria-label="Preview of the payouts" data-testid="distribution-preview">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Holder</TableHeaderCell>
              <TableHeaderCell className={styles.number}>Pay to train</TableHeaderCell>
              {shares !== undefined && <TableHeaderCell className={styles.number}>Shapley share</TableHeaderCell>}
              {shares !== undefined && <TableHeaderCell className={styles.number}>Shapley-based</TableHeaderCell>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {holders.rows.map((row, i) =>
              row.count === null && row.weight === null ? null : (
                <TableRow key={i} data-testid={`distribution-preview-${i}`}>
                  <TableCell>{row.name}</TableCell>
                  <TableCell className={styles.number}>{money(preview.preview?.payouts[i])}</TableCell>
                  {shares !== undefined && <TableCell className={styles.number}>{shares[i] === null ? 'not found' : formatPercent(shares[i] as number)}</TableCell>}
                  {shares !== undefined && (
                    <TableCell className={styles.number}>{shares[i] === null || amountValue === undefined ? '—' : money((shares[i] as number) * amountValue)}</TableCell>
                  )}
                </TableRow>
              ),
            )}
          </TableBody>
        </Table>
      )}
      {preview?.preview !== undefined && (
        <Body1 data-testid="distribution-total">Total paid: {money(preview.preview.total)}</Body1>
      )}

      <InsertSheetButton testId="distribution" label={'Insert distribution sheet'} reason={insertReason} busy={busy} onInsert={() => void insert()} />
      <SheetStatusBar status={status} testId="distribution" />
    </section>
  );
}
