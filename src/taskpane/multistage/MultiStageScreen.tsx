/*
 * Multi-stage allocation: stages and their contributors → the values of the coalitions of
 * contributors (typed in a generated grid, pasted, or a file valued on the companion) → Owen
 * value by contributor and stage → RIGHTSMAP to the rightholders → a live sheet
 * (multiStageSheet.ts). Opened on a multi-stage sheet, the screen edits it.
 */
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  ProgressBar,
  Radio,
  RadioGroup,
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
import { datasetFormat } from '../batch/batchForm';
import type { CompanionClient, JobStatus } from '../companion/companionApi';
import { coalitionLabel, coalitionOrder, formatNumber } from '../compare/compareModel';
import { SheetOffer, SheetWarnings, useSheetReopening } from '../excel/SheetReopening';
import { readActiveMultiStageSheet, writeMultiStageSheet, type MultiStageSheetInputs } from '../excel/multiStageSheet';
import { excelWorkbook, workbookUnavailableReason, type WorkbookAccess } from '../excel/workbook';
import { usePreview } from '../usePreview';
import {
  draftFromMultiStageInputs,
  emptyMultiStageDraft,
  MAX_GRID_CONTRIBUTORS,
  maskKey,
  pipelineDraft,
  previewMultiStage,
  validateMultiStage,
  type IssueField,
  type MultiStageDraft,
  type SampledOwen,
  type ValuesMode,
} from './multiStageModel';

export interface MultiStageScreenProps {
  workbook?: WorkbookAccess;
  /** The paired companion, for files too large for a sheet. */
  companion?: { client?: CompanionClient; connected: boolean };
  initialDraft?: MultiStageDraft;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, minWidth: 0 },
  header: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalS },
  grid: { maxHeight: '320px', overflowY: 'auto', border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  gridInput: { width: '100%', minWidth: '80px' },
  headerEnd: { justifyContent: 'flex-end' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, tabSize: 4 },
  narrow: { width: '110px' },
  error: { color: tokens.colorPaletteRedForeground1 },
  coalition: { overflowWrap: 'anywhere' },
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function MultiStageScreen({ workbook = excelWorkbook, companion, initialDraft }: MultiStageScreenProps): JSX.Element {
  const styles = useStyles();
  const [draft, setDraft] = useState<MultiStageDraft>(() => initialDraft ?? emptyMultiStageDraft());
  const [sheetName, setSheetName] = useState<string | undefined>(undefined);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [status, setStatus] = useState<SheetStatus | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<File | undefined>(undefined);
  const [seedText, setSeedText] = useState('1');
  const [permutationsText, setPermutationsText] = useState('20000');
  const [job, setJob] = useState<{ state: string; progress: number; error?: string; summary?: string } | undefined>(undefined);
  const workbookReason = workbookUnavailableReason(workbook);

  const validation = useMemo(() => validateMultiStage(draft), [draft]);
  const preview = usePreview(validation.inputs, previewMultiStage);
  const issue = (field: IssueField): string | undefined => validation.issues.find((i) => i.field === field)?.message;

  const load = useCallback((found: MultiStageSheetInputs) => {
    setDraft(draftFromMultiStageInputs(found.inputs));
    setSheetName(found.sheetName);
    setWarnings(found.warnings);
    setStatus(undefined);
  }, []);

  const reopening = useSheetReopening(workbook, workbookReason, readActiveMultiStageSheet, load, sheetName, (text) =>
    setStatus({ intent: 'error', title: 'Could not read the active sheet', text }),
  );

  const change = (next: Partial<MultiStageDraft>): void => {
    setDraft((d) => ({ ...d, ...next }));
    setStatus((s) => (s?.intent === 'success' ? undefined : s));
  };
  const startNew = (next: MultiStageDraft): void => {
    setDraft(next);
    setSheetName(undefined);
    setWarnings([]);
    setStatus(undefined);
    setJob(undefined);
  };

  const contributors = validation.contributors;
  const names = contributors?.map((c) => c.name) ?? [];
  const gridShown = draft.valuesMode === 'grid' && contributors !== undefined && contributors.length <= MAX_GRID_CONTRIBUTORS;

  const companionReason =
    companion?.client === undefined || !companion.connected
      ? 'Connect the companion (Companion tab) to value a file of coalition values.'
      : contributors === undefined
        ? 'List the stages and contributors first.'
        : file === undefined
          ? 'Choose a file of the 2ⁿ coalition values first.'
          : datasetFormat(file.name) === undefined
            ? `"${file.name}": the companion reads .npy, .csv and .parquet files.`
            : undefined;

  const runOnCompanion = async (): Promise<void> => {
    const client = companion?.client;
    if (client === undefined || contributors === undefined || file === undefined || companionReason !== undefined) return;
    const seed = Number(seedText);
    const permutations = Number(permutationsText);
    if (!Number.isInteger(seed) || seed < 0) return setJob({ state: 'failed', progress: 0, error: `Seed: a whole number ≥ 0, got "${seedText}"` });
    if (!Number.isInteger(permutations) || permutations < 1) return setJob({ state: 'failed', progress: 0, error: `Permutations: a whole number ≥ 1, got "${permutationsText}"` });
    setJob({ state: 'uploading', progress: 0 });
    try {
      const dataset = await client.uploadDataset(file, file.name, datasetFormat(file.name)!);
      const submitted = await client.submit({
        type: 'shapley.sample',
        input: { game: { type: 'table', n: contributors.length, dataset: dataset.id }, players: names, unions: contributors.map((c) => c.stage) },
        options: { seed, maxPermutations: permutations },
      });
      setJob({ state: submitted.state, progress: 0 });
      const end: JobStatus = await client.follow(submitted.id, (j) => setJob({ state: j.state, progress: j.progress }));
      if (end.state !== 'done') {
        setJob({ state: end.state, progress: end.progress, error: end.error?.message ?? `the job ended ${end.state}` });
        return;
      }
      const r = (end.result ?? {}) as Record<string, unknown>;
      const values = Array.isArray(r.values) ? (r.values as number[]) : [];
      if (values.length !== contributors.length) throw new Error(`the job gave ${values.length} values for ${contributors.length} contributors`);
      const sampled: SampledOwen = {
        file: file.name,
        jobId: end.id,
        seed,
        permutations: typeof r.permutations === 'number' ? r.permutations : permutations,
        values,
        ...(Array.isArray(r.standardErrors) ? { standardErrors: r.standardErrors as number[] } : {}),
        engineVersion: typeof r.engineVersion === 'string' ? r.engineVersion : '—',
        backend: typeof r.backend === 'string' ? r.backend : 'companion',
        contributors: names,
      };
      setJob({
        state: 'done',
        progress: 1,
        summary: `Valued on the companion: ${sampled.permutations.toLocaleString('en-US')} permutations, seed ${seed}, job ${end.id} (${sampled.backend}).`,
      });
      change({ sampled });
    } catch (error) {
      setJob({ state: 'failed', progress: 0, error: messageOf(error) });
    }
  };

  const inputs = validation.inputs;
  const insertReason =
    workbookReason ??
    (inputs === undefined
      ? `Fix ${validation.issues.length === 1 ? 'this' : `these ${validation.issues.length} problems`} first: ${validation.issues.map((i) => i.message).join('; ')}`
      : preview?.owenError !== undefined
        ? `The Owen values cannot be computed: ${preview.owenError}`
        : undefined);

  const insert = async (): Promise<void> => {
    if (inputs === undefined || workbookReason !== undefined) return;
    setBusy(true);
    setStatus(undefined);
    try {
      const result = await workbook.run((context) => writeMultiStageSheet(context, inputs, { sheetName, sourceNotes: workbook.supports('1.18') ? 'notes' : 'prompts' }));
      setStatus({
        intent: 'success',
        title: sheetName === undefined ? 'Inserted' : 'Updated',
        text: `The allocation is on sheet "${result.sheetName}": live OWEN and RIGHTSMAP formulas on the named inputs, totals by stage and a chart.`,
      });
      setSheetName(result.sheetName);
      setWarnings([]);
    } catch (error) {
      setStatus({ intent: 'error', title: sheetName === undefined ? 'Could not insert' : 'Could not update', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const fieldState = (message: string | undefined) => ({ validationMessage: message, validationState: message !== undefined ? ('error' as const) : ('none' as const) });
  const stagesMessage = draft.stagesText.trim() === '' ? undefined : issue('stages');
  const ownershipMessage = contributors === undefined || draft.ownershipText.trim() === '' ? undefined : issue('ownership');
  const valuesMessage = contributors === undefined ? undefined : issue('values');

  return (
    <section className={styles.root} aria-labelledby="multi-heading" data-testid="multi-screen">
      <header className={styles.header}>
        <Subtitle2 as="h2" id="multi-heading" className={styles.heading}>
          Multi-stage allocation
        </Subtitle2>
        <Caption1 className={styles.muted} data-testid="multi-mode">
          {sheetName === undefined
            ? 'Stages of a pipeline as unions, their contributors as members: Owen value by contributor and stage, then to the rightholders.'
            : `Editing sheet "${sheetName}": Update rewrites it in place.`}
        </Caption1>
      </header>

      <SheetOffer reopening={reopening} holds="a multi-stage allocation" testId="multi" />
      <SheetWarnings warnings={warnings} testId="multi" />

      <div className={styles.row}>
        <Button appearance="secondary" size="small" data-testid="multi-example" onClick={() => startNew(pipelineDraft())}>
          Pipeline example
        </Button>
        <Button appearance="subtle" size="small" data-testid="multi-new" onClick={() => startNew(emptyMultiStageDraft())}>
          New allocation
        </Button>
      </div>

      <Field label="Title">
        <Input value={draft.title} onChange={(_, d) => change({ title: d.value })} data-testid="multi-title" />
      </Field>

      <Field label="Stages and their contributors" hint='One line per stage: "Base model: Model lab", or two columns (contributor, stage) pasted from Excel.' {...fieldState(stagesMessage)}>
        <Textarea value={draft.stagesText} onChange={(_, d) => change({ stagesText: d.value })} resize="vertical" rows={6} textarea={{ className: styles.mono }} data-testid="multi-stages" />
      </Field>

      <Field label="Values of the coalitions of contributors">
        <RadioGroup value={draft.valuesMode} onChange={(_, d) => change({ valuesMode: d.value as ValuesMode })} layout="horizontal" aria-label="Values of the coalitions">
          <Radio value="grid" label="Type" data-testid="multi-mode-grid" />
          <Radio value="paste" label="Paste" data-testid="multi-mode-paste" />
          <Radio value="file" label="File (companion)" data-testid="multi-mode-file" />
        </RadioGroup>
      </Field>

      {gridShown && (
        <div className={styles.grid} data-testid="multi-grid">
          <Table size="extra-small" aria-label="Coalition values">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Coalition</TableHeaderCell>
                <TableHeaderCell>Value v(S)</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {coalitionOrder(names.length)
                .filter((mask) => mask !== 0)
                .map((mask) => {
                  const key = maskKey(mask, names);
                  const label = coalitionLabel(mask, names).replace(/,/g, ', ');
                  return (
                    <TableRow key={key}>
                      <TableCell className={styles.coalition}>{`{${label}}`}</TableCell>
                      <TableCell>
                        <Input
                          size="small"
                          className={styles.gridInput}
                          value={draft.gridValues[key] ?? ''}
                          aria-label={`v({${label}})`}
                          data-testid="multi-grid-value"
                          onChange={(_, d) => change({ gridValues: { ...draft.gridValues, [key]: d.value } })}
                        />
                      </TableCell>
                    </TableRow>
                  );
                })}
            </TableBody>
          </Table>
        </div>
      )}
      {draft.valuesMode === 'paste' && (
        <Field label="Coalition table (coalition, value)" hint="Cells copied from Excel, one coalition of contributors per line.">
          <Textarea value={draft.tableText} onChange={(_, d) => change({ tableText: d.value })} resize="vertical" rows={5} textarea={{ className: styles.mono }} data-testid="multi-table" />
        </Field>
      )}
      {draft.valuesMode === 'file' && (
        <section aria-label="Coalition values from a file" className={styles.root}>
          <Body1 className={styles.muted}>
            A file of the 2ⁿ coalition values in mask order (bit i is the i-th contributor listed above), valued on the companion by Owen sampling: permutations of the stages, then of
            the contributors of each.
          </Body1>
          <input type="file" accept=".npy,.csv,.parquet" data-testid="multi-file" onChange={(e) => setFile(e.target.files?.[0] ?? undefined)} />
          <div className={styles.row}>
            <Field label="Permutations">
              <Input className={styles.narrow} value={permutationsText} onChange={(_, d) => setPermutationsText(d.value)} data-testid="multi-permutations" />
            </Field>
            <Field label="Seed">
              <Input className={styles.narrow} value={seedText} onChange={(_, d) => setSeedText(d.value)} data-testid="multi-seed" />
            </Field>
            <Button disabledFocusable={companionReason !== undefined} onClick={() => void runOnCompanion()} data-testid="multi-run">
              Run on the companion
            </Button>
          </div>
          {companionReason !== undefined && (
            <Caption1 className={styles.muted} data-testid="multi-run-reason">
              {companionReason}
            </Caption1>
          )}
          {job !== undefined && (
            <div data-testid="multi-job" data-state={job.state}>
              <ProgressBar value={job.progress} max={1} />
              <Caption1 data-testid="multi-job-text" className={job.error !== undefined ? styles.error : undefined}>
                {job.error ?? job.summary ?? `${job.state}${job.state === 'running' ? ` · ${Math.round(job.progress * 100)} %` : ''}`}
              </Caption1>
            </div>
          )}
        </section>
      )}
      {valuesMessage !== undefined && (
        <Caption1 className={styles.error} data-testid="multi-values-error" role="alert">
          {valuesMessage}
        </Caption1>
      )}

      <Field label="Ownership of the works (work, rightholder, share)" hint="Each contributor's work with its rightholders and their shares (summing to 1), pasted from Excel or separated by ;." {...fieldState(ownershipMessage)}>
        <Textarea value={draft.ownershipText} onChange={(_, d) => change({ ownershipText: d.value })} resize="vertical" rows={5} textarea={{ className: styles.mono }} data-testid="multi-ownership" />
      </Field>
      <Field label="Decimals of the rightholders' amounts" {...fieldState(issue('decimals'))}>
        <Input className={styles.narrow} value={draft.decimalsText} onChange={(_, d) => change({ decimalsText: d.value })} data-testid="multi-decimals" />
      </Field>

      {inputs !== undefined && preview !== undefined && (
        <section aria-labelledby="multi-preview-heading" data-testid="multi-preview" className={styles.root}>
          <Subtitle2 as="h3" id="multi-preview-heading" className={styles.heading}>
            Preview
          </Subtitle2>
          {preview.owenError !== undefined ? (
            <Body1 className={styles.error} data-testid="multi-owen-error">
              {preview.owenError}
            </Body1>
          ) : (
            <>
              <Table size="extra-small" aria-label="Owen value by contributor">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Contributor</TableHeaderCell>
                    <TableHeaderCell>Stage</TableHeaderCell>
                    <TableHeaderCell button={{ className: styles.headerEnd }}>Owen value</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {inputs.contributors.map((c, i) => (
                    <TableRow key={c.name} data-testid="multi-owen">
                      <TableCell>{c.name}</TableCell>
                      <TableCell>{c.stage}</TableCell>
                      <TableCell className={styles.number} data-testid="multi-owen-value" data-value={preview.owen![i]}>
                        {formatNumber(preview.owen![i])}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              <Table size="extra-small" aria-label="Totals by stage">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Stage</TableHeaderCell>
                    <TableHeaderCell button={{ className: styles.headerEnd }}>Total</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {preview.stageTotals!.map((s) => (
                    <TableRow key={s.stage} data-testid="multi-stage-total">
                      <TableCell>{s.stage}</TableCell>
                      <TableCell className={styles.number} data-value={s.total}>
                        {formatNumber(s.total)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {preview.rightsError !== undefined ? (
                <Body1 className={styles.error} data-testid="multi-rights-error">
                  {preview.rightsError}
                </Body1>
              ) : (
                <Table size="extra-small" aria-label="Amounts by rightholder">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Rightholder</TableHeaderCell>
                      <TableHeaderCell button={{ className: styles.headerEnd }}>Amount</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {preview.rightholders!.map((r) => (
                      <TableRow key={r.rightholder} data-testid="multi-rightholder">
                        <TableCell>{r.rightholder}</TableCell>
                        <TableCell className={styles.number} data-value={r.amount}>
                          {formatNumber(r.amount)}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </>
          )}
        </section>
      )}

      <InsertSheetButton testId="multi" label={sheetName === undefined ? 'Insert sheet' : `Update "${sheetName}"`} reason={insertReason} busy={busy} onInsert={() => void insert()} />
      <SheetStatusBar status={status} testId="multi" />
    </section>
  );
}
