import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Badge,
  Body1,
  Caption1,
  Field,
  makeStyles,
  SearchBox,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { filterCatalog, formulaSignature, FUNCTION_CATALOG, STEP_LABELS, type FunctionEntry } from './functionCatalog';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  item: {
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    paddingTop: tokens.spacingVerticalS,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
  },
  signature: {
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
    overflowWrap: 'anywhere',
  },
  paragraph: { margin: 0 },
  arguments: { margin: 0 },
  argumentName: { fontFamily: tokens.fontFamilyMonospace, fontWeight: tokens.fontWeightSemibold },
  argumentText: { marginInlineStart: 0, marginBottom: tokens.spacingVerticalXS },
});

export interface FunctionReferenceProps {
  catalog?: readonly FunctionEntry[];
}

/** The PARTAGE functions with their signatures, filterable by name, step or argument. */
export function FunctionReference({ catalog = FUNCTION_CATALOG }: FunctionReferenceProps): JSX.Element {
  const styles = useStyles();
  const [query, setQuery] = useState('');
  const shown = filterCatalog(query, catalog);
  const count =
    shown.length === catalog.length
      ? `${catalog.length} functions`
      : shown.length === 0
        ? `No function matches “${query.trim()}”`
        : `${shown.length} of ${catalog.length} functions`;

  return (
    <section aria-labelledby="reference-heading" className={styles.section}>
      <Subtitle2 as="h2" id="reference-heading" className={styles.heading}>
        Function reference
      </Subtitle2>
      <Field label="Filter functions" hint="By name, step or argument, for example shapley, share or weights.">
        <SearchBox value={query} onChange={(_, data) => setQuery(data.value)} />
      </Field>
      {/* Announced by screen readers as the list narrows. */}
      <Caption1 role="status" aria-live="polite">
        {count}
      </Caption1>
      <ul className={styles.list} aria-labelledby="reference-heading">
        {shown.map((entry) => (
          <FunctionItem key={entry.name} entry={entry} />
        ))}
      </ul>
    </section>
  );
}

function FunctionItem({ entry }: { entry: FunctionEntry }): JSX.Element {
  const styles = useStyles();
  const signature = formulaSignature(entry);
  return (
    <li className={styles.item}>
      <h3 className={styles.signature}>{signature}</h3>
      <div>
        <Badge appearance="tint" color="informative">
          {STEP_LABELS[entry.step]}
        </Badge>
      </div>
      <Body1 as="p" className={styles.paragraph}>
        {entry.summary}
      </Body1>
      <Accordion collapsible>
        <AccordionItem value="arguments">
          {/* The visible text starts the accessible name, so voice control users can say it. */}
          <AccordionHeader size="small" button={{ 'aria-label': `Arguments of ${entry.name}` }}>
            Arguments
          </AccordionHeader>
          <AccordionPanel>
            <dl className={styles.arguments}>
              {entry.parameters.map((parameter) => (
                <div key={parameter.name}>
                  <dt>
                    <Body1 className={styles.argumentName}>{parameter.name}</Body1>
                    {parameter.optional ? <Caption1> (optional)</Caption1> : null}
                  </dt>
                  <dd className={styles.argumentText}>
                    <Body1>{parameter.description}</Body1>
                  </dd>
                </div>
              ))}
            </dl>
            <Body1 as="p" className={styles.paragraph}>
              <strong>Result:</strong> {entry.result}
            </Body1>
          </AccordionPanel>
        </AccordionItem>
      </Accordion>
    </li>
  );
}
