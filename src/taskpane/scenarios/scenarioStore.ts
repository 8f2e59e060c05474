/*
 * Scenarios: named sets of inputs of a partage sheet ("our offer", "their offer", "midpoint"),
 * kept with the sheet in its custom properties (sheetStore.ts), so that they travel with the
 * workbook: saved, reopened, opened by someone else. Applying one rewrites the sheet with its
 * inputs through the sheet's own writer, as the pane's Update does.
 *
 * A kind of sheet is what the pane can read back and rewrite: a press calculation, a deal
 * comparison, a pool distribution. A pool scenario keeps the parameters of the split (amount,
 * mode, threshold, boost, cap, decimals), not the usage log: applying it splits the log the
 * sheet holds.
 */
import { dealInputsFromProperties, DEAL_STORE, readDealSheet, writeDealSheet } from '../excel/dealSheet';
import { POOL_STORE, poolInputsFromProperties, readPoolSheet, storedPayload, writePoolSheet } from '../excel/poolSheet';
import { writePressSheet, type SourceNoteMode } from '../excel/pressSheet';
import { inputsFromProperties, readPressSheet, storedProperties } from '../excel/pressStore';
import { payloadFromProperties, StoredSheetError, storedSheetProperties, writeSheetStore, type StoreKind } from '../excel/sheetStore';
import { writeSheetPlan } from '../excel/plannedSheet';
import { dealColumn, planScenarioSheet, poolColumn, pressColumn, SCENARIO_SHEET_PREFIX, SCENARIO_SHEET_STORE, type ScenarioColumn } from '../excel/scenarioSheet';
import type { DealInputs } from '../deals/dealModel';
import type { PoolInputs } from '../pools/poolModel';
import { previewPools } from '../pools/poolModel';
import type { PressInputs } from '../press/pressModel';

export const SCENARIO_STORE: StoreKind = { key: 'partage.scenarios', version: 1, what: 'scenarios' };

export type ScenarioKindId = 'press' | 'deal' | 'pool';

export interface Scenario {
  name: string;
  /** ISO time. */
  savedAt: string;
  /** The sheet kind's stored inputs (for a pool: without the usage log). */
  inputs: unknown;
}

export interface ScenarioSheet {
  kind: ScenarioKindId;
  sheetName: string;
  /** The inputs as the sheet stands. */
  inputs: unknown;
  scenarios: Scenario[];
}

interface ScenarioKind {
  id: ScenarioKindId;
  what: string;
  read(context: Excel.RequestContext, sheet: Excel.Worksheet): Promise<{ sheetName: string; inputs: unknown } | undefined>;
  /** What a scenario keeps of the inputs. */
  keep(inputs: unknown): unknown;
  /** The stored inputs checked by the kind's own reader; throws StoredSheetError naming the scenario. */
  check(sheetName: string, scenario: Scenario, current: unknown): unknown;
  write(context: Excel.RequestContext, sheetName: string, inputs: unknown, sourceNotes: SourceNoteMode): Promise<void>;
  /** The scenario's column of the comparison sheet (scenarioSheet.ts). */
  column(name: string, inputs: unknown, sourceSheet: string): Promise<ScenarioColumn>;
}

const checked = <T,>(read: () => T | undefined, sheetName: string, scenario: Scenario): T => {
  try {
    const inputs = read();
    if (inputs === undefined) throw new StoredSheetError(sheetName, `scenario "${scenario.name}"`, 'inputs missing');
    return inputs;
  } catch (error) {
    // The kind's reader says what is wrong; the message names the scenario instead of the sheet's inputs.
    const detail = error instanceof Error ? error.message.replace(/^.*cannot be read: /, '') : String(error);
    throw new StoredSheetError(sheetName, `scenario "${scenario.name}"`, detail);
  }
};

export const SCENARIO_KINDS: readonly ScenarioKind[] = [
  {
    id: 'press',
    what: 'press calculation',
    read: async (context, sheet) => readPressSheet(context, sheet),
    keep: (inputs) => inputs,
    check: (sheetName, scenario) => checked(() => inputsFromProperties(sheetName, storedProperties(scenario.inputs as PressInputs)), sheetName, scenario),
    write: async (context, sheetName, inputs, sourceNotes) => {
      await writePressSheet(context, inputs as PressInputs, { sheetName, sourceNotes });
    },
    column: async (name, inputs) => pressColumn(name, inputs as PressInputs),
  },
  {
    id: 'deal',
    what: 'deal comparison',
    read: async (context, sheet) => readDealSheet(context, sheet),
    keep: (inputs) => inputs,
    check: (sheetName, scenario) => checked(() => dealInputsFromProperties(sheetName, storedSheetProperties(DEAL_STORE, scenario.inputs)), sheetName, scenario),
    write: async (context, sheetName, inputs, sourceNotes) => {
      await writeDealSheet(context, inputs as DealInputs, { sheetName, sourceNotes });
    },
    column: async (name, inputs) => dealColumn(name, inputs as DealInputs),
  },
  {
    id: 'pool',
    what: 'pool distribution',
    read: async (context, sheet) => readPoolSheet(context, sheet),
    keep: (inputs) => {
      const { usage: _usage, usageRows: _rows, ...parameters } = storedPayload(inputs as PoolInputs) as ReturnType<typeof storedPayload> & { usage?: unknown };
      return parameters;
    },
    check: (sheetName, scenario, current) => {
      // The scenario's parameters on the log the sheet holds, checked by the pool sheet's reader.
      const usage = (current as PoolInputs).usage;
      const parameters = checked(() => poolInputsFromProperties(sheetName, storedSheetProperties(POOL_STORE, { ...(scenario.inputs as object), usageRows: usage.length, usage })), sheetName, scenario);
      const { usageRows: _rows, ...rest } = parameters as unknown as PoolInputs & { usageRows?: number };
      return { ...rest, usage };
    },
    write: async (context, sheetName, inputs, sourceNotes) => {
      const pool = inputs as PoolInputs;
      const { holders } = await previewPools(pool);
      await writePoolSheet(context, pool, holders, { sheetName, sourceNotes });
    },
    column: async (name, inputs, sourceSheet) => poolColumn(name, inputs as PoolInputs, sourceSheet, (await previewPools(inputs as PoolInputs)).holders),
  },
];

const kindOf = (id: ScenarioKindId): ScenarioKind => SCENARIO_KINDS.find((k) => k.id === id)!;

function scenariosFrom(sheetName: string, kind: ScenarioKindId, items: ReadonlyArray<{ key: string; value: string }>): Scenario[] {
  const payload = payloadFromProperties(sheetName, SCENARIO_STORE, items) as { kind?: string; scenarios?: unknown } | undefined;
  if (payload === undefined) return [];
  if (payload.kind !== kind || !Array.isArray(payload.scenarios)) throw new StoredSheetError(sheetName, SCENARIO_STORE.what, `they are not ${kindOf(kind).what} scenarios`);
  return payload.scenarios.filter((s): s is Scenario => typeof s?.name === 'string' && typeof s.savedAt === 'string' && s.inputs !== undefined);
}

/** The active sheet as a scenario sheet (its kind, inputs and scenarios); undefined for another sheet. */
export async function readScenarioSheet(context: Excel.RequestContext, sheet: Excel.Worksheet = context.workbook.worksheets.getActiveWorksheet(), follow = true): Promise<ScenarioSheet | undefined> {
  if (follow) {
    // On a comparison sheet: the scenarios of the sheet it compares.
    sheet.load('name');
    const own = sheet.customProperties;
    own.load('items/key,items/value');
    await context.sync();
    const comparison = payloadFromProperties(sheet.name, SCENARIO_SHEET_STORE, own.items.map((i) => ({ key: i.key, value: i.value }))) as { source?: unknown } | undefined;
    if (typeof comparison?.source === 'string') {
      const source = context.workbook.worksheets.getItemOrNullObject(comparison.source);
      await context.sync();
      return source.isNullObject ? undefined : readScenarioSheet(context, source, false);
    }
  }
  for (const kind of SCENARIO_KINDS) {
    const found = await kind.read(context, sheet);
    if (found === undefined) continue;
    const properties = sheet.customProperties;
    properties.load('items/key,items/value');
    await context.sync();
    return { kind: kind.id, sheetName: found.sheetName, inputs: found.inputs, scenarios: scenariosFrom(found.sheetName, kind.id, properties.items.map((i) => ({ key: i.key, value: i.value }))) };
  }
  return undefined;
}

async function store(context: Excel.RequestContext, sheetName: string, kind: ScenarioKindId, scenarios: Scenario[]): Promise<void> {
  await writeSheetStore(context, context.workbook.worksheets.getItem(sheetName), SCENARIO_STORE, { kind, scenarios });
}

export class ScenarioError extends Error {}

/** Saves the sheet's inputs as they stand under `name` (replacing a scenario of that name). */
export async function saveScenario(context: Excel.RequestContext, sheetName: string, name: string, now = new Date()): Promise<ScenarioSheet> {
  const trimmed = name.trim();
  if (trimmed === '') throw new ScenarioError('Give the scenario a name (e.g. "our offer").');
  if (trimmed.length > 60) throw new ScenarioError(`A scenario name has at most 60 characters; "${trimmed.slice(0, 20)}…" has ${trimmed.length}.`);
  const sheet = await readScenarioSheet(context, context.workbook.worksheets.getItem(sheetName));
  if (sheet === undefined) throw new ScenarioError(`The sheet "${sheetName}" is no longer a partage sheet with inputs.`);
  const kind = kindOf(sheet.kind);
  const scenario: Scenario = { name: trimmed, savedAt: now.toISOString(), inputs: kind.keep(sheet.inputs) };
  const scenarios = [...sheet.scenarios.filter((s) => s.name.toLowerCase() !== trimmed.toLowerCase()), scenario];
  await store(context, sheetName, sheet.kind, scenarios);
  return { ...sheet, scenarios };
}

export async function deleteScenario(context: Excel.RequestContext, sheetName: string, name: string): Promise<ScenarioSheet> {
  const sheet = await readScenarioSheet(context, context.workbook.worksheets.getItem(sheetName));
  if (sheet === undefined) throw new ScenarioError(`The sheet "${sheetName}" is no longer a partage sheet with inputs.`);
  const scenarios = sheet.scenarios.filter((s) => s.name.toLowerCase() !== name.toLowerCase());
  await store(context, sheetName, sheet.kind, scenarios);
  return { ...sheet, scenarios };
}

/** Rewrites the sheet with the scenario's inputs; its scenarios stay with it. */
export async function applyScenario(context: Excel.RequestContext, sheetName: string, name: string, sourceNotes: SourceNoteMode): Promise<ScenarioSheet> {
  const sheet = await readScenarioSheet(context, context.workbook.worksheets.getItem(sheetName));
  if (sheet === undefined) throw new ScenarioError(`The sheet "${sheetName}" is no longer a partage sheet with inputs.`);
  const scenario = sheet.scenarios.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (scenario === undefined) throw new ScenarioError(`No scenario "${name}" on sheet "${sheetName}".`);
  const kind = kindOf(sheet.kind);
  const inputs = kind.check(sheetName, scenario, sheet.inputs);
  await kind.write(context, sheetName, inputs, sourceNotes);
  return { ...sheet, inputs };
}

/**
 * Writes the live comparison of the sheet's scenarios (scenarioSheet.ts) on a new sheet
 * "Scenarios n", against `baseline`.
 */
export async function writeComparisonSheet(context: Excel.RequestContext, sheetName: string, baseline: string, sourceNotes: SourceNoteMode): Promise<{ sheetName: string }> {
  const sheet = await readScenarioSheet(context, context.workbook.worksheets.getItem(sheetName));
  if (sheet === undefined) throw new ScenarioError(`The sheet "${sheetName}" is no longer a partage sheet with inputs.`);
  if (sheet.scenarios.length === 0) throw new ScenarioError(`Sheet "${sheetName}" has no scenario to compare: save one first.`);
  if (!sheet.scenarios.some((s) => s.name.toLowerCase() === baseline.toLowerCase())) throw new ScenarioError(`No scenario "${baseline}" on sheet "${sheetName}" to take as baseline.`);
  const kind = kindOf(sheet.kind);
  const columns: ScenarioColumn[] = [];
  for (const scenario of sheet.scenarios) columns.push(await kind.column(scenario.name, kind.check(sheetName, scenario, sheet.inputs), sheetName));
  const plan = planScenarioSheet(kind.what, sheetName, columns, sheet.scenarios.find((s) => s.name.toLowerCase() === baseline.toLowerCase())!.name);
  return writeSheetPlan(context, plan, { prefix: SCENARIO_SHEET_PREFIX, sourceNotes, store: { kind: SCENARIO_SHEET_STORE, payload: { source: sheetName, kind: sheet.kind, baseline } } });
}
