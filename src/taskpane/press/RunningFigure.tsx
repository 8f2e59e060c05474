/* The figure each step has produced so far, computed by the engine as the sheet will. */
import { Caption1, makeStyles, Subtitle1, tokens } from '@fluentui/react-components';
import { formatMoney, formatPercent, type Currency } from './numberEntry';
import type { PressStep, RunningFigures } from './validatePress';

export interface RunningFigureProps {
  step: PressStep;
  figures: RunningFigures;
  currency: Currency;
  useDeductions: boolean;
}

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** What the running figure of a step is called and its value (undefined until computable). */
export function runningFigure(step: PressStep, figures: RunningFigures, useDeductions: boolean): { label: string; value?: number; detail?: string } {
  switch (step) {
    case 'revenue':
      return useDeductions ? { label: 'Revenue after deductions', value: figures.afterDeductions } : { label: 'Revenue', value: figures.revenue };
    case 'link':
      return { label: 'Linked to the works', value: figures.linked };
    case 'counterfactual':
      return { label: 'Transfer base (A)', value: figures.base };
    case 'split':
    case 'review': {
      const parts: string[] = [];
      if (figures.shareOfRevenue !== undefined && figures.shareOfRevenue !== null) parts.push(`${formatPercent(figures.shareOfRevenue)} of revenue`);
      if (figures.minimumApplied) parts.push('the minimum guarantee applies');
      return { label: 'Amount to culture (P)', value: figures.amount, detail: parts.length > 0 ? parts.join('; ') : undefined };
    }
  }
}

export function RunningFigure({ step, figures, currency, useDeductions }: RunningFigureProps): JSX.Element {
  const styles = useStyles();
  const figure = runningFigure(step, figures, useDeductions);
  return (
    <section className={styles.box} aria-label="Running figure" role="status" aria-live="polite" data-testid="running-figure">
      <Caption1 className={styles.muted} data-testid="running-figure-label">
        {figure.label}
      </Caption1>
      <Subtitle1 data-testid="running-figure-value">{figure.value === undefined ? '—' : formatMoney(figure.value, currency)}</Subtitle1>
      {figure.value === undefined ? (
        <Caption1 className={styles.muted}>Complete this step and the ones before it to see the figure.</Caption1>
      ) : (
        figure.detail && <Caption1 data-testid="running-figure-detail">{figure.detail}</Caption1>
      )}
    </section>
  );
}
