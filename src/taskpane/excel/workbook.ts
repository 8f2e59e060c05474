/*
 * The pane's only door to the workbook. Components take a WorkbookAccess (tests pass a mock);
 * in Excel it is excelWorkbook, which runs batches with Excel.run.
 */

export interface WorkbookAccess {
  /** False outside Excel (a plain browser, tests without a workbook). */
  readonly available: boolean;
  /** Whether the host implements ExcelApi at `version` ("1.12"); false when unavailable. */
  supports(version: string): boolean;
  /** Runs one batch against the workbook. Rejects when unavailable. */
  run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  /**
   * Calls `handler` when the user activates another worksheet; returns the unsubscribe.
   * Optional: hosts (and mocks) without worksheet events simply do not offer it.
   */
  onSheetActivated?(handler: () => void): () => void;
  /** Opens an .xlsx (base64) as a new workbook in Excel (ExcelApi 1.8); absent where it cannot. */
  createWorkbook?(base64: string): Promise<void>;
}

/** What the pane says when it is not running inside Excel. */
export const NOT_IN_EXCEL = 'Open this pane in Excel to insert the calculation';

/**
 * Press sheets keep their inputs in worksheet custom properties (ExcelApi 1.12), and names
 * scoped to the sheet (1.4), chart axes (1.7) come with it. Notes need 1.18; without it the
 * sources go in cell prompts (see pressSheet.ts).
 */
export const REQUIRED_EXCEL_API = '1.12';

function officeReady(): boolean {
  return typeof Office !== 'undefined' && typeof Excel !== 'undefined' && typeof Excel.run === 'function' && Office.context?.requirements !== undefined;
}

export const excelWorkbook: WorkbookAccess = {
  get available(): boolean {
    try {
      return officeReady() && Office.context.requirements.isSetSupported('ExcelApi', '1.1');
    } catch {
      return false;
    }
  },
  supports(version: string): boolean {
    try {
      return officeReady() && Office.context.requirements.isSetSupported('ExcelApi', version);
    } catch {
      return false;
    }
  },
  run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> {
    if (!officeReady()) return Promise.reject(new Error(NOT_IN_EXCEL));
    return Excel.run(batch);
  },
  async createWorkbook(base64: string): Promise<void> {
    if (!officeReady() || !Office.context.requirements.isSetSupported('ExcelApi', '1.8')) throw new Error('This version of Excel cannot open a workbook from the pane: download the copy instead.');
    await Excel.createWorkbook(base64);
  },
  onSheetActivated(handler: () => void): () => void {
    if (!officeReady()) return () => undefined;
    let registration: OfficeExtension.EventHandlerResult<Excel.WorksheetActivatedEventArgs> | undefined;
    let cancelled = false;
    Excel.run(async (context) => {
      registration = context.workbook.worksheets.onActivated.add(async () => {
        handler();
      });
      await context.sync();
    }).then(
      () => {
        if (cancelled) void removeRegistration(registration);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      void removeRegistration(registration);
    };
  },
};

async function removeRegistration(registration: OfficeExtension.EventHandlerResult<Excel.WorksheetActivatedEventArgs> | undefined): Promise<void> {
  if (registration === undefined) return;
  await Excel.run(registration.context, async (context) => {
    registration.remove();
    await context.sync();
  }).catch(() => undefined);
}

/** Why the pane cannot write, or undefined when it can. */
export function workbookUnavailableReason(workbook: WorkbookAccess): string | undefined {
  if (!workbook.available) return NOT_IN_EXCEL;
  if (!workbook.supports(REQUIRED_EXCEL_API)) {
    return `This version of Excel lacks ExcelApi ${REQUIRED_EXCEL_API} (worksheet custom properties): update Excel to insert the calculation`;
  }
  return undefined;
}
