/*
 * The wizard's inputs, kept in the workbook with the press sheet they produced.
 *
 * Where: worksheet custom properties (ExcelApi 1.12, Excel on Windows, Mac, the web and iPad).
 * They travel with the sheet (a copied sheet carries its own inputs, a renamed one keeps them),
 * are saved in the .xlsx, and are invisible to someone who only reads the sheet. A hidden sheet
 * would be visible to anyone who unhides it and breaks when sheets are copied; custom XML parts
 * belong to the workbook, not to a sheet, so they would need a key to find their sheet again.
 * Excel documents no length limit for worksheet custom property values but trims workbook-level
 * ones to 255 characters on desktop, so the JSON is stored in 255-character parts to be safe.
 *
 * The stored JSON gives the structure (labels, sources, currency, which steps are per line);
 * reading a sheet back takes the current values of its named input cells over the stored ones,
 * so that edits made in the sheet (by the user or a counterpart) are what the wizard shows.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CURRENCIES } from '../press/numberEntry';
import { PURPOSE_NAMES, type PressInputs } from '../press/pressModel';
import { PRESS_NAMES } from './pressFormulas';

export const PRESS_PROPERTY = 'partage.press';
const PART_LENGTH = 255;
const FORMAT = 'partage.press';
const VERSION = 1;

const Fraction = Type.Number({ minimum: 0, maximum: 1 });
const Amount = Type.Number({ minimum: 0 });
const ShareSchema = Type.Union([
  Type.Object({ perLine: Type.Literal(false), share: Fraction, source: Type.String() }),
  Type.Object({ perLine: Type.Literal(true), shares: Type.Array(Fraction, { minItems: 1 }), source: Type.String() }),
]);
const PurposeSchema = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]);
const PressInputsSchema = Type.Object({
  title: Type.String(),
  currency: Type.Union(CURRENCIES.map((c) => Type.Literal(c))),
  hasDeductions: Type.Boolean(),
  lines: Type.Array(Type.Object({ label: Type.String(), revenue: Amount, deduction: Amount, source: Type.String() }), { minItems: 1 }),
  link: ShareSchema,
  counterfactual: ShareSchema,
  split: Type.Union([
    Type.Object({ kind: Type.Literal('bargaining'), rate: Fraction, source: Type.String() }),
    Type.Object({
      kind: Type.Literal('purpose'),
      purpose: PurposeSchema,
      schedule: Type.Array(Type.Object({ purpose: PurposeSchema, from: Amount, rate: Fraction }), { minItems: 1 }),
      minimum: Amount,
      mode: Type.Union([Type.Literal('marginal'), Type.Literal('bracket')]),
      source: Type.String(),
    }),
  ]),
});
const StoredSchema = Type.Object({ format: Type.Literal(FORMAT), version: Type.Literal(VERSION), inputs: PressInputsSchema });

const HeaderSchema = Type.Object({ format: Type.Literal(FORMAT), version: Type.Number(), parts: Type.Integer({ minimum: 1 }) });

export class StoredInputsError extends Error {
  constructor(sheetName: string, detail: string) {
    super(`The press inputs stored with sheet "${sheetName}" cannot be read: ${detail}`);
    this.name = 'StoredInputsError';
  }
}

function partKey(k: number): string {
  return `${PRESS_PROPERTY}.${k + 1}`;
}

/** The custom properties that store `inputs`: the header under PRESS_PROPERTY, then the parts. */
export function storedProperties(inputs: PressInputs): Array<{ key: string; value: string }> {
  const stored = { format: FORMAT, version: VERSION, inputs };
  const text = JSON.stringify(stored);
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += PART_LENGTH) parts.push(text.slice(at, at + PART_LENGTH));
  return [
    { key: PRESS_PROPERTY, value: JSON.stringify({ format: FORMAT, version: VERSION, parts: parts.length }) },
    ...parts.map((value, k) => ({ key: partKey(k), value })),
  ];
}

/** Writes the inputs on the sheet, replacing earlier ones (and removing parts a longer version left). */
export async function writeStoredInputs(context: Excel.RequestContext, sheet: Excel.Worksheet, inputs: PressInputs): Promise<void> {
  const properties = sheet.customProperties;
  properties.load('items/key');
  await context.sync();
  const wanted = storedProperties(inputs);
  const keep = new Set(wanted.map((p) => p.key.toLowerCase()));
  for (const item of properties.items) {
    const key = item.key.toLowerCase();
    if (key.startsWith(`${PRESS_PROPERTY}.`) && !keep.has(key)) item.delete();
  }
  for (const { key, value } of wanted) properties.add(key, value);
  await context.sync();
}

/** Reassembles the stored inputs from a sheet's custom properties; undefined when it has none. */
export function inputsFromProperties(sheetName: string, items: ReadonlyArray<{ key: string; value: string }>): PressInputs | undefined {
  const byKey = new Map(items.map((item) => [item.key.toLowerCase(), item.value]));
  const headerText = byKey.get(PRESS_PROPERTY);
  if (headerText === undefined) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch {
    throw new StoredInputsError(sheetName, 'the header is not JSON');
  }
  if (!Value.Check(HeaderSchema, header)) throw new StoredInputsError(sheetName, 'the header is not that of partage press inputs');
  if (header.version !== VERSION) {
    throw new StoredInputsError(sheetName, `they were written by a newer partage (format version ${header.version}); update the add-in`);
  }
  let text = '';
  for (let k = 0; k < header.parts; k++) {
    const part = byKey.get(partKey(k).toLowerCase());
    if (part === undefined) throw new StoredInputsError(sheetName, `part ${k + 1} of ${header.parts} is missing`);
    text += part;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    throw new StoredInputsError(sheetName, 'the stored text is not JSON');
  }
  if (!Value.Check(StoredSchema, stored)) {
    const first = Value.Errors(StoredSchema, stored).First();
    throw new StoredInputsError(sheetName, first ? `${first.path || '/'}: ${first.message}` : 'unexpected content');
  }
  const inputs = stored.inputs as PressInputs;
  const lines = inputs.lines.length;
  if ((inputs.link.perLine && inputs.link.shares.length !== lines) || (inputs.counterfactual.perLine && inputs.counterfactual.shares.length !== lines)) {
    throw new StoredInputsError(sheetName, 'the per-line shares do not match the revenue lines');
  }
  return inputs;
}

export interface PressSheetInputs {
  sheetName: string;
  inputs: PressInputs;
  /** Cells whose content could not be used (the stored value was kept), in words. */
  warnings: string[];
}

/**
 * The inputs of a press sheet as it stands: the stored inputs with the current content of the
 * named input cells (and of the labels and sources beside them) taken over. undefined when the
 * sheet is not a press sheet.
 */
export async function readPressSheet(context: Excel.RequestContext, sheet: Excel.Worksheet): Promise<PressSheetInputs | undefined> {
  sheet.load('name');
  const properties = sheet.customProperties;
  properties.load('items/key,items/value');
  await context.sync();
  const stored = inputsFromProperties(sheet.name, properties.items.map((item) => ({ key: item.key, value: item.value })));
  if (stored === undefined) return undefined;

  // First the named input cells, then (for those that exist) the labels and sources beside them.
  const named = new Map<string, Excel.Range>();
  for (const name of overlaidNames(stored)) {
    const range = sheet.names.getItemOrNullObject(name).getRangeOrNullObject();
    range.load('values');
    named.set(name, range);
  }
  await context.sync();
  const values = new Map<string, unknown[][]>();
  for (const [name, range] of named) if (!range.isNullObject) values.set(name, range.values);

  const revenue = named.get(PRESS_NAMES.revenue);
  const linesMatch = revenue !== undefined && !revenue.isNullObject && revenue.values.length === stored.lines.length;
  let labels: Excel.Range | undefined;
  let sources: Excel.Range | undefined;
  if (revenue !== undefined && linesMatch) {
    labels = revenue.getOffsetRange(0, -1);
    sources = revenue.getOffsetRange(0, sourceColumnOffset(stored));
    labels.load('values');
    sources.load('values');
  }
  const besides = new Map<string, Excel.Range>();
  const singles = [
    ...(stored.link.perLine ? [] : [PRESS_NAMES.link]),
    ...(stored.counterfactual.perLine ? [] : [PRESS_NAMES.counterfactual]),
    stored.split.kind === 'bargaining' ? PRESS_NAMES.splitRate : PRESS_NAMES.purpose,
  ];
  for (const name of singles) {
    const range = named.get(name);
    if (range === undefined || range.isNullObject) continue;
    const beside = range.getOffsetRange(0, 1);
    beside.load('values');
    besides.set(name, beside);
  }
  await context.sync();

  const warnings: string[] = [];
  const inputs = overlay(stored, values, warnings);
  if (labels !== undefined && sources !== undefined) {
    const labelValues = labels.values;
    const sourceValues = sources.values;
    inputs.lines = inputs.lines.map((line, i) => ({
      ...line,
      label: cellText(labelValues[i][0]) || line.label,
      source: cellText(sourceValues[i][0]),
    }));
  } else {
    warnings.push(`The sheet's revenue lines no longer match the ${stored.lines.length} stored: the stored lines are shown`);
  }
  const sourceOf = (name: string, fallback: string): string => {
    const beside = besides.get(name);
    return beside === undefined ? fallback : cellText(beside.values[0][0]);
  };
  if (!inputs.link.perLine) inputs.link = { ...inputs.link, source: sourceOf(PRESS_NAMES.link, inputs.link.source) };
  if (!inputs.counterfactual.perLine) inputs.counterfactual = { ...inputs.counterfactual, source: sourceOf(PRESS_NAMES.counterfactual, inputs.counterfactual.source) };
  const splitName = inputs.split.kind === 'bargaining' ? PRESS_NAMES.splitRate : PRESS_NAMES.purpose;
  inputs.split = { ...inputs.split, source: sourceOf(splitName, inputs.split.source) };
  return { sheetName: sheet.name, inputs, warnings };
}

/** The names whose cells hold this layout's inputs (the per-line cells are read through their columns). */
function overlaidNames(inputs: PressInputs): string[] {
  const names: string[] = [PRESS_NAMES.revenue, PRESS_NAMES.link, PRESS_NAMES.counterfactual];
  if (inputs.hasDeductions) names.push(PRESS_NAMES.deductions);
  if (inputs.split.kind === 'bargaining') names.push(PRESS_NAMES.splitRate);
  else names.push(PRESS_NAMES.purpose, PRESS_NAMES.minimum, PRESS_NAMES.mode, PRESS_NAMES.schedule);
  return names;
}

/** Columns from the revenue column to the source column (see pressLayout). */
function sourceColumnOffset(inputs: PressInputs): number {
  return 1 + (inputs.hasDeductions ? 1 : 0) + (inputs.link.perLine ? 1 : 0) + (inputs.counterfactual.perLine ? 1 : 0);
}

function cellText(cell: unknown): string {
  return cell === null || cell === undefined ? '' : String(cell).trim();
}

const PURPOSE_BY_NAME = new Map<string, 1 | 2 | 3>([
  ['generalist', 1],
  ['specialised', 2],
  ['specialized', 2],
  ['competing', 3],
  ['1', 1],
  ['2', 2],
  ['3', 3],
]);

/** The stored inputs with every usable named cell value taken over. */
function overlay(stored: PressInputs, values: Map<string, unknown[][]>, warnings: string[]): PressInputs {
  const inputs: PressInputs = JSON.parse(JSON.stringify(stored)) as PressInputs;
  const column = (name: string): unknown[] | undefined => {
    const grid = values.get(name);
    if (grid === undefined) {
      warnings.push(`The name ${name} is missing from the sheet: its stored value is shown`);
      return undefined;
    }
    if (grid.length !== inputs.lines.length && grid.length !== 1) return undefined;
    return grid.map((row) => row[0]);
  };
  const number = (name: string, cell: unknown, check: (x: number) => boolean, what: string, emptyAs?: number): number | undefined => {
    if (typeof cell === 'number' && Number.isFinite(cell) && check(cell)) return cell;
    if (cell === '' && emptyAs !== undefined) return emptyAs;
    warnings.push(`${name} holds ${JSON.stringify(cell)}, not ${what}: its stored value is shown`);
    return undefined;
  };
  const isAmount = (x: number): boolean => x >= 0;
  const isFraction = (x: number): boolean => x >= 0 && x <= 1;

  const revenue = column(PRESS_NAMES.revenue);
  const deductions = inputs.hasDeductions ? column(PRESS_NAMES.deductions) : undefined;
  inputs.lines.forEach((line, i) => {
    if (revenue?.length === inputs.lines.length) line.revenue = number(`Revenue_${i + 1}`, revenue[i], isAmount, 'an amount ≥ 0') ?? line.revenue;
    if (deductions?.length === inputs.lines.length) line.deduction = number(`Deduction_${i + 1}`, deductions[i], isAmount, 'an amount ≥ 0', 0) ?? line.deduction;
  });
  for (const key of ['link', 'counterfactual'] as const) {
    const name = key === 'link' ? PRESS_NAMES.link : PRESS_NAMES.counterfactual;
    const share = inputs[key];
    const cells = column(name);
    if (cells === undefined) continue;
    if (share.perLine && cells.length === share.shares.length) {
      share.shares = share.shares.map((s, i) => number(`${name}_${i + 1}`, cells[i], isFraction, 'a share from 0 to 1') ?? s);
    } else if (!share.perLine && cells.length === 1) {
      share.share = number(name, cells[0], isFraction, 'a share from 0 to 1') ?? share.share;
    }
  }
  const split = inputs.split;
  const single = (name: string): unknown => values.get(name)?.[0]?.[0];
  if (split.kind === 'bargaining') {
    if (values.has(PRESS_NAMES.splitRate)) split.rate = number(PRESS_NAMES.splitRate, single(PRESS_NAMES.splitRate), isFraction, 'a share from 0 to 1') ?? split.rate;
  } else {
    const purpose = PURPOSE_BY_NAME.get(cellText(single(PRESS_NAMES.purpose)).toLowerCase());
    if (purpose !== undefined) split.purpose = purpose;
    else warnings.push(`${PRESS_NAMES.purpose} holds ${JSON.stringify(single(PRESS_NAMES.purpose))}, not ${Object.values(PURPOSE_NAMES).join(', ')}: its stored value is shown`);
    if (values.has(PRESS_NAMES.minimum)) split.minimum = number(PRESS_NAMES.minimum, single(PRESS_NAMES.minimum), isAmount, 'an amount ≥ 0') ?? split.minimum;
    const mode = cellText(single(PRESS_NAMES.mode)).toLowerCase();
    if (mode === 'marginal' || mode === 'bracket') split.mode = mode;
    else warnings.push(`${PRESS_NAMES.mode} holds ${JSON.stringify(single(PRESS_NAMES.mode))}, not marginal or bracket: its stored value is shown`);
    const schedule = values.get(PRESS_NAMES.schedule);
    if (schedule !== undefined && schedule.length === split.schedule.length) {
      split.schedule = split.schedule.map((slice, j) => ({
        purpose: PURPOSE_BY_NAME.get(cellText(schedule[j][0]).toLowerCase()) ?? slice.purpose,
        from: number(`${PRESS_NAMES.schedule} row ${j + 1} (from)`, schedule[j][1], isAmount, 'an amount ≥ 0') ?? slice.from,
        rate: number(`Rate_${j + 1}`, schedule[j][2], isFraction, 'a rate from 0 to 1') ?? slice.rate,
      }));
    }
  }
  return inputs;
}

export interface PressSheetSummary {
  sheetName: string;
  title: string;
  currency: PressInputs['currency'];
}

/** Every press sheet of the workbook (those whose stored inputs can be read), in tab order. */
export async function listPressSheets(context: Excel.RequestContext): Promise<PressSheetSummary[]> {
  const sheets = context.workbook.worksheets;
  sheets.load('items/name');
  await context.sync();
  const properties = sheets.items.map((sheet) => {
    const collection = sheet.customProperties;
    collection.load('items/key,items/value');
    return collection;
  });
  await context.sync();
  const out: PressSheetSummary[] = [];
  sheets.items.forEach((sheet, k) => {
    try {
      const inputs = inputsFromProperties(sheet.name, properties[k].items.map((item) => ({ key: item.key, value: item.value })));
      if (inputs !== undefined) out.push({ sheetName: sheet.name, title: inputs.title, currency: inputs.currency });
    } catch (error) {
      // A damaged store is reported when that sheet is opened in the wizard, not here.
      if (!(error instanceof StoredInputsError)) throw error;
    }
  });
  return out;
}

/** The current value of a press sheet's amount to culture; undefined when it is not a number (yet). */
export async function readPressAmount(context: Excel.RequestContext, sheetName: string): Promise<number | undefined> {
  const range = context.workbook.worksheets.getItem(sheetName).names.getItemOrNullObject(PRESS_NAMES.amount).getRangeOrNullObject();
  range.load('values');
  await context.sync();
  if (range.isNullObject) return undefined;
  const value = range.values[0]?.[0];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The active sheet's press inputs, or undefined when the active sheet is not a press sheet. */
export async function readActivePressSheet(context: Excel.RequestContext): Promise<PressSheetInputs | undefined> {
  return readPressSheet(context, context.workbook.worksheets.getActiveWorksheet());
}
