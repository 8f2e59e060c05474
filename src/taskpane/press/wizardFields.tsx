/*
 * The wizard's form controls: a Fluent Field around an Input, with the validation message of
 * the row it belongs to, an id (and test id) derived from the model's field path, and a blur
 * callback so that a message shows once the user has left the control.
 */
import { Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

/** "lines.1.amount" → "press-lines-1-amount": the control's id and data-testid. */
export function controlId(field: string): string {
  return `press-${field.replace(/\./g, '-')}`;
}

export interface TextFieldProps {
  field: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur: (field: string) => void;
  message?: string;
  hint?: string;
  required?: boolean;
  before?: ReactNode;
  after?: ReactNode;
  placeholder?: string;
  inputMode?: 'decimal' | 'text';
}

const useStyles = makeStyles({
  number: { textAlign: 'end' },
  affix: { color: tokens.colorNeutralForeground3 },
});

export function TextField(props: TextFieldProps): JSX.Element {
  const styles = useStyles();
  const id = controlId(props.field);
  return (
    <Field
      label={props.label}
      required={props.required}
      hint={props.hint}
      validationMessage={props.message}
      validationState={props.message ? 'error' : 'none'}
    >
      <Input
        id={id}
        data-testid={id}
        value={props.value}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        input={props.inputMode === 'decimal' ? { className: styles.number } : undefined}
        contentBefore={props.before ? <span className={styles.affix}>{props.before}</span> : undefined}
        contentAfter={props.after ? <span className={styles.affix}>{props.after}</span> : undefined}
        onChange={(_, data) => props.onChange(data.value)}
        onBlur={() => props.onBlur(props.field)}
      />
    </Field>
  );
}

/** An amount in the chosen currency ("1,000,000,000", "1 bn"). */
export function MoneyField(props: Omit<TextFieldProps, 'before' | 'inputMode'> & { currency: string }): JSX.Element {
  return <TextField {...props} before={props.currency} inputMode="decimal" placeholder={props.placeholder ?? 'e.g. 1,000,000 or 1 bn'} />;
}

/** A percentage typed in percent: "55" is 55 %. */
export function PercentField(props: Omit<TextFieldProps, 'after' | 'inputMode'>): JSX.Element {
  return <TextField {...props} after="%" inputMode="decimal" placeholder={props.placeholder ?? 'e.g. 55'} />;
}
