/*
 * Writes (or rewrites in place) a press sheet from validated inputs: the cells of the plan
 * (pressLayout.ts), sheet-scoped names on the inputs and results, a note with its source on
 * each input cell, the tornado chart over the sensitivity table, and the stored inputs.
 *
 * Names are scoped to the sheet (ExcelApi 1.4): a copied sheet ("scenario B") then computes
 * from its own inputs instead of silently reading the original's, and other sheets reference a
 * result as 'Press 1'!AmountToCulture.
 *
 * Source notes: Excel notes (ExcelApi 1.18) where the host has them. Elsewhere the note goes
 * into the cell's input message (data validation prompt, ExcelApi 1.8), which Excel shows when
 * the cell is selected, truncated to its 255 characters. In both cases the full source is also
 * written in the Source column beside the input, which prints and survives any host.
 */
import type { PressInputs } from '../press/pressModel';
import { sheetReference } from './a1';
import { planPressSheet, TORNADO_CHART_NAME, type CellStyle, type PressSheetPlan } from './pressLayout';
import { writeStoredInputs } from './pressStore';
import { uniqueSheetName } from './sheetNames';

export type SourceNoteMode = 'notes' | 'prompts';

export interface PressWriteOptions {
  /** Rewrite this existing press sheet in place (the wizard's Update) instead of adding one. */
  sheetName?: string;
  /** 'notes' where ExcelApi 1.18 is available, 'prompts' otherwise. */
  sourceNotes: SourceNoteMode;
}

export interface PressWriteResult {
  sheetName: string;
  plan: PressSheetPlan;
}

/** Excel's own Input cell style colours, so that inputs look as users expect. */
const INPUT_FILL = '#FFCC99';
const INPUT_FONT = '#3F3F76';
const MUTED_FONT = '#595959';
const SECTION_FONT = '#1F4E78';
const HEADER_FILL = '#D9E1F2';
const KEY_RESULT_FILL = '#E2EFDA';
const PROMPT_MESSAGE_LIMIT = 255;

export async function writePressSheet(context: Excel.RequestContext, inputs: PressInputs, options: PressWriteOptions): Promise<PressWriteResult> {
  const plan = planPressSheet(inputs);
  const sheets = context.workbook.worksheets;
  let sheet: Excel.Worksheet;
  if (options.sheetName !== undefined) {
    sheet = sheets.getItemOrNullObject(options.sheetName);
    sheet.load('name');
    await context.sync();
    if (sheet.isNullObject) {
      throw new Error(`The press sheet "${options.sheetName}" is no longer in the workbook (renamed or deleted?): reopen the wizard on it, or start a new calculation`);
    }
    await clearPressSheet(context, sheet, options.sourceNotes);
  } else {
    const name = await uniqueSheetName(context, 'Press');
    sheet = sheets.add(name);
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

  await writeNames(context, sheet, sheetName, plan);
  for (const note of plan.notes) {
    const cell = sheet.getRange(note.address);
    if (options.sourceNotes === 'notes') sheet.notes.add(cell, note.text);
    else cell.dataValidation.prompt = { showPrompt: true, title: 'Source', message: note.text.slice(0, PROMPT_MESSAGE_LIMIT) };
  }
  addTornadoChart(sheet, plan);
  await context.sync();

  await writeStoredInputs(context, sheet, inputs);
  sheet.activate();
  sheet.getRange('A1').select();
  await context.sync();
  return { sheetName, plan };
}

function applyStyle(format: Excel.RangeFormat, style: CellStyle): void {
  switch (style) {
    case 'title':
      format.font.bold = true;
      format.font.size = 14;
      break;
    case 'intro':
    case 'source':
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
    case 'label':
    case 'formula':
      break;
  }
}

/**
 * Adds the plan's names; on an update, names that exist already are pointed at their new cells
 * (so that formulas elsewhere keep resolving) and those the new layout lacks are deleted.
 */
async function writeNames(context: Excel.RequestContext, sheet: Excel.Worksheet, sheetName: string, plan: PressSheetPlan): Promise<void> {
  const existing = sheet.names;
  existing.load('items/name');
  await context.sync();
  const planned = new Map(plan.names.map((n) => [n.name.toLowerCase(), n]));
  const kept = new Set<string>();
  for (const item of existing.items) {
    const wanted = planned.get(item.name.toLowerCase());
    if (wanted === undefined) {
      item.delete();
    } else {
      item.formula = `=${sheetReference(sheetName, wanted.address)}`;
      item.comment = wanted.comment;
      kept.add(wanted.name.toLowerCase());
    }
  }
  for (const n of plan.names) {
    if (!kept.has(n.name.toLowerCase())) sheet.names.add(n.name, `=${sheetReference(sheetName, n.address)}`, n.comment);
  }
}

function addTornadoChart(sheet: Excel.Worksheet, plan: PressSheetPlan): void {
  const tornado = plan.tornado;
  const chart = sheet.charts.add('BarClustered', sheet.getRange(tornado.seriesAddress), 'Columns');
  chart.name = TORNADO_CHART_NAME;
  chart.title.text = tornado.title;
  chart.setPosition(tornado.topLeft, tornado.bottomRight);
  const categories = sheet.getRange(tornado.categoriesAddress);
  for (const index of [0, 1]) {
    const series = chart.series.getItemAt(index);
    series.setXAxisValues(categories);
    // The two changes of one input on one line: a tornado, not a pair of bars.
    series.overlap = 100;
    series.gapWidth = 40;
  }
  // Largest swing on top (the table is sorted by swing), labels clear of the bars.
  chart.axes.categoryAxis.reversePlotOrder = true;
  chart.axes.categoryAxis.tickLabelPosition = 'Low';
  chart.legend.position = 'Bottom';
}

/**
 * Empties a press sheet before it is rewritten: cells, formats, prompts, notes (where the host
 * has them: a sheet written with notes and updated on a host without keeps its old notes), and
 * our chart.
 */
async function clearPressSheet(context: Excel.RequestContext, sheet: Excel.Worksheet, mode: SourceNoteMode): Promise<void> {
  const used = sheet.getUsedRangeOrNullObject();
  const chart = sheet.charts.getItemOrNullObject(TORNADO_CHART_NAME);
  chart.load('name');
  if (mode === 'notes') sheet.notes.load('items');
  await context.sync();
  if (!used.isNullObject) {
    used.dataValidation.clear();
    used.clear('All');
  }
  if (mode === 'notes') for (const note of sheet.notes.items) note.delete();
  if (!chart.isNullObject) chart.delete();
  await context.sync();
}
