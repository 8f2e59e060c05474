/* New sheets are numbered: "Press 1", "Press 2"…; Excel compares sheet names case-insensitively. */

/** The worksheets' names, as Excel holds them. */
export async function sheetNames(context: Excel.RequestContext): Promise<string[]> {
  const sheets = context.workbook.worksheets;
  sheets.load('items/name');
  await context.sync();
  return sheets.items.map((sheet) => sheet.name);
}

/** The smallest n ≥ 1 for which "<prefix> n" is not taken (case-insensitively). */
export function firstFreeNumber(prefix: string, taken: Iterable<string>): number {
  const used = new Set<string>();
  for (const name of taken) used.add(name.toLowerCase());
  let n = 1;
  while (used.has(`${prefix} ${n}`.toLowerCase())) n += 1;
  return n;
}

export async function uniqueSheetName(context: Excel.RequestContext, prefix: string): Promise<string> {
  return `${prefix} ${firstFreeNumber(prefix, await sheetNames(context))}`;
}
