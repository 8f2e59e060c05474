import { Body1, Caption1, FluentProvider, makeStyles, Subtitle2, Title3, tokens, type Theme } from '@fluentui/react-components';
import { FunctionReference } from './FunctionReference';

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
  },
  header: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    columnGap: tokens.spacingHorizontalM,
    alignItems: 'center',
  },
  heading: { margin: 0 },
  tagline: { gridColumn: '2', color: tokens.colorNeutralForeground3 },
  about: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  paragraph: { margin: 0 },
  steps: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXXL },
});

export interface AppProps {
  theme: Theme;
}

export function App({ theme }: AppProps): JSX.Element {
  const styles = useStyles();
  return (
    <FluentProvider theme={theme} className={styles.root}>
      <header className={styles.header}>
        {/* Decorative: the heading next to it already says "partage". */}
        <img src="assets/icon-32.png" alt="" width={32} height={32} />
        <Title3 as="h1" className={styles.heading}>
          partage
        </Title3>
        <Caption1 className={styles.tagline}>Remuneration of cultural works used by AI</Caption1>
      </header>
      <main className={styles.about}>
        <section aria-labelledby="about-heading" className={styles.about}>
          <Subtitle2 as="h2" id="about-heading" className={styles.heading}>
            What this add-in does
          </Subtitle2>
          <Body1 as="p" className={styles.paragraph}>
            partage models what AI operators should pay for the cultural works their systems use, and how that money is
            shared among rightholders, in the three steps of the value transfer:
          </Body1>
          <ol className={styles.steps}>
            <li>
              <Body1>
                <strong>A · base</strong>: which revenue is linked to the use of works (TRANSFERBASE);
              </Body1>
            </li>
            <li>
              <Body1>
                <strong>P · share</strong>: what share of that base goes to culture, by the intended purpose of the AI
                system (PURPOSESHARE);
              </Body1>
            </li>
            <li>
              <Body1>
                <strong>R · distribution</strong>: how that amount is split among rightholders, pro rata to their works
                (PAYTOTRAIN) or by measured contribution (SHAPLEY, BANZHAF, SIMILARITYSPLIT).
              </Body1>
            </li>
          </ol>
          <Body1 as="p" className={styles.paragraph}>
            Type <code>=PARTAGE.</code> in a cell to use them. They recalculate like any formula when their inputs change,
            and they run inside Excel, on your computer.
          </Body1>
        </section>
        <FunctionReference />
      </main>
    </FluentProvider>
  );
}
