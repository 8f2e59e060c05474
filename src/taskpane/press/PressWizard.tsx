/*
 * The Fehr-style press calculation wizard: revenue lines → share linked to the works →
 * counterfactual share → split → review, with the running figure of each step, and "Insert"
 * (a new press sheet) or "Update" (the press sheet it was opened on, rewritten in place).
 *
 * Opened while the active sheet is a press sheet, the wizard loads that sheet's inputs; when the
 * user activates another press sheet later, it offers to edit that one instead.
 */
import {
  Body1,
  Button,
  Caption1,
  makeStyles,
  Spinner,
  Subtitle2,
  tokens,
  typographyStyles,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { SheetOffer, SheetWarnings, useSheetReopening } from '../excel/SheetReopening';
import { writePressSheet } from '../excel/pressSheet';
import { readActivePressSheet, type PressSheetInputs } from '../excel/pressStore';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { draftFromInputs, emptyDraft, fehrExample, type PressDraft } from './pressModel';
import { ReviewStep } from './ReviewStep';
import { RevenueStep } from './RevenueStep';
import { RunningFigure } from './RunningFigure';
import { ShareStep } from './ShareStep';
import { SplitStep } from './SplitStep';
import { PRESS_STEPS, validatePress, type PressStep } from './validatePress';
import { controlId } from './wizardFields';

export interface PressWizardProps {
  /** The workbook to read and write; Excel's by default. */
  workbook?: WorkbookAccess;
  /** The form's starting content; empty by default. */
  initialDraft?: PressDraft;
}

export const STEP_TITLES: Readonly<Record<PressStep, string>> = {
  revenue: 'Revenue lines',
  link: 'Share linked to the works',
  counterfactual: 'Counterfactual share',
  split: 'Split',
  review: 'Review and insert',
};


const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  header: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  heading: { margin: 0 },
  steps: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, margin: 0, padding: 0, listStyleType: 'none' },
  stepTitle: { ...typographyStyles.subtitle2, margin: 0, outlineStyle: 'none' },
  footer: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  reason: { color: tokens.colorNeutralForeground3, flexBasis: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
  hint: { color: tokens.colorNeutralForeground3, margin: 0 },
});

export function PressWizard({ workbook = excelWorkbook, initialDraft }: PressWizardProps): JSX.Element {
  const styles = useStyles();
  const [draft, setDraft] = useState<PressDraft>(() => initialDraft ?? emptyDraft());
  const [stepIndex, setStepIndex] = useState(0);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [revealed, setRevealed] = useState<ReadonlySet<PressStep>>(new Set());
  const [sheetName, setSheetName] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const step = PRESS_STEPS[stepIndex];
  const validation = useMemo(() => validatePress(draft), [draft]);
  const workbookReason = workbookUnavailableReason(workbook);

  const load = useCallback((found: PressSheetInputs) => {
    setDraft(draftFromInputs(found.inputs));
    setSheetName(found.sheetName);
    setWarnings(found.warnings);
    setTouched(new Set());
    setRevealed(new Set());
    setStatus(undefined);
  }, []);

  const reopening = useSheetReopening(workbook, workbookReason, readActivePressSheet, load, sheetName, (text) =>
    setStatus({ intent: 'error', title: 'Could not read the active sheet', text }),
  );

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [stepIndex]);

  const update = useCallback((change: (d: PressDraft) => PressDraft) => {
    setDraft((d) => change(d));
    setStatus((s) => (s?.intent === 'success' ? undefined : s));
  }, []);
  const touch = useCallback((field: string) => setTouched((t) => (t.has(field) ? t : new Set(t).add(field))), []);
  const messageFor = (field: string): string | undefined => {
    const issue = validation.issues.find((i) => i.field === field);
    return issue !== undefined && (touched.has(field) || revealed.has(issue.step)) ? issue.message : undefined;
  };

  const goTo = (index: number): void => {
    if (PRESS_STEPS[index] === 'review') setRevealed(new Set(PRESS_STEPS));
    setStepIndex(index);
  };
  const next = (): void => {
    const own = validation.issues.filter((i) => i.step === step);
    if (own.length > 0) {
      setRevealed((r) => new Set(r).add(step));
      // The first control with a problem takes the focus, so its message is read out.
      document.getElementById(controlId(focusTarget(own[0].field)))?.focus();
      return;
    }
    goTo(stepIndex + 1);
  };

  const insertReason =
    workbookReason ??
    (validation.inputs === undefined
      ? `Fix ${validation.issues.length === 1 ? 'this' : `these ${validation.issues.length} problems`} first: ${validation.issues
          .slice(0, 3)
          .map((i) => i.message)
          .join('; ')}${validation.issues.length > 3 ? '; …' : ''}`
      : undefined);

  const insert = async (): Promise<void> => {
    const inputs = validation.inputs;
    if (inputs === undefined || workbookReason !== undefined) return;
    setBusy(true);
    setStatus(undefined);
    try {
      const result = await workbook.run((context) =>
        writePressSheet(context, inputs, { sheetName, sourceNotes: workbook.supports('1.18') ? 'notes' : 'prompts' }),
      );
      setStatus({
        intent: 'success',
        title: sheetName === undefined ? 'Inserted' : 'Updated',
        text: `The calculation is on sheet "${result.sheetName}", with live PARTAGE formulas, its sensitivity table and tornado chart.`,
      });
      setSheetName(result.sheetName);
      setWarnings([]);
    } catch (error) {
      setStatus({ intent: 'error', title: sheetName === undefined ? 'Could not insert' : 'Could not update', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const startNew = (draftToUse: PressDraft): void => {
    setDraft(draftToUse);
    setSheetName(undefined);
    setWarnings([]);
    setTouched(new Set());
    setRevealed(new Set());
    setStatus(undefined);
    setStepIndex(0);
  };

  const stepProps = { draft, update, messageFor, touch };
  const insertLabel = sheetName === undefined ? 'Insert sheet' : `Update "${sheetName}"`;
  return (
    <section className={styles.root} aria-labelledby="press-heading" data-testid="press-wizard">
      <header className={styles.header}>
        <Subtitle2 as="h2" id="press-heading" className={styles.heading}>
          Press calculation
        </Subtitle2>
        <Caption1 className={styles.muted} data-testid="press-mode">
          {sheetName === undefined ? 'A new sheet: revenue → linked share → counterfactual share → split.' : `Editing sheet "${sheetName}": Update rewrites it in place.`}
        </Caption1>
      </header>

      <SheetOffer reopening={reopening} holds="a press calculation" testId="press" />
      <SheetWarnings warnings={warnings} testId="press" />

      <nav aria-label="Steps">
        <ol className={styles.steps}>
          {PRESS_STEPS.map((s, k) => (
            <li key={s}>
              <Button
                size="small"
                appearance={k === stepIndex ? 'primary' : 'subtle'}
                aria-current={k === stepIndex ? 'step' : undefined}
                data-testid={`press-step-${s}`}
                onClick={() => goTo(k)}
              >
                {k + 1}. {STEP_TITLES[s]}
              </Button>
            </li>
          ))}
        </ol>
      </nav>

      <h3 className={styles.stepTitle} tabIndex={-1} ref={stepHeading} data-testid="press-step-title">
        Step {stepIndex + 1} of {PRESS_STEPS.length}: {STEP_TITLES[step]}
      </h3>

      {step === 'revenue' && <RevenueStep {...stepProps} />}
      {step === 'link' && <ShareStep which="link" {...stepProps} />}
      {step === 'counterfactual' && <ShareStep which="counterfactual" {...stepProps} />}
      {step === 'split' && <SplitStep {...stepProps} />}
      {step === 'review' && <ReviewStep inputs={validation.inputs} figures={validation.figures} issues={validation.issues} currency={draft.currency} />}

      <RunningFigure step={step} figures={validation.figures} currency={draft.currency} useDeductions={draft.useDeductions} />

      <div className={styles.footer}>
        <Button data-testid="press-back" disabled={stepIndex === 0} onClick={() => goTo(stepIndex - 1)}>
          Back
        </Button>
        {stepIndex < PRESS_STEPS.length - 1 && (
          <Button appearance={step === 'split' ? 'primary' : 'secondary'} data-testid="press-next" onClick={next}>
            Next
          </Button>
        )}
        <Button
          appearance="primary"
          data-testid="press-insert"
          disabledFocusable={insertReason !== undefined || busy}
          aria-describedby={insertReason !== undefined ? 'press-insert-reason' : undefined}
          onClick={() => void insert()}
          icon={busy ? <Spinner size="tiny" /> : undefined}
        >
          {insertLabel}
        </Button>
        {insertReason !== undefined && (
          <Caption1 id="press-insert-reason" className={styles.reason} data-testid="press-insert-reason">
            {insertReason}
          </Caption1>
        )}
      </div>

      <SheetStatusBar status={status} testId="press" />

      <div className={styles.footer}>
        <Button appearance="subtle" size="small" data-testid="press-example" onClick={() => startNew(fehrExample())}>
          Start from the report’s example
        </Button>
        <Button appearance="subtle" size="small" data-testid="press-new" onClick={() => startNew(emptyDraft())}>
          New calculation
        </Button>
      </div>
      <Body1 className={styles.hint} as="p">
        Percentages are typed in percent (55 for 55 %); amounts accept 1,000,000, 1'000'000 or 1 bn.
      </Body1>
    </section>
  );
}

/** The control that shows a field's message: a schedule row's rate, a list's first row. */
function focusTarget(field: string): string {
  if (/^split\.schedule\.\d+$/.test(field)) return `${field}.rate`;
  if (field === 'split.schedule') return 'split.schedule.0.rate';
  if (field === 'lines') return 'lines.0.amount';
  return field;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
