/*
 * Step 4: how the base is split. One bargaining rate, or the purpose tier of report §4.3.1: a
 * rate schedule [purpose, from, rate] of marginal slices, a minimum guarantee and a mode.
 */
import { Button, Field, Input, makeStyles, Radio, RadioGroup, Select, tokens } from '@fluentui/react-components';
import { PURPOSE_LABELS, type PurposeText, type ScheduleRowDraft, type SplitDraft, type SplitKind } from './pressModel';
import type { StepProps } from './RevenueStep';
import { controlId, MoneyField, PercentField } from './wizardFields';

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  slice: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr)',
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
  error: { color: tokens.colorPaletteRedForeground1, margin: 0 },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS },
});

const PURPOSES: PurposeText[] = ['1', '2', '3'];

function isPurpose(value: string): value is PurposeText {
  return value === '1' || value === '2' || value === '3';
}

export function SplitStep({ draft, update, messageFor, touch }: StepProps): JSX.Element {
  const styles = useStyles();
  const split = draft.split;
  const setSplit = (change: Partial<SplitDraft>): void => update((d) => ({ ...d, split: { ...d.split, ...change } }));
  const setRow = (j: number, change: Partial<ScheduleRowDraft>): void =>
    update((d) => ({ ...d, split: { ...d.split, schedule: d.split.schedule.map((row, k) => (k === j ? { ...row, ...change } : row)) } }));
  const scheduleMessage = messageFor('split.schedule');
  return (
    <div className={styles.column}>
      <Field label="How the base is split">
        <RadioGroup
          id={controlId('split.kind')}
          data-testid={controlId('split.kind')}
          value={split.kind}
          onChange={(_, data) => setSplit({ kind: data.value as SplitKind })}
        >
          <Radio value="bargaining" label="One bargaining rate" data-testid="press-split-kind-bargaining" />
          <Radio value="purpose" label="Purpose tier: a rate schedule and a minimum" data-testid="press-split-kind-purpose" />
        </RadioGroup>
      </Field>
      {split.kind === 'bargaining' ? (
        <PercentField
          field="split.rate"
          label="Bargaining split: share of the base paid to rightholders"
          required
          value={split.rate}
          message={messageFor('split.rate')}
          onChange={(rate) => setSplit({ rate })}
          onBlur={touch}
        />
      ) : (
        <>
          <Field label="Intended purpose of the AI system" hint="Report §4.3.1: the purpose sets the tier of rates.">
            <Select
              id={controlId('split.purpose')}
              data-testid={controlId('split.purpose')}
              value={split.purpose}
              onChange={(_, data) => isPurpose(data.value) && setSplit({ purpose: data.value })}
            >
              {PURPOSES.map((p) => (
                <option key={p} value={p}>
                  {PURPOSE_LABELS[p]}
                </option>
              ))}
            </Select>
          </Field>
          {split.schedule.map((row, j) => (
            <fieldset key={j} className={styles.slice} data-testid={`press-slice-${j}`}>
              <legend className={styles.legend}>Rate schedule row {j + 1}</legend>
              <Field label="Purpose">
                <Select
                  id={controlId(`split.schedule.${j}.purpose`)}
                  data-testid={controlId(`split.schedule.${j}.purpose`)}
                  value={row.purpose}
                  onChange={(_, data) => isPurpose(data.value) && setRow(j, { purpose: data.value })}
                >
                  {PURPOSES.map((p) => (
                    <option key={p} value={p}>
                      {PURPOSE_LABELS[p]}
                    </option>
                  ))}
                </Select>
              </Field>
              <MoneyField
                field={`split.schedule.${j}.from`}
                label="From (base reached)"
                required
                currency={draft.currency}
                value={row.from}
                message={messageFor(`split.schedule.${j}.from`)}
                onChange={(from) => setRow(j, { from })}
                onBlur={touch}
              />
              <PercentField
                field={`split.schedule.${j}.rate`}
                label="Rate"
                required
                value={row.rate}
                message={messageFor(`split.schedule.${j}.rate`) ?? messageFor(`split.schedule.${j}`)}
                onChange={(rate) => setRow(j, { rate })}
                onBlur={touch}
              />
              {split.schedule.length > 1 && (
                <div className={styles.actions}>
                  <Button
                    appearance="subtle"
                    data-testid={`press-remove-slice-${j}`}
                    aria-label={`Remove rate schedule row ${j + 1}`}
                    onClick={() => setSplit({ schedule: split.schedule.filter((_, k) => k !== j) })}
                  >
                    Remove row
                  </Button>
                </div>
              )}
            </fieldset>
          ))}
          {scheduleMessage && (
            <p role="alert" className={styles.error} data-testid="press-schedule-error">
              {scheduleMessage}
            </p>
          )}
          <div className={styles.actions}>
            <Button
              data-testid="press-add-slice"
              onClick={() => {
                const last = split.schedule[split.schedule.length - 1];
                setSplit({ schedule: [...split.schedule, { purpose: last?.purpose ?? split.purpose, from: '', rate: '' }] });
              }}
            >
              Add schedule row
            </Button>
          </div>
          <MoneyField
            field="split.minimum"
            label="Minimum guarantee (optional)"
            currency={draft.currency}
            value={split.minimum}
            placeholder="none"
            message={messageFor('split.minimum')}
            onChange={(minimum) => setSplit({ minimum })}
            onBlur={touch}
          />
          <Field label="Schedule mode">
            <RadioGroup
              id={controlId('split.mode')}
              data-testid={controlId('split.mode')}
              value={split.mode}
              onChange={(_, data) => setSplit({ mode: data.value === 'bracket' ? 'bracket' : 'marginal' })}
            >
              <Radio value="marginal" label="Marginal: each slice of the base at its own rate" />
              <Radio value="bracket" label="Bracket: the whole base at the rate of the highest slice reached" />
            </RadioGroup>
          </Field>
        </>
      )}
      <Field label="Source note" hint="Written on the rate's cell as a note.">
        <Input id={controlId('split.source')} data-testid={controlId('split.source')} value={split.source} onChange={(_, data) => setSplit({ source: data.value })} />
      </Field>
    </div>
  );
}
