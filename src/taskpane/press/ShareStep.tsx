/* Steps 2 and 3: the share linked to the works and the counterfactual share. */
import { Body1, Field, Input, makeStyles, Switch, tokens } from '@fluentui/react-components';
import type { ShareDraft } from './pressModel';
import type { StepProps } from './RevenueStep';
import { lineLabel } from './validatePress';
import { controlId, PercentField } from './wizardFields';

export interface ShareStepProps extends StepProps {
  which: 'link' | 'counterfactual';
}

const TEXT = {
  link: {
    title: 'Share linked to the works',
    lower: 'share linked to the works',
    explain: 'The part of the revenue that comes from uses of the works, e.g. the share of queries about news.',
    lineKey: 'linkShare',
  },
  counterfactual: {
    title: 'Counterfactual share',
    lower: 'counterfactual share',
    explain: 'Of that, the users who would not use the service without the content (the value the works bring).',
    lineKey: 'counterfactualShare',
  },
} as const;

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  explain: { margin: 0 },
});

export function ShareStep({ which, draft, update, messageFor, touch }: ShareStepProps): JSX.Element {
  const styles = useStyles();
  const text = TEXT[which];
  const share = draft[which];
  const setShare = (change: Partial<ShareDraft>): void => update((d) => ({ ...d, [which]: { ...d[which], ...change } }));
  return (
    <div className={styles.column}>
      <Body1 as="p" className={styles.explain}>
        {text.explain}
      </Body1>
      {draft.lines.length > 1 && (
        <Switch
          id={controlId(`${which}.perLine`)}
          data-testid={controlId(`${which}.perLine`)}
          label="A different share for each revenue line"
          checked={share.perLine}
          onChange={(_, data) => setShare({ perLine: data.checked })}
        />
      )}
      {share.perLine && draft.lines.length > 1 ? (
        draft.lines.map((line, i) => (
          <PercentField
            key={i}
            field={`lines.${i}.${text.lineKey}`}
            label={`${text.title}: ${lineLabel(draft, i)}`}
            required
            value={line[text.lineKey]}
            message={messageFor(`lines.${i}.${text.lineKey}`)}
            onChange={(value) => update((d) => ({ ...d, lines: d.lines.map((l, k) => (k === i ? { ...l, [text.lineKey]: value } : l)) }))}
            onBlur={touch}
          />
        ))
      ) : (
        <PercentField
          field={`${which}.share`}
          label={draft.lines.length > 1 ? `${text.title} (every revenue line)` : text.title}
          required
          value={share.share}
          message={messageFor(`${which}.share`)}
          onChange={(value) => setShare({ share: value })}
          onBlur={touch}
        />
      )}
      <Field label="Source note" hint="Written on the share's cell as a note.">
        <Input
          id={controlId(`${which}.source`)}
          data-testid={controlId(`${which}.source`)}
          value={share.source}
          onChange={(_, data) => setShare({ source: data.value })}
        />
      </Field>
    </div>
  );
}
