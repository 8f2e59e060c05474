/* Reading ranges the user points at (the holders range of the distribution screen). */
import { parseAddress, quoteSheetName } from './a1';

export interface RangeContent {
  /** Sheet-qualified, as Excel writes it: "Holders!A1:C6" or "'My holders'!A1:C6". */
  address: string;
  values: unknown[][];
}

/** The selected range. */
export async function readSelection(context: Excel.RequestContext): Promise<RangeContent> {
  const range = context.workbook.getSelectedRange();
  range.load('address,values');
  await context.sync();
  return { address: range.address, values: range.values };
}

/** A range typed by the user: "A2:C6" (on the active sheet) or "'Holders'!A2:C6". */
export async function readRange(context: Excel.RequestContext, address: string): Promise<RangeContent> {
  const parsed = parseAddress(address);
  if (parsed === undefined) throw new Error(`"${address}" is not a range address such as Holders!A1:C10`);
  const sheet = parsed.sheet === undefined ? context.workbook.worksheets.getActiveWorksheet() : context.workbook.worksheets.getItem(parsed.sheet);
  const bare = address.trim().replace(/^=/, '').replace(/^.*!/, '');
  const range = sheet.getRange(bare);
  sheet.load('name');
  range.load('values');
  await context.sync();
  return { address: `${quoteSheetName(sheet.name)}!${bare.replace(/\$/g, '')}`, values: range.values };
}
