/*
 * Share: the copy for the other side of the table and the check of the figures, for the open
 * workbook (read through Office.js into the workbook model) or for a saved .xlsx chosen here
 * (which works outside Excel too: a file the other side sent back). The same code as
 * `partage copy` and `partage verify` (src/workbook/); ExcelJS, which writes and reads the
 * files, is loaded only when a file is made or read.
 */
import { Badge, Body1, Button, Caption1, makeStyles, mergeClasses, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Spinner, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { WorkbookModel } from '../../workbook/model';
import type { Verdict, VerifyReport } from '../../workbook/verify';
import { readOpenWorkbook } from '../excel/openWorkbook';
import { SheetStatusBar, type SheetStatus } from '../excel/SheetActions';
import { excelWorkbook, type WorkbookAccess } from '../excel/workbook';

export interface ShareScreenProps {
  workbook?: WorkbookAccess;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, minWidth: 0 },
  section: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, minWidth: 0 },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  reason: { color: tokens.colorNeutralForeground3, flexBasis: '100%' },
  detail: { display: 'block', margin: `${tokens.spacingVerticalXXS} 0 0`, overflowWrap: 'anywhere' },
  functions: { display: 'block', overflowWrap: 'anywhere' },
  where: { whiteSpace: 'nowrap' },
  hidden: { display: 'none' },
});

/** Reading the open workbook needs each formula's spill range (Range.getSpillingToRangeOrNullObject). */
const REQUIRED_API_FOR_COPY = '1.12';

const VERDICT_COLOR: Readonly<Record<Verdict, 'success' | 'danger' | 'warning'>> = { matches: 'success', differs: 'danger', 'not checkable': 'warning' };

interface CopyMade {
  fileName: string;
  url: string;
  /** The file, for Excel.createWorkbook (encoded only when the copy is opened in Excel). */
  bytes: Uint8Array;
  figures: number;
  native: number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A chosen file's bytes (FileReader: every host's webview has it). */
export function readBlob(blob: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('the file cannot be read'));
    reader.readAsArrayBuffer(blob);
  });
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function copyOf(model: WorkbookModel, fileName: string): Promise<CopyMade> {
  const [{ makeCopy }, { writeXlsx }] = await Promise.all([import('../../workbook/copy'), import('../../workbook/xlsxFile')]);
  const { model: copy, figures } = await makeCopy(model);
  const bytes = await writeXlsx(copy);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  return { fileName, url, bytes, figures: figures.length, native: figures.filter((f) => f.inCopy === 'native formula').length };
}

async function verifyModel(model: WorkbookModel): Promise<VerifyReport> {
  const { verifyWorkbook } = await import('../../workbook/verify');
  return verifyWorkbook(model);
}

function ReportTable({ report, testId }: { report: VerifyReport; testId: string }): JSX.Element {
  const styles = useStyles();
  const count = (v: Verdict): number => report.figures.filter((f) => f.verdict === v).length;
  return (
    <div className={styles.section} data-testid={testId}>
      <Body1 data-testid={`${testId}-summary`}>
        {report.figures.length === 0
          ? 'No partage figure in this workbook.'
          : `${report.kind === 'copy' ? 'A copy for the other side: ' : ''}${report.figures.length} figures — ${count('matches')} match, ${count('differs')} differ, ${count('not checkable')} not checkable.`}
      </Body1>
      {report.figures.length > 0 && (
        <Table size="extra-small" aria-label="Figures checked">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Figure</TableHeaderCell>
              <TableHeaderCell>Result</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.figures.map((f) => (
              <TableRow key={f.where} data-testid={`${testId}-row`}>
                <TableCell>
                  <div className={styles.where} data-testid={`${testId}-where`}>
                    {f.where}
                  </div>
                  <Caption1 className={mergeClasses(styles.muted, styles.functions)}>{f.functions}</Caption1>
                </TableCell>
                <TableCell>
                  <Badge appearance="tint" color={VERDICT_COLOR[f.verdict]} data-testid={`${testId}-verdict`}>
                    {f.verdict}
                  </Badge>
                  <Caption1 as="p" className={styles.detail} data-testid={`${testId}-detail`}>
                    {f.detail}
                  </Caption1>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

function CopyReady({ copy, testId, onOpen }: { copy: CopyMade; testId: string; onOpen?: () => void }): JSX.Element {
  return (
    <MessageBar intent="success" data-testid={`${testId}-made`}>
      <MessageBarBody>
        <MessageBarTitle>The copy is ready</MessageBarTitle>
        {copy.figures} figures: {copy.native} as native Excel formulas, {copy.figures - copy.native} as values; the sheet “About these figures” lists them.
      </MessageBarBody>
      <MessageBarActions>
        {onOpen && (
          <Button size="small" onClick={onOpen} data-testid={`${testId}-open`}>
            Open in Excel
          </Button>
        )}
        <a href={copy.url} download={copy.fileName} data-testid={`${testId}-download`}>
          Download .xlsx
        </a>
      </MessageBarActions>
    </MessageBar>
  );
}

export function ShareScreen({ workbook = excelWorkbook }: ShareScreenProps): JSX.Element {
  const styles = useStyles();
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<SheetStatus | undefined>(undefined);
  const [copy, setCopy] = useState<CopyMade | undefined>(undefined);
  const [report, setReport] = useState<VerifyReport | undefined>(undefined);
  const [file, setFile] = useState<{ name: string; model: WorkbookModel } | undefined>(undefined);
  const [fileReport, setFileReport] = useState<VerifyReport | undefined>(undefined);
  const [fileCopy, setFileCopy] = useState<CopyMade | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const reason = !workbook.available
    ? 'Open this pane in Excel to copy or verify the open workbook; a saved file can be checked below.'
    : !workbook.supports(REQUIRED_API_FOR_COPY)
      ? `This version of Excel lacks ExcelApi ${REQUIRED_API_FOR_COPY} (spilled ranges); a saved file can be checked below.`
      : undefined;

  const run = async (what: string, work: () => Promise<void>): Promise<void> => {
    setBusy(what);
    setOutcome(undefined);
    try {
      await work();
    } catch (error) {
      setOutcome({ intent: 'error', title: what === 'copy' || what === 'file-copy' ? 'Could not make the copy' : what === 'file' ? 'Could not read the file' : 'Could not verify', text: messageOf(error) });
    } finally {
      setBusy(undefined);
    }
  };
  const keep = (made: CopyMade): CopyMade => {
    urls.current.push(made.url);
    return made;
  };

  const copyThisWorkbook = (): Promise<void> =>
    run('copy', async () => {
      const model = await workbook.run(readOpenWorkbook);
      setCopy(keep(await copyOf(model, 'for the other side.xlsx')));
    });
  const verifyThisWorkbook = (): Promise<void> =>
    run('verify', async () => {
      setReport(await verifyModel(await workbook.run(readOpenWorkbook)));
    });
  const chooseFile = (chosen: File | undefined): void => {
    if (chosen === undefined) return;
    void run('file', async () => {
      setFile(undefined);
      setFileReport(undefined);
      setFileCopy(undefined);
      const { readXlsx } = await import('../../workbook/xlsxFile');
      const model = await readXlsx(await readBlob(chosen));
      setFile({ name: chosen.name, model });
      setFileReport(await verifyModel(model));
    });
  };
  const copyFile = (): Promise<void> =>
    run('file-copy', async () => {
      if (file === undefined) return;
      setFileCopy(keep(await copyOf(file.model, file.name.replace(/(\.xlsx)?$/i, ' - for the other side.xlsx'))));
    });
  const openCopy = workbook.createWorkbook && workbook.available ? (c: CopyMade) => void run('open', () => workbook.createWorkbook!(toBase64(c.bytes))) : undefined;
  const spinner = (what: string) => (busy === what ? <Spinner size="tiny" /> : undefined);

  return (
    <section className={styles.root} aria-labelledby="share-heading" data-testid="share-screen">
      <header className={styles.section}>
        <Subtitle2 as="h2" id="share-heading" className={styles.heading}>
          Share and check
        </Subtitle2>
        <Caption1 className={styles.muted}>
          A copy the other side opens without the add-in — native Excel formulas on the same inputs where Excel has them, values elsewhere, and a sheet “About these figures” with each figure’s provenance — and a check that every figure still follows from the inputs in the file.
        </Caption1>
      </header>

      <section className={styles.section} aria-labelledby="share-this-heading">
        <Subtitle2 as="h3" id="share-this-heading" className={styles.heading}>
          This workbook
        </Subtitle2>
        <div className={styles.row}>
          <Button appearance="primary" disabledFocusable={reason !== undefined || busy !== undefined} aria-describedby={reason ? 'share-reason' : undefined} onClick={() => void copyThisWorkbook()} icon={spinner('copy')} data-testid="share-copy">
            Make a copy for the other side
          </Button>
          <Button disabledFocusable={reason !== undefined || busy !== undefined} aria-describedby={reason ? 'share-reason' : undefined} onClick={() => void verifyThisWorkbook()} icon={spinner('verify')} data-testid="share-verify">
            Verify figures
          </Button>
          {reason !== undefined && (
            <Caption1 id="share-reason" className={styles.reason} data-testid="share-reason">
              {reason}
            </Caption1>
          )}
        </div>
        {copy && <CopyReady copy={copy} testId="share-copy" onOpen={openCopy ? () => openCopy(copy) : undefined} />}
        {report && <ReportTable report={report} testId="share-report" />}
      </section>

      <section className={styles.section} aria-labelledby="share-file-heading">
        <Subtitle2 as="h3" id="share-file-heading" className={styles.heading}>
          A saved workbook
        </Subtitle2>
        <Caption1 className={styles.muted}>An .xlsx file — the original, or a copy the other side sent back: its figures are recomputed from the inputs it holds.</Caption1>
        <div className={styles.row}>
          <input ref={input} type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" className={styles.hidden} onChange={(e) => chooseFile(e.target.files?.[0])} data-testid="share-file-input" aria-label="Workbook file" />
          <Button onClick={() => input.current?.click()} disabledFocusable={busy !== undefined} icon={spinner('file')} data-testid="share-file-choose">
            Choose a file…
          </Button>
          {file && (
            <Button onClick={() => void copyFile()} disabledFocusable={busy !== undefined || fileReport?.kind === 'copy'} icon={spinner('file-copy')} data-testid="share-file-copy">
              Make its copy
            </Button>
          )}
        </div>
        {file && <Caption1 data-testid="share-file-name">{file.name}</Caption1>}
        {fileCopy && <CopyReady copy={fileCopy} testId="share-file-copy" />}
        {fileReport && <ReportTable report={fileReport} testId="share-file-report" />}
      </section>

      <SheetStatusBar status={outcome} testId="share" />
    </section>
  );
}
