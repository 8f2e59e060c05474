/*
 * The foot of every screen that writes a sheet: the Insert (or Update) button with the reason it
 * is disabled, and the outcome of the last write. One look and one behaviour across the screens:
 * the button stays focusable when disabled so that a screen reader reaches the reason.
 */
import { Button, Caption1, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';

export type SheetStatus = { intent: 'success' | 'error' | 'warning'; title: string; text: string };

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  reason: { color: tokens.colorNeutralForeground3, flexBasis: '100%' },
});

export interface InsertSheetButtonProps {
  /** Prefix of the data-testid and ids: `${testId}-insert`, `${testId}-insert-reason`. */
  testId: string;
  label: string;
  /** Why the button is disabled; undefined when it may be pressed. */
  reason: string | undefined;
  busy: boolean;
  onInsert: () => void;
}

export function InsertSheetButton({ testId, label, reason, busy, onInsert }: InsertSheetButtonProps): JSX.Element {
  const styles = useStyles();
  const reasonId = `${testId}-insert-reason`;
  return (
    <div className={styles.row}>
      <Button
        appearance="primary"
        data-testid={`${testId}-insert`}
        disabledFocusable={reason !== undefined || busy}
        aria-describedby={reason !== undefined ? reasonId : undefined}
        onClick={onInsert}
        icon={busy ? <Spinner size="tiny" /> : undefined}
      >
        {label}
      </Button>
      {reason !== undefined && (
        <Caption1 id={reasonId} className={styles.reason} data-testid={reasonId}>
          {reason}
        </Caption1>
      )}
    </div>
  );
}

/** The outcome of the last write (`${testId}-status`), when there is one. */
export function SheetStatusBar({ status, testId }: { status: SheetStatus | undefined; testId: string }): JSX.Element | null {
  if (status === undefined) return null;
  return (
    <MessageBar intent={status.intent} data-testid={`${testId}-status`}>
      <MessageBarBody>
        <MessageBarTitle>{status.title}</MessageBarTitle>
        {status.text}
      </MessageBarBody>
    </MessageBar>
  );
}
