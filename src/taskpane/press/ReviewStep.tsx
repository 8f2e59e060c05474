/* Step 5: the chain at a glance and the sensitivity the sheet will hold. */
import { Body1, Caption1, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { formatMoney, type Currency } from './numberEntry';
import type { PressInputs } from './pressModel';
import { sensitivityCases, sensitivityKey, sensitivityValueText } from './sensitivity';
import type { PressIssue, RunningFigures } from './validatePress';

export interface ReviewStepProps {
  inputs?: PressInputs;
  figures: RunningFigures;
  issues: PressIssue[];
  currency: Currency;
}

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
});

export function ReviewStep({ inputs, figures, issues, currency }: ReviewStepProps): JSX.Element {
  const styles = useStyles();
  if (inputs === undefined) {
    return (
      <div className={styles.column}>
        <Body1>Some inputs need attention before the calculation can be inserted:</Body1>
        <ul className={styles.list} data-testid="press-issues">
          {issues.map((issue) => (
            <li key={issue.field + issue.message}>
              <Body1>{issue.message}</Body1>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const money = (value: number | undefined): string => (value === undefined ? '—' : formatMoney(value, currency));
  const chain: Array<[string, number | undefined]> = [
    ['Revenue', figures.revenue],
    ...(inputs.hasDeductions ? ([['After deductions', figures.afterDeductions]] as Array<[string, number | undefined]>) : []),
    ['Linked to the works', figures.linked],
    ['Transfer base (A)', figures.base],
    ['Amount to culture (P)', figures.amount],
  ];
  const cases = sensitivityCases(inputs);
  return (
    <div className={styles.column}>
      <Table size="small" aria-label="The calculation" data-testid="press-chain">
        <TableBody>
          {chain.map(([label, value]) => (
            <TableRow key={label}>
              <TableCell>{label}</TableCell>
              <TableCell className={styles.number}>{money(value)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Caption1>
        Sensitivity: the amount to culture when one input moves by −20 % or +20 % (largest swing first). The sheet holds it as live
        formulas, with the tornado chart.
      </Caption1>
      <Table size="small" aria-label="Sensitivity" data-testid="press-sensitivity">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Input</TableHeaderCell>
            <TableHeaderCell className={styles.number}>At −20 %</TableHeaderCell>
            <TableHeaderCell className={styles.number}>At +20 %</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {cases.map((c) => (
            <TableRow key={sensitivityKey(c.input)} data-testid={`press-sensitivity-${sensitivityKey(c.input)}`}>
              <TableCell>
                {c.label} ({sensitivityValueText(c)})
              </TableCell>
              <TableCell className={styles.number}>{money(c.amounts[0])}</TableCell>
              <TableCell className={styles.number}>{money(c.amounts[c.amounts.length - 1])}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
