/*
 * Deal comparison: several offers over one revenue forecast (low, base, high), previewed with
 * PARTAGE.LICENCEPAYMENTS itself (through the registry) and written as a live sheet
 * (dealSheet.ts) with totals, NPV, the break-even of two offers and a chart. Opened on a deal
 * sheet, the screen edits it (Update rewrites it in place).
 */
import {
  Button,
  Caption1,
  Card,
  Checkbox,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
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
import { useMemo, useState } from 'react';
import { InsertSheetButton, SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { SheetOffer, SheetWarnings, useSheetReopening } from '../excel/SheetReopening';
import { readActiveDealSheet, writeDealSheet, type DealSheetInputs } from '../excel/dealSheet';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { usePreview } from '../usePreview';
import {
  draftFromDealInputs,
  emptyDealDraft,
  emptyOffer,
  exampleDealDraft,
  fieldLabel,
  formatAmount,
  canBeTiered,
  KIND_FIELDS,
  OFFER_KIND_TITLES,
  OFFER_KINDS,
  offerLabel,
  previewDeal,
  SCENARIO_TITLES,
  SCENARIOS,
  validateDeal,
  type DealDraft,
  type NumberField,
  type OfferDraft,
  type OfferKind,
} from './dealModel';

export interface DealScreenProps {
  workbook?: WorkbookAccess;
  initialDraft?: DealDraft;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, minWidth: 0 },
  header: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  card: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, minWidth: 0 },
  terms: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))', gap: tokens.spacingHorizontalS, minWidth: 0 },
  scroll: { overflowX: 'auto', maxWidth: '100%' },
  table: { minWidth: 'max-content', width: '100%' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  headerEnd: { justifyContent: 'flex-end' },
  error: { color: tokens.colorPaletteRedForeground1 },
  mono: { fontFamily: tokens.fontFamilyMonospace, tabSize: 4 },
  // Fluent's inputs have a minimum width wider than a grid cell of the 350 px pane.
  control: { minWidth: 0, width: '100%' },
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const NUMBER_HINTS: Readonly<Record<NumberField, string>> = {
  rate: '12 % or 0.12',
  advance: 'paid with period 1',
  minimum: 'every period',
  unitFee: 'per output or use',
  exemption: 'revenue per period',
};

export function DealScreen({ workbook = excelWorkbook, initialDraft }: DealScreenProps): JSX.Element {
  const styles = useStyles();
  const [draft, setDraft] = useState<DealDraft>(() => initialDraft ?? emptyDealDraft());
  const [sheetName, setSheetName] = useState<string | undefined>(undefined);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const workbookReason = workbookUnavailableReason(workbook);

  const validation = useMemo(() => validateDeal(draft), [draft]);
  const previews = usePreview(validation.inputs, previewDeal);

  const load = (found: DealSheetInputs): void => {
    setDraft(draftFromDealInputs(found.inputs));
    setSheetName(found.sheetName);
    setWarnings(found.warnings);
    setStatus(undefined);
    setTouched(true);
  };

  const reopening = useSheetReopening(workbook, workbookReason, readActiveDealSheet, load, sheetName, (text) =>
    setStatus({ intent: 'error', title: 'Could not read the active sheet', text }),
  );

  const change = (next: Partial<DealDraft>): void => {
    setDraft((d) => ({ ...d, ...next }));
    setStatus((s) => (s?.intent === 'success' ? undefined : s));
  };
  const changeOffer = (id: string, next: Partial<OfferDraft>): void => {
    setDraft((d) => ({ ...d, offers: d.offers.map((o) => (o.id === id ? { ...o, ...next } : o)) }));
    setStatus((s) => (s?.intent === 'success' ? undefined : s));
  };
  const addOffer = (): void => {
    setDraft((d) => ({ ...d, offers: [...d.offers, emptyOffer('share', `Offer ${d.offers.length + 1}`)] }));
  };
  const removeOffer = (id: string): void => {
    setDraft((d) => ({ ...d, offers: d.offers.filter((o) => o.id !== id) }));
  };
  const startNew = (next: DealDraft): void => {
    setDraft(next);
    setSheetName(undefined);
    setWarnings([]);
    setStatus(undefined);
    setTouched(next.forecastText !== '');
  };

  const inputs = validation.inputs;
  const insertReason = workbookReason ?? (inputs === undefined ? `Fix the inputs first: ${validation.messages[0] ?? ''}`.replace(/: $/, '') : undefined);

  const insert = async (): Promise<void> => {
    if (inputs === undefined || workbookReason !== undefined) return;
    setBusy(true);
    setStatus(undefined);
    try {
      const result = await workbook.run((context) => writeDealSheet(context, inputs, { sheetName, sourceNotes: workbook.supports('1.18') ? 'notes' : 'prompts' }));
      setStatus({
        intent: 'success',
        title: sheetName === undefined ? 'Inserted' : 'Updated',
        text: `The comparison is on sheet "${result.sheetName}": live LICENCEPAYMENTS formulas on named inputs, totals and NPV, the break-even and a chart of cumulative payments.`,
      });
      setSheetName(result.sheetName);
      setWarnings([]);
    } catch (error) {
      setStatus({ intent: 'error', title: sheetName === undefined ? 'Could not insert' : 'Could not update', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const forecastMessage = touched || draft.forecastText !== '' ? validation.forecastError : undefined;
  const rightholders = previews?.filter((p) => p.kind !== 'levy') ?? [];
  const levies = previews?.filter((p) => p.kind === 'levy') ?? [];

  const previewTable = (rows: typeof rightholders, label: string, testId: string, what: 'total' | 'npv'): JSX.Element => (
    <div className={styles.scroll}>
      <Table size="extra-small" className={styles.table} aria-label={label} data-testid={testId}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Offer</TableHeaderCell>
            {SCENARIOS.map((s) => (
              <TableHeaderCell key={s} className={styles.number} button={{ className: styles.headerEnd }}>
                {SCENARIO_TITLES[s]}
              </TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((p) => (
            <TableRow key={p.name} data-testid="deal-preview-row">
              <TableCell data-testid="deal-preview-name">{p.name}</TableCell>
              {SCENARIOS.map((s) => {
                const figure = p.scenarios[s];
                return 'error' in figure ? (
                  <TableCell key={s} className={styles.error} title={figure.error}>
                    error
                  </TableCell>
                ) : (
                  <TableCell key={s} className={styles.number} data-testid={`deal-${what}-${s}`} data-value={figure[what]}>
                    {formatAmount(figure[what])}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
  const previewErrors = (previews ?? []).flatMap((p) => SCENARIOS.map((s) => p.scenarios[s]).flatMap((f) => ('error' in f ? [f.error] : [])));

  return (
    <section className={styles.root} aria-labelledby="deals-heading" data-testid="deals-screen">
      <header className={styles.header}>
        <Subtitle2 as="h2" id="deals-heading" className={styles.heading}>
          Deal comparison
        </Subtitle2>
        <Caption1 className={styles.muted} data-testid="deals-mode">
          {sheetName === undefined
            ? 'Offers side by side over one forecast: payments, totals, NPV, the break-even of two offers and a chart.'
            : `Editing sheet "${sheetName}": Update rewrites it in place.`}
        </Caption1>
      </header>

      <SheetOffer reopening={reopening} holds="a deal comparison" testId="deals" />
      <SheetWarnings warnings={warnings} testId="deals" />

      <div className={styles.row}>
        <Button appearance="secondary" size="small" data-testid="deals-example" onClick={() => startNew(exampleDealDraft())}>
          Example: catalogue licence
        </Button>
        <Button appearance="subtle" size="small" data-testid="deals-new" onClick={() => startNew(emptyDealDraft())}>
          New comparison
        </Button>
      </div>

      <Field label="Title">
        <Input value={draft.title} onChange={(_, d) => change({ title: d.value })} data-testid="deals-title" placeholder="e.g. Catalogue licence, 2027–2031" />
      </Field>
      <Field
        label="Revenue forecast (period, low, base, high, [units])"
        hint="Paste cells copied from Excel, one period per line; units (outputs or uses) for fees per output: one column, or three (low, base, high)."
        validationMessage={forecastMessage}
        validationState={forecastMessage !== undefined ? 'error' : 'none'}
      >
        <Textarea
          value={draft.forecastText}
          onChange={(_, d) => change({ forecastText: d.value })}
          onBlur={() => setTouched(true)}
          resize="vertical"
          rows={5}
          textarea={{ className: styles.mono }}
          data-testid="deals-forecast"
        />
      </Field>
      <Field
        label="Discount rate per period"
        validationMessage={validation.discountError}
        validationState={validation.discountError !== undefined ? 'error' : 'none'}
      >
        <Input value={draft.discountRate} onChange={(_, d) => change({ discountRate: d.value })} data-testid="deals-discount" />
      </Field>

      <Subtitle2 as="h3" className={styles.heading}>
        Offers
      </Subtitle2>
      {draft.offers.map((o, index) => {
        const errors = validation.offerErrors[o.id] ?? {};
        const fields = KIND_FIELDS[o.kind];
        const tiered = o.tiered && canBeTiered(o.kind);
        return (
          <Card key={o.id} className={styles.card} data-testid="deal-offer" aria-label={offerLabel(index, o.name)}>
            <div className={styles.terms}>
              <Field label="Name" validationMessage={errors.name} validationState={errors.name !== undefined ? 'error' : 'none'}>
                <Input className={styles.control} value={o.name} onChange={(_, d) => changeOffer(o.id, { name: d.value })} data-testid="deal-offer-name" />
              </Field>
              <Field label="Kind">
                <Select
                  className={styles.control}
                  value={o.kind}
                  onChange={(_, d) => changeOffer(o.id, { kind: d.value as OfferKind, ...(d.value === 'flat' ? { recoupable: false } : {}) })}
                  data-testid="deal-offer-kind"
                >
                  {OFFER_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {OFFER_KIND_TITLES[k]}
                    </option>
                  ))}
                </Select>
              </Field>
              {fields
                .filter((f): f is NumberField => f !== 'recoupable' && f !== 'schedule' && !(f === 'rate' && tiered))
                .map((f) => (
                  <Field
                    key={f}
                    label={fieldLabel(o.kind, f).replace(/^./, (c) => c.toUpperCase())}
                    hint={NUMBER_HINTS[f]}
                    validationMessage={errors[f]}
                    validationState={errors[f] !== undefined ? 'error' : 'none'}
                  >
                    <Input className={styles.control} value={o[f]} onChange={(_, d) => changeOffer(o.id, { [f]: d.value })} data-testid={`deal-offer-${f}`} />
                  </Field>
                ))}
            </div>
            {tiered && (
              <div className={styles.terms}>
                <Field
                  label="Rate schedule (from, rate)"
                  hint="One slice per line, the first from 0: 0 8 %, 500000 10 %"
                  validationMessage={errors.schedule}
                  validationState={errors.schedule !== undefined ? 'error' : 'none'}
                >
                  <Textarea
                    value={o.schedule}
                    onChange={(_, d) => changeOffer(o.id, { schedule: d.value })}
                    resize="vertical"
                    rows={3}
                    textarea={{ className: styles.mono }}
                    className={styles.control}
                    data-testid="deal-offer-schedule"
                  />
                </Field>
                <Field label="Slices apply" hint={o.scheduleMode === 'bracket' ? 'whole revenue at the rate reached' : 'each slice at its rate'}>
                  <Select
                    className={styles.control}
                    value={o.scheduleMode}
                    onChange={(_, d) => changeOffer(o.id, { scheduleMode: d.value === 'bracket' ? 'bracket' : 'marginal' })}
                    data-testid="deal-offer-schedule-mode"
                  >
                    <option value="marginal">Marginal</option>
                    <option value="bracket">Bracket</option>
                  </Select>
                </Field>
              </div>
            )}
            <div className={styles.row}>
              {canBeTiered(o.kind) && (
                <Checkbox
                  checked={o.tiered}
                  onChange={(_, d) => changeOffer(o.id, { tiered: d.checked === true, ...(d.checked === true && o.schedule.trim() === '' ? { schedule: o.rate.trim() !== '' ? `0\t${o.rate.trim()}` : '' } : {}) })}
                  label="Tiered rates (PURPOSESHARE schedule)"
                  data-testid="deal-offer-tiered"
                />
              )}
              {fields.includes('recoupable') && (
                <Checkbox
                  checked={o.recoupable}
                  onChange={(_, d) => changeOffer(o.id, { recoupable: d.checked === true })}
                  label="Recouped from royalties"
                  data-testid="deal-offer-recoupable"
                />
              )}
              {o.kind === 'levy' && <Caption1 className={styles.muted}>Paid to a commons fund, not to rightholders (seed 001).</Caption1>}
              <Button appearance="subtle" size="small" onClick={() => removeOffer(o.id)} data-testid="deal-offer-remove" disabled={draft.offers.length <= 1}>
                Remove
              </Button>
            </div>
          </Card>
        );
      })}
      <div className={styles.row}>
        <Button size="small" onClick={addOffer} data-testid="deals-add-offer">
          Add an offer
        </Button>
      </div>

      {draft.offers.length >= 2 && (
        <Field
          label="Break-even between (first-period revenue, worked out on the sheet)"
          validationMessage={validation.breakEvenError}
          validationState={validation.breakEvenError !== undefined ? 'error' : 'none'}
        >
          <div className={styles.row}>
            {[0, 1].map((j) => (
              <Select
                key={j}
                value={draft.breakEven[j]}
                aria-label={j === 0 ? 'First offer' : 'Second offer'}
                data-testid={`deals-breakeven-${j}`}
                onChange={(_, d) => change({ breakEven: (j === 0 ? [d.value, draft.breakEven[1]] : [draft.breakEven[0], d.value]) as [string, string] })}
              >
                <option value="">—</option>
                {draft.offers.map((o, k) => (
                  <option key={o.id} value={o.id}>
                    {o.name.trim() !== '' ? o.name : `Offer ${k + 1}`}
                  </option>
                ))}
              </Select>
            ))}
          </div>
        </Field>
      )}

      {inputs !== undefined && previews !== undefined && (
        <section aria-labelledby="deals-preview-heading" data-testid="deals-preview" className={styles.root}>
          <Subtitle2 as="h3" id="deals-preview-heading" className={styles.heading}>
            Preview: {inputs.periods.length} periods, paid to rightholders
          </Subtitle2>
          <Caption1 className={styles.muted}>Total payments by scenario (SUM):</Caption1>
          {previewTable(rightholders, 'Total payments by scenario', 'deals-totals', 'total')}
          <Caption1 className={styles.muted}>NPV at {draft.discountRate} per period (Excel’s NPV):</Caption1>
          {previewTable(rightholders, 'NPV by scenario', 'deals-npv', 'npv')}
          {levies.length > 0 && (
            <>
              <Subtitle2 as="h3" className={styles.heading}>
                Commons levy, paid to a fund
              </Subtitle2>
              {previewTable(levies, 'Levy totals by scenario', 'deals-levy', 'total')}
            </>
          )}
          {previewErrors.length > 0 && (
            <MessageBar intent="error" data-testid="deals-preview-errors">
              <MessageBarBody>{previewErrors.join(' · ')}</MessageBarBody>
            </MessageBar>
          )}
        </section>
      )}

      <InsertSheetButton testId="deals" label={sheetName === undefined ? 'Insert sheet' : `Update "${sheetName}"`} reason={insertReason} busy={busy} onInsert={() => void insert()} />
      <SheetStatusBar status={status} testId="deals" />
    </section>
  );
}
