/*
 * JSON kept with a sheet in its worksheet custom properties, for the sheets that the pane edits
 * again when it is reopened on them (compare methods, multi-stage allocation). Same layout and
 * reasons as the press store (pressStore.ts): a header under `key` ({format, version, parts}),
 * the text in 255-character parts under `key.1`, `key.2`…
 */

const PART_LENGTH = 255;

export class StoredSheetError extends Error {
  constructor(sheetName: string, what: string, detail: string) {
    super(`The ${what} inputs stored with sheet "${sheetName}" cannot be read: ${detail}`);
    this.name = 'StoredSheetError';
  }
}

export interface StoreKind {
  /** The custom property key of the header, e.g. "partage.compare". */
  key: string;
  version: number;
  /** In messages: "compare methods". */
  what: string;
}

/** The properties that store `payload`: header first, then its parts. */
export function storedSheetProperties(kind: StoreKind, payload: unknown): Array<{ key: string; value: string }> {
  const text = JSON.stringify({ format: kind.key, version: kind.version, inputs: payload });
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += PART_LENGTH) parts.push(text.slice(at, at + PART_LENGTH));
  return [
    { key: kind.key, value: JSON.stringify({ format: kind.key, version: kind.version, parts: parts.length }) },
    ...parts.map((value, k) => ({ key: `${kind.key}.${k + 1}`, value })),
  ];
}

/** Writes the payload on the sheet, deleting parts that a longer earlier version left. */
export async function writeSheetStore(context: Excel.RequestContext, sheet: Excel.Worksheet, kind: StoreKind, payload: unknown): Promise<void> {
  const properties = sheet.customProperties;
  properties.load('items/key');
  await context.sync();
  const wanted = storedSheetProperties(kind, payload);
  const keep = new Set(wanted.map((p) => p.key.toLowerCase()));
  for (const item of properties.items) {
    const key = item.key.toLowerCase();
    if (key.startsWith(`${kind.key}.`) && !keep.has(key)) item.delete();
  }
  for (const { key, value } of wanted) properties.add(key, value);
  await context.sync();
}

/**
 * The payload reassembled from a sheet's properties (unchecked: the caller validates its
 * shape); undefined when the sheet has none of this kind.
 */
export function payloadFromProperties(sheetName: string, kind: StoreKind, items: ReadonlyArray<{ key: string; value: string }>): unknown {
  const byKey = new Map(items.map((item) => [item.key.toLowerCase(), item.value]));
  const headerText = byKey.get(kind.key.toLowerCase());
  if (headerText === undefined) return undefined;
  const fail = (detail: string): never => {
    throw new StoredSheetError(sheetName, kind.what, detail);
  };
  let header: { format?: unknown; version?: unknown; parts?: unknown } = {};
  try {
    header = JSON.parse(headerText) as typeof header;
  } catch {
    fail('the header is not JSON');
  }
  if (header.format !== kind.key || typeof header.version !== 'number' || !Number.isInteger(header.parts) || (header.parts as number) < 1) {
    fail(`the header is not that of partage ${kind.what} inputs`);
  }
  if (header.version !== kind.version) fail(`they were written by another partage (format version ${String(header.version)}); update the add-in`);
  let text = '';
  const parts = header.parts as number;
  for (let k = 0; k < parts; k++) {
    const part = byKey.get(`${kind.key}.${k + 1}`.toLowerCase());
    if (part === undefined) fail(`part ${k + 1} of ${parts} is missing`);
    text += part;
  }
  let stored: { format?: unknown; inputs?: unknown } = {};
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch {
    fail('the stored text is not JSON');
  }
  if (stored.format !== kind.key || stored.inputs === undefined) fail('unexpected content');
  return stored.inputs;
}

/** The stored payload of a sheet, read from the workbook. */
export async function readSheetStore(context: Excel.RequestContext, sheet: Excel.Worksheet, kind: StoreKind): Promise<{ sheetName: string; payload: unknown }> {
  sheet.load('name');
  const properties = sheet.customProperties;
  properties.load('items/key,items/value');
  await context.sync();
  return { sheetName: sheet.name, payload: payloadFromProperties(sheet.name, kind, properties.items.map((i) => ({ key: i.key, value: i.value }))) };
}
