/* Step 1: the revenue lines (label, amount, optional deduction, source note). */
import { Button, Field, Input, makeStyles, Select, Switch, tokens } from '@fluentui/react-components';
import { CURRENCIES, isCurrency } from './numberEntry';
import { emptyLine, type PressDraft, type RevenueLineDraft } from './pressModel';
import { controlId, MoneyField, TextField } from './wizardFields';

export interface StepProps {
  draft: PressDraft;
  update: (change: (draft: PressDraft) => PressDraft) => void;
  /** The validation message of a control, once it should show. */
  messageFor: (field: string) => string | undefined;
  touch: (field: string) => void;
}

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  row: { display: 'grid', gridTemplateColumns: '1fr auto', columnGap: tokens.spacingHorizontalM, alignItems: 'end' },
  line: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

export function RevenueStep({ draft, update, messageFor, touch }: StepProps): JSX.Element {
  const styles = useStyles();
  const setLine = (i: number, change: Partial<RevenueLineDraft>): void =>
    update((d) => ({ ...d, lines: d.lines.map((line, k) => (k === i ? { ...line, ...change } : line)) }));
  return (
    <div className={styles.column}>
      <TextField field="title" label="Title of the calculation" value={draft.title} onChange={(title) => update((d) => ({ ...d, title }))} onBlur={touch} />
      <Field label="Currency" hint="Amounts in the sheet are formatted in this currency.">
        <Select
          id={controlId('currency')}
          data-testid={controlId('currency')}
          value={draft.currency}
          onChange={(_, data) => {
            if (isCurrency(data.value)) {
              const currency = data.value;
              update((d) => ({ ...d, currency }));
            }
          }}
        >
          {CURRENCIES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </Select>
      </Field>
      <Switch
        id={controlId('useDeductions')}
        data-testid={controlId('useDeductions')}
        label="Some revenue lines have deductions (costs negotiated off the revenue)"
        checked={draft.useDeductions}
        onChange={(_, data) => update((d) => ({ ...d, useDeductions: data.checked }))}
      />
      {draft.lines.map((line, i) => (
        <fieldset key={i} className={styles.line} data-testid={`press-line-${i}`}>
          <legend className={styles.legend}>Revenue line {i + 1}</legend>
          <TextField field={`lines.${i}.label`} label="Label" value={line.label} onChange={(label) => setLine(i, { label })} onBlur={touch} />
          <MoneyField
            field={`lines.${i}.amount`}
            label="Amount"
            required
            currency={draft.currency}
            value={line.amount}
            message={messageFor(`lines.${i}.amount`)}
            onChange={(amount) => setLine(i, { amount })}
            onBlur={touch}
          />
          {draft.useDeductions && (
            <MoneyField
              field={`lines.${i}.deduction`}
              label="Deduction (optional)"
              currency={draft.currency}
              value={line.deduction}
              placeholder="none"
              message={messageFor(`lines.${i}.deduction`)}
              onChange={(deduction) => setLine(i, { deduction })}
              onBlur={touch}
            />
          )}
          <Field label="Source note" hint="Written on the amount's cell as a note.">
            <Input
              id={controlId(`lines.${i}.source`)}
              data-testid={controlId(`lines.${i}.source`)}
              value={line.source}
              onChange={(_, data) => setLine(i, { source: data.value })}
            />
          </Field>
          {draft.lines.length > 1 && (
            <div className={styles.actions}>
              <Button
                appearance="subtle"
                data-testid={`press-remove-line-${i}`}
                aria-label={`Remove revenue line ${i + 1}`}
                onClick={() => update((d) => ({ ...d, lines: d.lines.filter((_, k) => k !== i) }))}
              >
                Remove line
              </Button>
            </div>
          )}
        </fieldset>
      ))}
      <div className={styles.actions}>
        <Button data-testid="press-add-line" onClick={() => update((d) => ({ ...d, lines: [...d.lines, emptyLine(d.lines.length)] }))}>
          Add revenue line
        </Button>
      </div>
    </div>
  );
}
