/*
 * A finished job's results in the pane: player, value, share (with a bar), standard error and
 * 95 % interval, what was computed and how (method, seed, backend, engine version), and "Write to
 * Excel", which makes the results sheet (table, metadata, chart) through writeShapleyResults.
 */
import {
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { ShapleyResultForSheet } from '../excel/shapleyResults';
import { resultTitle, writeShapleyResults } from '../excel/shapleyResults';
import type { WorkbookAccess } from '../excel/workbook';
import { resultRows } from './batchGame';
import { formatNumber, formatShare } from './format';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  scroll: { overflowX: 'auto', maxWidth: '100%' },
  table: { minWidth: '100%', tableLayout: 'auto' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  // Long names wrap between words; a single word too long for the pane breaks anywhere.
  player: { overflowWrap: 'break-word', hyphens: 'auto' },
  bound: { display: 'block' },
  bar: { height: '4px', borderRadius: tokens.borderRadiusSmall, backgroundColor: tokens.colorBrandBackground, marginTop: '2px' },
  negative: { backgroundColor: tokens.colorPaletteRedBackground3 },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Rows shown in the pane; the sheet gets them all. */
export const SHOWN_ROWS = 200;

export function ResultsView({ result, workbook }: { result: ShapleyResultForSheet; workbook: WorkbookAccess }): JSX.Element {
  const styles = useStyles();
  const rows = resultRows(result);
  const sampled = result.standardErrors !== undefined && result.standardErrors.some((se) => se !== 0);
  // reduce, not Math.max(...): a sampled game may have 100,000 players, too many arguments.
  const largest = rows.reduce((most, r) => Math.max(most, Math.abs(r.share ?? 0)), 1e-300);
  const [writing, setWriting] = useState(false);
  const [written, setWritten] = useState<{ intent: 'success' | 'error'; text: string } | undefined>(undefined);
  const reason = workbook.available ? undefined : 'Open this pane in Excel to write the results to a sheet.';

  const write = async () => {
    setWriting(true);
    setWritten(undefined);
    try {
      const { sheetName, tableName } = await workbook.run((context) => writeShapleyResults(context, result, { sourceNotes: workbook.supports('1.18') ? 'notes' : 'prompts' }));
      setWritten({ intent: 'success', text: `Written to sheet "${sheetName}" (table ${tableName}, with a bar chart).` });
    } catch (error) {
      setWritten({ intent: 'error', text: `Could not write the results: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setWriting(false);
    }
  };

  const facts: Array<[string, string | number | undefined]> = [
    ['Method', result.method],
    ['Seed', result.seed],
    ['Permutations', result.permutations?.toLocaleString('en-US')],
    ['Stopped by', result.stoppedBy],
    ['Backend', result.backend],
    ['Engine version', result.engineVersion],
    ['LP solver', result.solver ? `${result.solver.name} ${result.solver.version}` : undefined],
    ['Time', result.elapsedMs !== undefined ? `${(result.elapsedMs / 1000).toFixed(2)} s` : undefined],
  ];
  return (
    <section className={styles.root} aria-labelledby="results-heading" data-testid="results">
      <Subtitle2 as="h3" id="results-heading" className={styles.heading}>
        Results: {result.game}
      </Subtitle2>
      <div className={styles.scroll} tabIndex={0} role="region" aria-label="Results table">
        <Table size="extra-small" className={styles.table} data-testid="results-table" aria-label={`${resultTitle(result)}, ${result.game}`}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Player</TableHeaderCell>
              <TableHeaderCell className={styles.number}>Value</TableHeaderCell>
              <TableHeaderCell className={styles.number}>Share</TableHeaderCell>
              {sampled && <TableHeaderCell className={styles.number}>Std. error</TableHeaderCell>}
              {sampled && <TableHeaderCell className={styles.number}>95 % interval</TableHeaderCell>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.slice(0, SHOWN_ROWS).map((row) => (
              <TableRow key={row.player} data-testid="result-row">
                <TableCell className={styles.player} data-testid="result-player">
                  {row.player}
                </TableCell>
                <TableCell className={styles.number} data-testid="result-value" data-value={String(row.value)}>
                  {formatNumber(row.value)}
                </TableCell>
                <TableCell className={styles.number} data-testid="result-share">
                  {formatShare(row.share)}
                  <div
                    className={row.value < 0 ? `${styles.bar} ${styles.negative}` : styles.bar}
                    style={{ width: `${(Math.abs(row.share ?? 0) / largest) * 100}%` }}
                    aria-hidden="true"
                  />
                </TableCell>
                {sampled && (
                  <TableCell className={styles.number} data-testid="result-se" data-value={String(row.standardError)}>
                    {formatNumber(row.standardError ?? 0, 3)}
                  </TableCell>
                )}
                {sampled && (
                  <TableCell className={styles.number} data-testid="result-interval">
                    {/* Two lines: the pane is narrow, and the bounds read best one above the other. */}
                    <span className={styles.bound}>{formatNumber(row.low ?? row.value, 4)} to</span>
                    <span className={styles.bound}>{formatNumber(row.high ?? row.value, 4)}</span>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {rows.length > SHOWN_ROWS && (
        <Caption1 className={styles.muted}>
          The first {SHOWN_ROWS} of {rows.length} players; Write to Excel writes them all.
        </Caption1>
      )}
      {!sampled && <Caption1 className={styles.muted}>Exact values: no sampling error.</Caption1>}
      <dl className={styles.facts} data-testid="results-facts">
        {facts
          .filter(([, value]) => value !== undefined && value !== '')
          .map(([term, value]) => (
            <div key={term} style={{ display: 'contents' }}>
              <dt className={styles.term}>{term}</dt>
              <dd className={styles.value} data-testid={`fact-${term.toLowerCase().replace(/\s+/g, '-')}`}>
                {value}
              </dd>
            </div>
          ))}
      </dl>
      <div className={styles.row}>
        <Button
          appearance="primary"
          disabledFocusable={reason !== undefined || writing}
          aria-describedby={reason ? 'write-excel-reason' : undefined}
          onClick={() => void write()}
          icon={writing ? <Spinner size="tiny" /> : undefined}
          data-testid="write-excel"
        >
          Write to Excel
        </Button>
        {reason && (
          <Caption1 id="write-excel-reason" className={styles.muted} data-testid="write-excel-reason">
            {reason}
          </Caption1>
        )}
      </div>
      {written && (
        <MessageBar intent={written.intent} data-testid="write-excel-status">
          <MessageBarBody>{written.text}</MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
