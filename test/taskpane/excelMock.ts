/*
 * A mock of the part of Excel's object model the pane uses, built on office-addin-mock: every
 * API object is an OfficeMockObject, so a scalar read without load() + context.sync() reads
 * office-addin-mock's "Error, property was not loaded" instead of a value, as in Excel.
 *
 * Behind the objects is a plain workbook state (sheets of cells, names, custom properties,
 * notes, charts, tables) that the tests inspect. Method calls (add, delete, clear) act at once;
 * property writes (range.values = …, chart.title.text = …) are applied at context.sync(), as
 * Excel applies queued commands. Collections load their items at sync.
 *
 * Formulas are stored, never evaluated: a test that needs a formula's result sets `value` on
 * the cell, as Excel would have computed it.
 */
import { OfficeMockObject } from 'office-addin-mock';

// office-addin-mock needs only the OfficeApp enum of office-addin-manifest, whose package entry
// also loads an ES-module-only dependency that jest (CommonJS) cannot require. The enum's own
// file has no dependencies.
jest.mock('office-addin-manifest', () => jest.requireActual('office-addin-manifest/lib/officeApp'));

export interface CellState {
  value: unknown;
  formula?: string;
  numberFormat?: string;
  /** "font.bold" → true, "fill.color" → "#FFCC99"… */
  format: Record<string, unknown>;
  prompt?: { showPrompt: boolean; title: string; message: string };
  /** A dynamic-array formula's spill range ("B10:B14"), as getSpillingToRangeOrNullObject reports it. */
  spill?: string;
}

export interface NameState {
  name: string;
  reference: string;
  comment: string;
}

export interface ChartState {
  name: string;
  type: string;
  source: string;
  seriesBy: string;
  title?: string;
  position?: [string, string];
  series: Array<{ xAxisValues?: string; overlap?: number; gapWidth?: number }>;
  categoryAxis: Record<string, unknown>;
  legend: Record<string, unknown>;
}

export interface TableState {
  name: string;
  sheet: SheetState;
  address: string;
  hasHeaders: boolean;
}

export interface SheetState {
  name: string;
  id: string;
  cells: Map<string, CellState>;
  names: NameState[];
  customProperties: Array<{ key: string; value: string }>;
  notes: Array<{ address: string; text: string }>;
  charts: ChartState[];
  columnWidths: Map<string, number>;
  selected?: string;
}

export interface WorkbookState {
  sheets: SheetState[];
  tables: TableState[];
  active?: SheetState;
  selection?: { sheet: SheetState; address: string };
  syncs: number;
  /** Workbook-scoped names (sheet-scoped ones live on each sheet). */
  names?: NameState[];
}

// ---------------------------------------------------------------------------------------------
// Addresses (written independently of src/taskpane/excel/a1.ts, which is under test).

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
  return n - 1;
}

function colLetters(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

interface Box {
  c1: number;
  r1: number;
  c2: number;
  r2: number;
}

function parseBox(address: string): Box {
  const a = address.replace(/\$/g, '').toUpperCase();
  const cols = /^([A-Z]+):([A-Z]+)$/.exec(a);
  if (cols) return { c1: colIndex(cols[1]), r1: 1, c2: colIndex(cols[2]), r2: 1048576 };
  const m = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$/.exec(a);
  if (!m) throw new Error(`mock: bad address "${address}"`);
  const c1 = colIndex(m[1]);
  const r1 = Number(m[2]);
  const c2 = m[3] ? colIndex(m[3]) : c1;
  const r2 = m[4] ? Number(m[4]) : r1;
  return { c1: Math.min(c1, c2), r1: Math.min(r1, r2), c2: Math.max(c1, c2), r2: Math.max(r1, r2) };
}

function boxAddress(b: Box): string {
  const a = `${colLetters(b.c1)}${b.r1}`;
  const z = `${colLetters(b.c2)}${b.r2}`;
  return a === z ? a : `${a}:${z}`;
}

function cellsOf(b: Box): string[][] {
  const rows: string[][] = [];
  for (let r = b.r1; r <= b.r2; r++) {
    const row: string[] = [];
    for (let c = b.c1; c <= b.c2; c++) row.push(`${colLetters(c)}${r}`);
    rows.push(row);
  }
  return rows;
}

/** "='Press 1'!$B$6:$B$8" → sheet and box. */
function parseReference(reference: string): { sheet: string; box: Box } {
  const m = /^=?(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$/.exec(reference);
  if (!m) throw new Error(`mock: a name must refer to a sheet-qualified range, got "${reference}"`);
  return { sheet: (m[1] ?? m[2]).replace(/''/g, "'"), box: parseBox(m[3]) };
}

function quoted(sheet: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

const VALID_NAME = /^[A-Za-z_\\][A-Za-z0-9_.]*$/;
const LOOKS_LIKE_CELL = /^[A-Za-z]{1,3}\d+$/;

// ---------------------------------------------------------------------------------------------

export function emptySheet(name: string, id = name): SheetState {
  return { name, id, cells: new Map(), names: [], customProperties: [], notes: [], charts: [], columnWidths: new Map() };
}

/** A workbook state with the given sheets, the first active. */
export function workbookState(...names: string[]): WorkbookState {
  const sheets = names.map((n) => emptySheet(n));
  return { sheets, tables: [], active: sheets[0], syncs: 0 };
}

/** Sets cell values (and formulas, for cells starting with "="), top-left at `address`. */
export function setCells(sheet: SheetState, address: string, grid: unknown[][]): void {
  const b = parseBox(address);
  grid.forEach((row, i) =>
    row.forEach((value, j) => {
      const key = `${colLetters(b.c1 + j)}${b.r1 + i}`;
      const cell = sheet.cells.get(key) ?? { value: '', format: {} };
      if (typeof value === 'string' && value.startsWith('=')) cell.formula = value;
      else cell.value = value;
      sheet.cells.set(key, cell);
    }),
  );
}

export function getSheet(state: WorkbookState, name: string): SheetState {
  const sheet = state.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!sheet) throw new Error(`mock: no sheet "${name}" (sheets: ${state.sheets.map((s) => s.name).join(', ')})`);
  return sheet;
}

export function cell(sheet: SheetState, address: string): CellState | undefined {
  return sheet.cells.get(address.replace(/\$/g, '').toUpperCase());
}

/** What a name of the sheet refers to, as "Sheet!B6:B8" with the sheet name unquoted. */
export function nameTarget(sheet: SheetState, name: string): { sheet: string; address: string } | undefined {
  const n = sheet.names.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!n) return undefined;
  const { sheet: s, box } = parseReference(n.reference);
  return { sheet: s, address: boxAddress(box) };
}

interface Watched {
  obj: Record<string, unknown>;
  paths: string[];
  snapshot: Map<string, unknown>;
  apply: (path: string, value: unknown) => void;
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

export interface ExcelMock {
  context: Excel.RequestContext;
  state: WorkbookState;
}

/**
 * The mock context over `state`. `writable`: properties written by code, applied at sync.
 */
export function createExcelMock(state: WorkbookState): ExcelMock {
  const created: OfficeMockObject[] = [];
  const watched: Watched[] = [];
  const pendingCollections: Array<() => Array<Record<string, unknown>>> = [];

  const make = (data: Record<string, unknown>, watch?: { paths: string[]; apply: (path: string, value: unknown) => void }): Record<string, unknown> => {
    const obj = new OfficeMockObject(data) as unknown as Record<string, unknown>;
    created.push(obj as unknown as OfficeMockObject);
    if (watch) {
      const entry: Watched = { obj, paths: watch.paths, snapshot: new Map(), apply: watch.apply };
      for (const p of watch.paths) entry.snapshot.set(p, getPath(obj, p));
      watched.push(entry);
    }
    return obj;
  };

  const findSheet = (name: string): SheetState | undefined => state.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());

  // --- ranges ---------------------------------------------------------------------------------
  const rangeOf = (sheet: SheetState, box: Box, isNull = false): Record<string, unknown> => {
    const wholeColumns = box.r1 === 1 && box.r2 === 1048576;
    const addresses = wholeColumns ? [] : cellsOf(box);
    const values = wholeColumns ? [] : addresses.map((row) => row.map((a) => cellValue(sheet.cells.get(a))));
    const formulas = wholeColumns ? [] : addresses.map((row) => row.map((a) => sheet.cells.get(a)?.formula ?? cellValue(sheet.cells.get(a))));
    const cellFor = (a: string): CellState => {
      const c = sheet.cells.get(a) ?? { value: '', format: {} };
      sheet.cells.set(a, c);
      return c;
    };
    const grid = (path: string, value: unknown): unknown[][] => {
      if (!Array.isArray(value) || value.length !== addresses.length || value.some((row, i) => !Array.isArray(row) || row.length !== addresses[i].length)) {
        throw new Error(`mock: ${path} of ${boxAddress(box)} must be a ${addresses.length}×${addresses[0].length} array, got ${JSON.stringify(value)}`);
      }
      return value as unknown[][];
    };
    const range = make(
      {
        address: `${quoted(sheet.name)}!${boxAddress(box)}`,
        values: isNull ? undefined : values,
        formulas: isNull ? undefined : formulas,
        numberFormat: undefined,
        rowCount: box.r2 - box.r1 + 1,
        columnCount: box.c2 - box.c1 + 1,
        format: { font: { bold: undefined, italic: undefined, size: undefined, color: undefined }, fill: { color: undefined }, columnWidth: undefined },
        dataValidation: {
          prompt: undefined,
          clear: () => {
            for (const row of addresses) for (const a of row) delete sheet.cells.get(a)?.prompt;
          },
        },
        getSpillingToRangeOrNullObject: () => {
          const spill = addresses.length === 1 && addresses[0].length === 1 ? sheet.cells.get(addresses[0][0])?.spill : undefined;
          return spill === undefined ? nullRange() : rangeOf(sheet, parseBox(spill));
        },
        getOffsetRange: (rows: number, columns: number) =>
          rangeOf(sheet, { c1: box.c1 + columns, r1: box.r1 + rows, c2: box.c2 + columns, r2: box.r2 + rows }),
        // Contents and formats go; data validation (the prompts) is not assumed to: it has its
        // own clear(), which the code must call.
        clear: (applyTo?: string) => {
          if (applyTo !== undefined && applyTo !== 'All') throw new Error(`mock: clear(${applyTo}) is not modelled`);
          for (const row of addresses) {
            for (const a of row) {
              const prompt = sheet.cells.get(a)?.prompt;
              if (prompt === undefined) sheet.cells.delete(a);
              else sheet.cells.set(a, { value: '', format: {}, prompt });
            }
          }
        },
        select: () => {
          sheet.selected = boxAddress(box);
        },
      },
      {
        paths: ['values', 'formulas', 'numberFormat', 'format.font.bold', 'format.font.italic', 'format.font.size', 'format.font.color', 'format.fill.color', 'format.columnWidth', 'dataValidation.prompt'],
        apply: (path, value) => {
          if (path === 'format.columnWidth') {
            if (!wholeColumns) throw new Error('mock: set column widths on whole columns');
            for (let c = box.c1; c <= box.c2; c++) sheet.columnWidths.set(colLetters(c), value as number);
            return;
          }
          if (wholeColumns) throw new Error(`mock: ${path} on whole columns is not modelled`);
          if (path === 'values' || path === 'formulas' || path === 'numberFormat') {
            const g = grid(path, value);
            addresses.forEach((row, i) =>
              row.forEach((a, j) => {
                const c = cellFor(a);
                const v = g[i][j];
                if (path === 'numberFormat') c.numberFormat = v as string;
                else if (typeof v === 'string' && v.startsWith('=')) {
                  c.formula = v;
                  c.value = '';
                } else {
                  delete c.formula;
                  c.value = v;
                }
              }),
            );
            return;
          }
          for (const row of addresses) {
            for (const a of row) {
              const c = cellFor(a);
              if (path === 'dataValidation.prompt') c.prompt = value as CellState['prompt'];
              else c.format[path.replace(/^format\./, '')] = value;
            }
          }
        },
      },
    );
    range.isNullObject = isNull;
    (range as { _box?: Box; _sheet?: SheetState })._box = box;
    (range as { _box?: Box; _sheet?: SheetState })._sheet = sheet;
    return range;
  };

  const resolve = (reference: string): Record<string, unknown> => {
    const { sheet: sheetName, box } = parseReference(reference);
    const sheet = findSheet(sheetName);
    if (!sheet) return nullRange();
    return rangeOf(sheet, box);
  };
  const nullRange = (): Record<string, unknown> => rangeOf(emptySheet('#null'), { c1: 0, r1: 1, c2: 0, r2: 1 }, true);

  // --- collections ----------------------------------------------------------------------------
  /** A collection whose items are built when a load is followed by a sync. */
  const collection = (build: () => Array<Record<string, unknown>>, methods: Record<string, unknown>): Record<string, unknown> => {
    const coll = make({ ...methods });
    coll.load = () => {
      pendingCollections.push(() => {
        const items = build();
        coll.items = items;
        return items;
      });
      return coll;
    };
    coll.items = undefined;
    return coll;
  };

  // --- names ----------------------------------------------------------------------------------
  const namedItem = (owner: NameState[], n: NameState | undefined): Record<string, unknown> => {
    const item = make(
      {
        name: n?.name,
        formula: n?.reference,
        comment: n?.comment,
        getRange: () => {
          if (!n) throw new Error('mock: getRange on a missing name');
          return resolve(n.reference);
        },
        getRangeOrNullObject: () => (n ? resolve(n.reference) : nullRange()),
        delete: () => {
          if (!n) throw new Error('mock: delete on a missing name');
          owner.splice(owner.indexOf(n), 1);
        },
      },
      {
        paths: ['formula', 'comment'],
        apply: (path, value) => {
          if (!n) throw new Error('mock: write on a missing name');
          if (path === 'formula') {
            parseReference(value as string);
            n.reference = value as string;
          } else n.comment = value as string;
        },
      },
    );
    item.isNullObject = n === undefined;
    return item;
  };

  const namesOf = (sheet: SheetState): Record<string, unknown> => {
    const find = (name: string): NameState | undefined => sheet.names.find((n) => n.name.toLowerCase() === name.toLowerCase());
    return collection(() => sheet.names.map((n) => namedItem(sheet.names, n)), {
      add: (name: string, reference: unknown, comment?: string) => {
        if (!VALID_NAME.test(name) || LOOKS_LIKE_CELL.test(name) || /^[rc]$/i.test(name)) throw new Error(`mock: "${name}" is not a valid Excel name`);
        if (find(name)) throw new Error(`mock: the name "${name}" already exists on ${sheet.name}`);
        if (typeof reference !== 'string') throw new Error('mock: names.add takes a reference string here');
        parseReference(reference);
        if ((comment ?? '').length > 255) throw new Error('mock: a name comment is limited to 255 characters');
        const n = { name, reference, comment: comment ?? '' };
        sheet.names.push(n);
        return namedItem(sheet.names, n);
      },
      getItem: (name: string) => {
        const n = find(name);
        if (!n) throw new Error(`mock: no name "${name}" on ${sheet.name}`);
        return namedItem(sheet.names, n);
      },
      getItemOrNullObject: (name: string) => namedItem(sheet.names, find(name)),
    });
  };

  // --- custom properties ----------------------------------------------------------------------
  const propertiesOf = (sheet: SheetState): Record<string, unknown> => {
    const item = (p: { key: string; value: string } | undefined): Record<string, unknown> => {
      const o = make({
        key: p?.key,
        value: p?.value,
        delete: () => {
          if (!p) throw new Error('mock: delete on a missing property');
          sheet.customProperties.splice(sheet.customProperties.indexOf(p), 1);
        },
      });
      o.isNullObject = p === undefined;
      return o;
    };
    const find = (key: string): { key: string; value: string } | undefined => sheet.customProperties.find((p) => p.key.toLowerCase() === key.toLowerCase());
    return collection(() => sheet.customProperties.map(item), {
      add: (key: string, value: string) => {
        if (key.length > 255) throw new Error('mock: custom property keys are limited to 255 characters');
        if (typeof value !== 'string') throw new Error('mock: custom property values are strings');
        const p = find(key);
        if (p) p.value = value;
        else sheet.customProperties.push({ key, value });
        return item(find(key));
      },
      getItemOrNullObject: (key: string) => item(find(key)),
    });
  };

  // --- notes, charts, tables --------------------------------------------------------------------
  const addressIn = (sheet: SheetState, target: unknown): string => {
    if (typeof target === 'string') return boxAddress(parseBox(target));
    const r = target as { _box?: Box; _sheet?: SheetState };
    if (!r._box || r._sheet !== sheet) throw new Error('mock: expected a range of this sheet');
    return boxAddress(r._box);
  };

  const notesOf = (sheet: SheetState): Record<string, unknown> =>
    collection(
      () =>
        sheet.notes.map((n) =>
          make({
            content: n.text,
            delete: () => {
              sheet.notes.splice(sheet.notes.indexOf(n), 1);
            },
          }),
        ),
      {
        add: (target: unknown, content: string) => {
          const address = addressIn(sheet, target);
          if (sheet.notes.some((n) => n.address === address)) throw new Error(`mock: ${address} already has a note`);
          sheet.notes.push({ address, text: content });
        },
      },
    );

  const chartObject = (sheet: SheetState, chart: ChartState | undefined): Record<string, unknown> => {
    const o = make(
      {
        name: chart?.name,
        title: { text: chart?.title },
        legend: { position: undefined, visible: undefined },
        axes: { categoryAxis: { reversePlotOrder: undefined, tickLabelPosition: undefined } },
        series: {
          getItemAt: (index: number) => {
            if (!chart || index >= chart.series.length) throw new Error(`mock: no series ${index}`);
            const s = chart.series[index];
            return make(
              {
                overlap: undefined,
                gapWidth: undefined,
                setXAxisValues: (range: unknown) => {
                  s.xAxisValues = addressIn(sheet, range);
                },
              },
              { paths: ['overlap', 'gapWidth'], apply: (path, value) => Object.assign(s, { [path]: value }) },
            );
          },
        },
        setPosition: (start: string, end: string) => {
          if (chart) chart.position = [start, end];
        },
        delete: () => {
          if (chart) sheet.charts.splice(sheet.charts.indexOf(chart), 1);
        },
      },
      {
        paths: ['name', 'title.text', 'legend.position', 'legend.visible', 'axes.categoryAxis.reversePlotOrder', 'axes.categoryAxis.tickLabelPosition'],
        apply: (path, value) => {
          if (!chart) throw new Error('mock: write on a missing chart');
          if (path === 'name') chart.name = value as string;
          else if (path === 'title.text') chart.title = value as string;
          else if (path.startsWith('legend.')) chart.legend[path.slice(7)] = value;
          else chart.categoryAxis[path.slice('axes.categoryAxis.'.length)] = value;
        },
      },
    );
    o.isNullObject = chart === undefined;
    return o;
  };

  const chartsOf = (sheet: SheetState): Record<string, unknown> =>
    collection(() => sheet.charts.map((c) => chartObject(sheet, c)), {
      add: (type: string, source: unknown, seriesBy: string) => {
        const address = addressIn(sheet, source);
        const box = parseBox(address);
        const seriesCount = seriesBy === 'Columns' ? box.c2 - box.c1 + 1 : box.r2 - box.r1 + 1;
        const chart: ChartState = {
          name: `Chart ${sheet.charts.length + 1}`,
          type,
          source: address,
          seriesBy,
          series: Array.from({ length: seriesCount }, () => ({})),
          categoryAxis: {},
          legend: {},
        };
        sheet.charts.push(chart);
        return chartObject(sheet, chart);
      },
      getItemOrNullObject: (name: string) => chartObject(sheet, sheet.charts.find((c) => c.name === name)),
    });

  const tableObject = (table: TableState): Record<string, unknown> => {
    const box = parseBox(table.address);
    const headerBox = { ...box, r2: box.r1 };
    const bodyBox = { ...box, r1: box.r1 + (table.hasHeaders ? 1 : 0) };
    const headers = (): string[] => cellsOf(headerBox)[0].map((a) => String(cellValue(table.sheet.cells.get(a))));
    const o = make(
      {
        name: table.name,
        getHeaderRowRange: () => rangeOf(table.sheet, headerBox),
        getDataBodyRange: () => rangeOf(table.sheet, bodyBox),
        columns: {
          getItem: (key: string) => ({
            getDataBodyRange: () => {
              const k = headers().indexOf(key);
              if (k < 0) throw new Error(`mock: table ${table.name} has no column "${key}" (${headers().join(', ')})`);
              return rangeOf(table.sheet, { ...bodyBox, c1: box.c1 + k, c2: box.c1 + k });
            },
          }),
        },
      },
      {
        paths: ['name'],
        apply: (_, value) => {
          const name = value as string;
          if (!/^[A-Za-z_\\][A-Za-z0-9_.]*$/.test(name)) throw new Error(`mock: "${name}" is not a valid table name`);
          if (state.tables.some((t) => t !== table && t.name.toLowerCase() === name.toLowerCase())) throw new Error(`mock: table "${name}" exists`);
          table.name = name;
        },
      },
    );
    // Mock objects are attached after construction: office-addin-mock would copy them as data.
    o.worksheet = sheetObject(table.sheet);
    return o;
  };

  const tablesOf = (sheet: SheetState | undefined): Record<string, unknown> =>
    collection(() => state.tables.filter((t) => sheet === undefined || t.sheet === sheet).map(tableObject), {
      add: (address: string, hasHeaders: boolean) => {
        if (!sheet) throw new Error('mock: add tables through a worksheet here');
        const box = parseBox(address);
        for (const t of state.tables) {
          const o = parseBox(t.address);
          if (t.sheet === sheet && !(o.c2 < box.c1 || box.c2 < o.c1 || o.r2 < box.r1 || box.r2 < o.r1)) throw new Error('mock: tables cannot overlap');
        }
        const table: TableState = { name: `Table${state.tables.length + 1}`, sheet, address: boxAddress(box), hasHeaders };
        state.tables.push(table);
        return tableObject(table);
      },
      getItem: (name: string) => {
        const t = state.tables.find((x) => x.name.toLowerCase() === name.toLowerCase());
        if (!t) throw new Error(`mock: no table "${name}"`);
        return tableObject(t);
      },
    });

  // --- worksheets -----------------------------------------------------------------------------
  function sheetObject(sheet: SheetState): Record<string, unknown> {
    const o = make({
      name: sheet.name,
      id: sheet.id,
      position: state.sheets.indexOf(sheet),
      getRange: (address: string) => rangeOf(sheet, parseBox(address)),
      getUsedRangeOrNullObject: () => {
        const keys = [...sheet.cells.keys()];
        if (keys.length === 0) return nullRange();
        const boxes = keys.map(parseBox);
        return rangeOf(sheet, {
          c1: Math.min(...boxes.map((b) => b.c1)),
          r1: Math.min(...boxes.map((b) => b.r1)),
          c2: Math.max(...boxes.map((b) => b.c2)),
          r2: Math.max(...boxes.map((b) => b.r2)),
        });
      },
      activate: () => {
        state.active = sheet;
      },
    });
    o.names = namesOf(sheet);
    o.customProperties = propertiesOf(sheet);
    o.notes = notesOf(sheet);
    o.charts = chartsOf(sheet);
    o.tables = tablesOf(sheet);
    return o;
  }

  const worksheets = collection(() => state.sheets.map(sheetObject), {
    add: (name: string) => {
      if (name.length > 31 || /[[\]:*?/\\]/.test(name)) throw new Error(`mock: "${name}" is not a valid sheet name`);
      if (findSheet(name)) throw new Error(`mock: a sheet named "${name}" exists`);
      const sheet = emptySheet(name, `{sheet-${state.sheets.length + 1}}`);
      state.sheets.push(sheet);
      return sheetObject(sheet);
    },
    getItem: (name: string) => {
      const sheet = findSheet(name);
      if (!sheet) throw new Error(`mock: no sheet "${name}"`);
      return sheetObject(sheet);
    },
    getItemOrNullObject: (name: string) => {
      const sheet = findSheet(name);
      const o = sheet ? sheetObject(sheet) : make({ name: undefined });
      o.isNullObject = sheet === undefined;
      return o;
    },
    getActiveWorksheet: () => {
      if (!state.active) throw new Error('mock: no active sheet');
      return sheetObject(state.active);
    },
  });

  state.names ??= [];
  const workbookNames = collection(() => state.names!.map((n) => namedItem(state.names!, n)), {});
  const workbook = {
    worksheets,
    names: workbookNames,
    tables: tablesOf(undefined),
    getSelectedRange: () => {
      if (!state.selection) throw new Error('mock: nothing selected');
      return rangeOf(state.selection.sheet, parseBox(state.selection.address));
    },
  };

  const context = {
    workbook,
    sync: async () => {
      state.syncs += 1;
      for (const w of watched) {
        for (const p of w.paths) {
          const now = getPath(w.obj, p);
          // A load() in progress shows office-addin-mock's error strings: not a write.
          if (now !== w.snapshot.get(p) && !isMockError(now)) {
            w.apply(p, now);
            w.snapshot.set(p, now);
          }
        }
      }
      for (const o of [...created]) await o.sync();
      for (const build of pendingCollections.splice(0)) {
        for (const item of build()) {
          (item as unknown as OfficeMockObject).load('*');
          await (item as unknown as OfficeMockObject).sync();
        }
      }
      // office-addin-mock's sync settles nested properties in later microtasks.
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const w of watched) for (const p of w.paths) w.snapshot.set(p, getPath(w.obj, p));
    },
  };
  return { context: context as unknown as Excel.RequestContext, state };
}

function isMockError(value: unknown): boolean {
  return value === 'Error, property was not loaded' || value === 'Error, context.sync() was not called';
}

function cellValue(c: CellState | undefined): unknown {
  if (!c) return '';
  return c.value ?? '';
}
