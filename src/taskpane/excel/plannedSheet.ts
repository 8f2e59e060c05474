/*
 * Writing a sheet from a pure plan (cells, sheet-scoped names, source notes, charts), for the
 * compare-methods and multi-stage sheets: the plan is computed without the workbook (tests read
 * it), then applied here, on a new sheet or in place over the one the pane was reopened on.
 *
 * Source notes go in Excel notes where the host has them (ExcelApi 1.18), else in the cell's
 * input prompt (data validation, 1.8), as on press sheets (pressSheet.ts).
 */
import { sheetReference } from './a1';
import { writeSheetStore, type StoreKind } from './sheetStore';
import { uniqueSheetName } from './sheetNames';
import type { SourceNoteMode } from './pressSheet';

export type PlannedStyle = 'title' | 'intro' | 'section' | 'header' | 'input' | 'keyResult' | 'muted';

export interface SheetCell {
  address: string;
  value?: string | number;
  formula?: string;
  numberFormat?: string;
  style?: PlannedStyle;
}

export interface SheetName {
  name: string;
  /** On the sheet itself: "B6:B8". */
  address: string;
  comment: string;
}

export interface SheetNote {
  address: string;
  text: string;
}

export interface SheetChart {
  name: string;
  type: 'ColumnClustered';
  title: string;
  /** The series columns with their header row. */
  seriesAddress: string;
  seriesCount: number;
  /** The categories (players, stages). */
  categoriesAddress: string;
  topLeft: string;
  bottomRight: string;
}

export interface SheetPlan {
  cells: SheetCell[];
  names: SheetName[];
  notes: SheetNote[];
  charts: SheetChart[];
  columnWidths: Array<{ column: string; points: number }>;
}

export interface PlanWriteOptions {
  /** New sheets are "<prefix> n". */
  prefix: string;
  /** Rewrite this sheet in place instead of adding one. */
  sheetName?: string;
  sourceNotes: SourceNoteMode;
  store: { kind: StoreKind; payload: unknown };
}

const INPUT_FILL = '#FFCC99';
const INPUT_FONT = '#3F3F76';
const MUTED_FONT = '#595959';
const SECTION_FONT = '#1F4E78';
const HEADER_FILL = '#D9E1F2';
const KEY_RESULT_FILL = '#E2EFDA';
const PROMPT_MESSAGE_LIMIT = 255;

/** A figure's or an input's source: a note (ExcelApi 1.18), else the cell's input prompt. */
export function addSourceNote(sheet: Excel.Worksheet, note: SheetNote, mode: SourceNoteMode): void {
  const target = sheet.getRange(note.address);
  if (mode === 'notes') sheet.notes.add(target, note.text);
  else target.dataValidation.prompt = { showPrompt: true, title: 'Source', message: note.text.slice(0, PROMPT_MESSAGE_LIMIT) };
}

export async function writeSheetPlan(context: Excel.RequestContext, plan: SheetPlan, options: PlanWriteOptions): Promise<{ sheetName: string }> {
  const sheets = context.workbook.worksheets;
  let sheet: Excel.Worksheet;
  if (options.sheetName !== undefined) {
    sheet = sheets.getItemOrNullObject(options.sheetName);
    sheet.load('name');
    await context.sync();
    if (sheet.isNullObject) throw new Error(`The sheet "${options.sheetName}" is no longer in the workbook (renamed or deleted?): insert a new sheet instead`);
    await clearSheet(context, sheet, plan, options.sourceNotes);
  } else {
    sheet = sheets.add(await uniqueSheetName(context, options.prefix));
  }
  sheet.load('name');
  await context.sync();
  const sheetName = sheet.name;

  for (const cell of plan.cells) {
    const range = sheet.getRange(cell.address);
    if (cell.numberFormat !== undefined) range.numberFormat = [[cell.numberFormat]];
    else if (typeof cell.value === 'string') range.numberFormat = [['@']];
    if (cell.formula !== undefined) range.formulas = [[cell.formula]];
    else if (cell.value !== undefined) range.values = [[cell.value]];
    if (cell.style !== undefined) applyStyle(range.format, cell.style);
  }
  for (const { column, points } of plan.columnWidths) sheet.getRange(`${column}:${column}`).format.columnWidth = points;
  await writeNames(context, sheet, sheetName, plan.names);
  for (const note of plan.notes) addSourceNote(sheet, note, options.sourceNotes);
  for (const planned of plan.charts) {
    const chart = sheet.charts.add(planned.type, sheet.getRange(planned.seriesAddress), 'Columns');
    chart.name = planned.name;
    chart.title.text = planned.title;
    chart.setPosition(planned.topLeft, planned.bottomRight);
    const categories = sheet.getRange(planned.categoriesAddress);
    for (let k = 0; k < planned.seriesCount; k++) chart.series.getItemAt(k).setXAxisValues(categories);
    chart.legend.position = 'Bottom';
  }
  await context.sync();
  await writeSheetStore(context, sheet, options.store.kind, options.store.payload);
  sheet.activate();
  sheet.getRange('A1').select();
  await context.sync();
  return { sheetName };
}

function applyStyle(format: Excel.RangeFormat, style: PlannedStyle): void {
  switch (style) {
    case 'title':
      format.font.bold = true;
      format.font.size = 14;
      break;
    case 'intro':
    case 'muted':
      format.font.italic = true;
      format.font.color = MUTED_FONT;
      break;
    case 'section':
      format.font.bold = true;
      format.font.size = 12;
      format.font.color = SECTION_FONT;
      break;
    case 'header':
      format.font.bold = true;
      format.fill.color = HEADER_FILL;
      break;
    case 'input':
      format.fill.color = INPUT_FILL;
      format.font.color = INPUT_FONT;
      break;
    case 'keyResult':
      format.font.bold = true;
      format.fill.color = KEY_RESULT_FILL;
      break;
  }
}

/** Planned names added; on a rewrite existing ones are re-pointed (formulas elsewhere keep resolving), others deleted. */
async function writeNames(context: Excel.RequestContext, sheet: Excel.Worksheet, sheetName: string, names: readonly SheetName[]): Promise<void> {
  const existing = sheet.names;
  existing.load('items/name');
  await context.sync();
  const planned = new Map(names.map((n) => [n.name.toLowerCase(), n]));
  const kept = new Set<string>();
  for (const item of existing.items) {
    const wanted = planned.get(item.name.toLowerCase());
    if (wanted === undefined) item.delete();
    else {
      item.formula = `=${sheetReference(sheetName, wanted.address)}`;
      item.comment = wanted.comment;
      kept.add(wanted.name.toLowerCase());
    }
  }
  for (const n of names) if (!kept.has(n.name.toLowerCase())) sheet.names.add(n.name, `=${sheetReference(sheetName, n.address)}`, n.comment);
}

async function clearSheet(context: Excel.RequestContext, sheet: Excel.Worksheet, plan: SheetPlan, mode: SourceNoteMode): Promise<void> {
  const used = sheet.getUsedRangeOrNullObject();
  const charts = plan.charts.map((c) => {
    const chart = sheet.charts.getItemOrNullObject(c.name);
    chart.load('name');
    return chart;
  });
  if (mode === 'notes') sheet.notes.load('items');
  await context.sync();
  if (!used.isNullObject) {
    used.dataValidation.clear();
    used.clear('All');
  }
  if (mode === 'notes') for (const note of sheet.notes.items) note.delete();
  for (const chart of charts) if (!chart.isNullObject) chart.delete();
  await context.sync();
}
