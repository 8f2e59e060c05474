/*
 * The Shapley batch runner: choose a game and read its cells (the selection in Excel, or cells
 * pasted into the pane), or upload embedding files for similarity attribution; exact or sampled
 * (a number of permutations or a target standard error, and the seed), or for a coalition table
 * its nucleolus or pre-nucleolus; run on the companion or in
 * the pane; follow the jobs (progress, time left, cancel), read the results and write them to
 * Excel.
 */
import {
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { CompanionHttpError } from '../companion/companionApi';
import { browserStorage, type SettingsStorage } from '../companion/companionSettings';
import { useCompanion } from '../companion/companionContext';
import { excelWorkbook, type WorkbookAccess } from '../excel/workbook';
import {
  buildGame,
  buildMethod,
  buildThreshold,
  checkMethodForGame,
  datasetFormat,
  initialForm,
  parseCells,
  randomSeed,
  summariseCells,
  suggestions,
  type BatchFormState,
  type FormErrors,
  type FormField,
  type MethodChoice,
  type ParsedCells,
} from './batchForm';
import { GAME_TITLES, PANE_LIMIT_TEXT, planRun, type BatchGame, type BatchMethod, type GameKind, type Where } from './batchGame';
import { JobList } from './JobList';
import type { PaneRunner } from './paneRunner';
import { ResultsView } from './ResultsView';
import { gridFromText, PASTED, readSelectedCells, SelectionError, type SelectedCells } from './selection';
import { useBatchJobs } from './useBatchJobs';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  heading: { margin: 0 },
  group: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    border: 'none',
    margin: 0,
    padding: 0,
    minWidth: 0,
  },
  legend: { padding: 0, marginBottom: tokens.spacingVerticalXS, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase300 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  grow: { flexGrow: 1, minWidth: '8em' },
  muted: { color: tokens.colorNeutralForeground3 },
  cells: { fontFamily: tokens.fontFamilyMonospace },
  error: { color: tokens.colorPaletteRedForeground1 },
  // Four methods for a table do not fit on one line of the pane.
  wrap: { flexWrap: 'wrap' },
  radioHint: { display: 'block', color: tokens.colorNeutralForeground3, marginInlineStart: '32px', marginTop: `-${tokens.spacingVerticalXS}` },
  file: { fontSize: tokens.fontSizeBase200, maxWidth: '100%' },
});

/** How each game's cells are laid out, shown above the cells. */
const LAYOUT: Readonly<Record<Exclude<GameKind, 'similarity'>, string>> = {
  table: 'Two columns: coalition (A,B or A+B; empty for ∅) and value, all 2ⁿ coalitions. Or a header row of player names, 0/1 columns, value last.',
  voting: 'Two columns: member and weight (or one column of weights). A coalition wins when its weights reach the quota.',
  saturatingScale: 'Two columns: rightholder and catalogue size (or one column of sizes). Quality P(D) = 1 − (1 + D/D₀)^−α.',
};

export interface BatchScreenProps {
  pane: PaneRunner;
  workbook?: WorkbookAccess;
  storage?: SettingsStorage;
}

type Files = Partial<Record<'outputs' | 'items' | 'holders', File>>;

export function BatchScreen({ pane, workbook = excelWorkbook, storage: givenStorage }: BatchScreenProps): JSX.Element {
  const styles = useStyles();
  const storage = useMemo(() => givenStorage ?? browserStorage(), [givenStorage]);
  const companion = useCompanion();
  const connected = companion.status === 'connected' && companion.client !== undefined;
  const jobs = useBatchJobs({ storage, client: companion.client, pane, online: connected });

  const [form, setForm] = useState<BatchFormState>(() => initialForm());
  const [cellsText, setCellsText] = useState('');
  const [cells, setCells] = useState<SelectedCells | undefined>(undefined);
  const [files, setFiles] = useState<Files>({});
  const [errors, setErrors] = useState<FormErrors>({});
  const [runError, setRunError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [whereChoice, setWhereChoice] = useState<Where | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);

  const set = (change: Partial<BatchFormState>) => setForm((f) => ({ ...f, ...change }));
  const clearError = (field: FormField) => setErrors((e) => ({ ...e, [field]: undefined }));

  // The cells read as the chosen game; re-read when the game changes.
  const parsed = useMemo((): { value?: ParsedCells; error?: string } => {
    if (!cells || form.kind === 'similarity') return {};
    try {
      return { value: parseCells(form.kind, cells) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [cells, form.kind]);

  // Fill the game's own fields with a sensible start once its cells are read.
  useEffect(() => {
    if (parsed.value) setForm((f) => ({ ...f, ...suggestions(parsed.value!) }));
  }, [parsed.value]);

  // For the plan, the method as far as it can be read (errors are reported on Run).
  const draftMethod: BatchMethod = useMemo(() => buildMethod(form, {}) ?? { kind: 'exact' }, [form]);
  const draftGame: BatchGame | undefined = useMemo(() => {
    if (form.kind === 'similarity') return { kind: 'similarity', outputs: '', items: '', holders: '', threshold: 0, mode: form.mode, source: 'files' };
    return buildGame(form, parsed.value, {}) ?? undefined;
  }, [form, parsed.value]);
  const plan = draftGame ? planRun(draftGame, draftMethod, connected) : undefined;
  const where: Where | undefined =
    plan && whereChoice && plan[whereChoice].possible ? whereChoice : plan?.preferred ?? (form.kind === 'similarity' ? undefined : connected ? 'companion' : 'pane');

  const readSelection = async () => {
    setBusy('Reading the selection…');
    try {
      const read = await readSelectedCells(workbook);
      setCells(read);
      setCellsText('');
      clearError('cells');
    } catch (error) {
      setErrors((e) => ({ ...e, cells: `Could not read the selection: ${error instanceof Error ? error.message : String(error)}` }));
    } finally {
      setBusy(undefined);
    }
  };

  const onPaste = (text: string) => {
    setCellsText(text);
    clearError('cells');
    if (text.trim() === '') {
      setCells(undefined);
      return;
    }
    try {
      setCells({ source: PASTED, grid: gridFromText(text) });
    } catch (error) {
      setCells(undefined);
      if (error instanceof SelectionError) setErrors((e) => ({ ...e, cells: error.message }));
    }
  };

  const run = async () => {
    try {
      await submit();
    } finally {
      setBusy(undefined);
    }
  };

  const submit = async () => {
    const found: FormErrors = {};
    setRunError(undefined);
    let game: BatchGame | undefined;
    let method: BatchMethod | undefined;
    if (form.kind === 'similarity') {
      const threshold = buildThreshold(form, found);
      for (const key of ['outputs', 'items', 'holders'] as const) {
        const file = files[key];
        if (!file) found[key] = 'Choose a file.';
        else if (!datasetFormat(file.name)) found[key] = `"${file.name}": the companion reads .npy, .csv and .parquet files.`;
      }
      if (!connected) setRunError('Similarity attribution runs on the companion: pair it in the Companion tab.');
      setErrors(found);
      if (Object.keys(found).length > 0 || !connected || threshold === undefined) return;
      try {
        const ids: Record<string, string> = {};
        for (const key of ['outputs', 'items', 'holders'] as const) {
          const file = files[key]!;
          setBusy(`Uploading ${file.name}…`);
          try {
            ids[key] = (await companion.client!.uploadDataset(file, file.name, datasetFormat(file.name)!, key === 'holders' ? 'auto' : undefined)).id;
          } catch (error) {
            if (error instanceof CompanionHttpError) {
              setErrors((e) => ({ ...e, [key]: `${file.name}: ${error.withField}` }));
              return;
            }
            throw error;
          }
        }
        game = {
          kind: 'similarity',
          outputs: ids.outputs,
          items: ids.items,
          holders: ids.holders,
          threshold,
          mode: form.mode,
          source: `${files.outputs!.name} × ${files.items!.name}`,
        };
        method = { kind: 'exact' };
      } catch (error) {
        setRunError(error instanceof Error ? error.message : String(error));
        return;
      }
    } else {
      method = buildMethod(form, found);
      game = buildGame(form, parsed.value, found);
      if (game && method) checkMethodForGame(game, method, found);
      if (parsed.error) found.cells = parsed.error;
      setErrors(found);
      if (!game || !method || Object.keys(found).some((k) => found[k as FormField])) return;
    }
    const target = planRun(game, method, connected);
    const place = whereChoice && target[whereChoice].possible ? whereChoice : target.preferred;
    if (!place) {
      setRunError(target.pane.reason ?? target.companion.reason ?? 'This job cannot run here.');
      return;
    }
    setBusy(place === 'companion' ? 'Sending the job to the companion…' : 'Starting…');
    try {
      await jobs.start(game, method, place);
    } catch (error) {
      setRunError(error instanceof CompanionHttpError ? error.withField : error instanceof Error ? error.message : String(error));
    }
  };

  const shown = jobs.jobs.find((j) => j.id === selected && j.result) ?? (selected === undefined ? jobs.jobs.find((j) => j.state === 'done' && j.result) : undefined);
  const excelReason = workbook.available ? undefined : 'Open this pane in Excel to read the selection; meanwhile paste the cells below.';
  const fieldState = (field: FormField) => ({ validationMessage: errors[field], validationState: errors[field] ? ('error' as const) : ('none' as const) });

  return (
    <section className={styles.root} aria-labelledby="batch-heading" data-testid="batch-screen">
      <Subtitle2 as="h2" id="batch-heading" className={styles.heading}>
        Shapley batch runner
      </Subtitle2>
      {!connected && (
        <MessageBar intent={companion.offline ? 'warning' : 'info'} layout="multiline" data-testid="batch-offline">
          <MessageBarBody>
            <MessageBarTitle>{companion.offline ? 'Working offline.' : 'No companion connected.'}</MessageBarTitle>
            Jobs run in this pane, with the same engine; larger ones need the companion (limits under “Run on”).
          </MessageBarBody>
        </MessageBar>
      )}

      <fieldset className={styles.group}>
        <legend className={styles.legend}>Game</legend>
        <RadioGroup
          value={form.kind}
          onChange={(_, d) => {
            const kind = d.value as GameKind;
            // The nucleolus is of coalition tables only.
            set({ kind, ...(kind !== 'table' && (form.method === 'nucleolus' || form.method === 'prenucleolus') ? { method: 'exact' as const } : {}) });
            setErrors({});
          }}
          data-testid="game-kind"
          aria-label="Game"
        >
          {(Object.keys(GAME_TITLES) as GameKind[]).map((kind) => (
            <Radio key={kind} value={kind} label={GAME_TITLES[kind]} data-testid={`game-${kind}`} />
          ))}
        </RadioGroup>
      </fieldset>

      {form.kind !== 'similarity' ? (
        <fieldset className={styles.group}>
          <legend className={styles.legend}>Cells</legend>
          <Caption1 className={styles.muted}>{LAYOUT[form.kind]}</Caption1>
          <div className={styles.row}>
            <Button onClick={() => void readSelection()} disabledFocusable={excelReason !== undefined} aria-describedby={excelReason ? 'selection-reason' : undefined} data-testid="use-selection">
              Use selected range
            </Button>
            {excelReason && (
              <Caption1 id="selection-reason" className={styles.muted}>
                {excelReason}
              </Caption1>
            )}
          </div>
          <Field label="Or paste the cells (copied from Excel, or typed one row per line)" validationMessage={errors.cells ?? parsed.error} validationState={errors.cells ?? parsed.error ? 'error' : 'none'}>
            <Textarea
              value={cellsText}
              onChange={(_, d) => onPaste(d.value)}
              resize="vertical"
              rows={4}
              textarea={{ className: styles.cells, spellCheck: false }}
              data-testid="cells-input"
            />
          </Field>
          {parsed.value && (
            <Caption1 data-testid="cells-summary" role="status">
              {summariseCells(parsed.value)}
            </Caption1>
          )}
          {form.kind === 'voting' && (
            <Field label="Quota (weight a coalition needs to win)" {...fieldState('quota')}>
              <Input value={form.quota} onChange={(_, d) => set({ quota: d.value })} inputMode="decimal" data-testid="quota" />
            </Field>
          )}
          {form.kind === 'saturatingScale' && (
            <div className={styles.row}>
              <Field className={styles.grow} label="Half size D₀" hint="Data at which half the quality is reached (α = 1)" {...fieldState('halfSize')}>
                <Input value={form.halfSize} onChange={(_, d) => set({ halfSize: d.value })} inputMode="decimal" data-testid="half-size" />
              </Field>
              <Field className={styles.grow} label="Exponent α" {...fieldState('alpha')}>
                <Input value={form.alpha} onChange={(_, d) => set({ alpha: d.value })} inputMode="decimal" data-testid="alpha" />
              </Field>
            </div>
          )}
        </fieldset>
      ) : (
        <SimilarityFields setFiles={setFiles} form={form} set={set} errors={errors} />
      )}

      {form.kind !== 'similarity' && (
        <fieldset className={styles.group}>
          <legend className={styles.legend}>Method</legend>
          <RadioGroup
            value={form.method}
            onChange={(_, d) => {
              set({ method: d.value as MethodChoice });
              clearError('method');
            }}
            layout="horizontal"
            className={styles.wrap}
            aria-label="Method"
            aria-describedby={errors.method ? 'method-error' : undefined}
            data-testid="method"
          >
            <Radio value="exact" label="Exact" data-testid="method-exact" />
            <Radio value="sampled" label="Sampled" data-testid="method-sampled" />
            {form.kind === 'table' && <Radio value="nucleolus" label="Nucleolus" data-testid="method-nucleolus" />}
            {form.kind === 'table' && <Radio value="prenucleolus" label="Pre-nucleolus" data-testid="method-prenucleolus" />}
          </RadioGroup>
          {form.kind === 'table' && (form.method === 'nucleolus' || form.method === 'prenucleolus') && (
            <Caption1 className={styles.muted} data-testid="nucleolus-hint">
              {form.method === 'nucleolus'
                ? 'The split of v(N) that leaves the most dissatisfied coalition as little dissatisfied as possible, then the next, and so on, among the splits giving each player at least its stand-alone value.'
                : 'As the nucleolus, without the stand-alone bound: it exists for every table.'}{' '}
              Linear programs (HiGHS), up to 20 players.
            </Caption1>
          )}
          {errors.method && (
            <Caption1 id="method-error" role="alert" className={styles.error} data-testid="method-error">
              {errors.method}
            </Caption1>
          )}
          {form.method === 'sampled' && (
            <>
              <RadioGroup value={form.stopBy} onChange={(_, d) => set({ stopBy: d.value as 'permutations' | 'error' })} aria-label="Stop after" data-testid="stop-by">
                <Radio value="permutations" label="A number of permutations" data-testid="stop-permutations" />
                <Radio value="error" label="A target standard error" data-testid="stop-error" />
              </RadioGroup>
              <div className={styles.row}>
                {form.stopBy === 'permutations' ? (
                  <Field className={styles.grow} label="Permutations" {...fieldState('permutations')}>
                    <Input value={form.permutations} onChange={(_, d) => set({ permutations: d.value })} inputMode="numeric" data-testid="permutations" />
                  </Field>
                ) : (
                  <Field className={styles.grow} label="Target standard error" hint="Largest allowed for any player" {...fieldState('targetStandardError')}>
                    <Input value={form.targetStandardError} onChange={(_, d) => set({ targetStandardError: d.value })} inputMode="decimal" data-testid="target-se" />
                  </Field>
                )}
                <Field className={styles.grow} label="Seed" {...fieldState('seed')}>
                  <Input value={form.seed} onChange={(_, d) => set({ seed: d.value })} inputMode="numeric" data-testid="seed" />
                </Field>
                <Button onClick={() => set({ seed: String(randomSeed()) })} data-testid="new-seed">
                  New seed
                </Button>
              </div>
              <Checkbox
                checked={form.antithetic && !form.stratified}
                disabled={form.stratified}
                onChange={(_, d) => set({ antithetic: d.checked === true })}
                label="Antithetic pairs (each permutation with its reverse)"
                data-testid="antithetic"
              />
              <Checkbox
                checked={form.stratified}
                onChange={(_, d) => set({ stratified: d.checked === true, ...(d.checked === true ? { stopBy: 'permutations' as const } : {}) })}
                label="Stratified by coalition size, optimum allocation (Castro et al. 2017): the same marginal contributions, sampled size by size"
                data-testid="stratified"
              />
            </>
          )}
        </fieldset>
      )}

      <fieldset className={styles.group}>
        <legend className={styles.legend}>Run on</legend>
        <RadioGroup value={where ?? ''} onChange={(_, d) => setWhereChoice(d.value as Where)} aria-label="Run on" data-testid="run-on">
          <Radio value="companion" label="The companion" disabled={plan ? !plan.companion.possible : !connected} data-testid="run-on-companion" />
          {plan && !plan.companion.possible && plan.companion.reason && <Caption1 className={styles.radioHint}>{plan.companion.reason}</Caption1>}
          <Radio value="pane" label="This pane (small jobs)" disabled={plan ? !plan.pane.possible : form.kind === 'similarity'} data-testid="run-on-pane" />
          {plan && !plan.pane.possible && plan.pane.reason && <Caption1 className={styles.radioHint}>{plan.pane.reason}</Caption1>}
        </RadioGroup>
        <Caption1 className={styles.muted} data-testid="pane-limit">
          {PANE_LIMIT_TEXT}
        </Caption1>
      </fieldset>

      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void run()} disabled={busy !== undefined} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid="run-job">
          Run
        </Button>
        {busy && <Caption1 role="status">{busy}</Caption1>}
      </div>
      {runError && (
        <MessageBar intent="error" layout="multiline" data-testid="run-error">
          <MessageBarBody>{runError}</MessageBarBody>
        </MessageBar>
      )}

      <Subtitle2 as="h3" className={styles.heading}>
        Jobs
      </Subtitle2>
      <JobList
        jobs={jobs.jobs}
        selected={shown?.id}
        onCancel={(id) => void jobs.cancel(id).catch((e: unknown) => setRunError(e instanceof Error ? e.message : String(e)))}
        onResume={(id) => void jobs.resume(id).catch((e: unknown) => setRunError(e instanceof CompanionHttpError ? e.withField : String(e)))}
        onShow={(id) => setSelected(id)}
        onRemove={(id) => {
          jobs.remove(id);
          if (selected === id) setSelected(undefined);
        }}
        companionReachable={(job) => connected && job.companionUrl === companion.client?.url}
      />
      {shown?.result && <ResultsView key={shown.id} result={shown.result} workbook={workbook} />}
    </section>
  );
}

function SimilarityFields({
  setFiles,
  form,
  set,
  errors,
}: {
  setFiles: (update: (files: Files) => Files) => void;
  form: BatchFormState;
  set: (change: Partial<BatchFormState>) => void;
  errors: FormErrors;
}): JSX.Element {
  const styles = useStyles();
  const fileField = (key: 'outputs' | 'items' | 'holders', label: string, hint: string) => (
    <Field label={label} hint={hint} validationMessage={errors[key]} validationState={errors[key] ? 'error' : 'none'}>
      {(fieldProps) => (
        <input
          {...fieldProps}
          type="file"
          accept=".npy,.csv,.parquet"
          className={styles.file}
          data-testid={`file-${key}`}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            setFiles((f) => ({ ...f, [key]: file }));
          }}
        />
      )}
    </Field>
  );
  return (
    <fieldset className={styles.group}>
      <legend className={styles.legend}>Embedding files (uploaded to the companion)</legend>
      <Caption1 className={styles.muted}>
        Each holder’s best cosine similarity to each AI output, at or above the threshold, shares that output by the max-game Shapley value.
      </Caption1>
      {fileField('outputs', 'AI outputs', 'One row per output: an M × d matrix (.npy, .csv or .parquet)')}
      {fileField('items', 'Catalogue items', 'One row per item: an N × d matrix, same d')}
      {fileField('holders', 'Holder of each item', 'N labels, one per item (.csv column)')}
      <div className={styles.row}>
        <Field className={styles.grow} label="Threshold" hint="Recognisability: lower similarities count as 0" validationMessage={errors.threshold} validationState={errors.threshold ? 'error' : 'none'}>
          <Input value={form.threshold} onChange={(_, d) => set({ threshold: d.value })} inputMode="decimal" data-testid="threshold" />
        </Field>
      </div>
      <RadioGroup value={form.mode} onChange={(_, d) => set({ mode: d.value as 'market' | 'user' })} layout="horizontal" aria-label="Totals" data-testid="similarity-mode">
        <Radio value="market" label="Market-centric" />
        <Radio value="user" label="User-centric" />
      </RadioGroup>
    </fieldset>
  );
}
