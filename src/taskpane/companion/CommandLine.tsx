/* A command to type in a terminal, shown as code, with a button that copies it. */
import { Button, makeStyles, tokens, Tooltip } from '@fluentui/react-components';
import { useState } from 'react';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXS,
    maxWidth: '100%',
  },
  code: {
    flexGrow: 1,
    minWidth: 0,
    overflowWrap: 'anywhere',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
  },
});

export function CommandLine({ command }: { command: string }): JSX.Element {
  const styles = useStyles();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
      setTimeout(() => setCopied(false), 2_000);
    } catch {
      // Some webviews refuse the clipboard: the command stays selectable.
    }
  };
  return (
    <span className={styles.root}>
      <code className={styles.code} data-testid="companion-command">
        {command}
      </code>
      <Tooltip content="Copy the command to the clipboard" relationship="description">
        <Button size="small" appearance="subtle" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </Tooltip>
    </span>
  );
}
