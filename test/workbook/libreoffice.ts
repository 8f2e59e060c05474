/*
 * LibreOffice headless as a second spreadsheet engine for the files we write (Debian's
 * libreoffice-calc-nogui, installed by the test command): a workbook converted to .xlsx with a
 * fresh profile set to recalculate every formula on loading, so that the values it saves are
 * its own, not the cached ones we wrote.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';


export const SOFFICE = '/usr/bin/soffice';

/** Generous: LibreOffice's first start on a loaded 2-core machine takes tens of seconds. */
export const LIBREOFFICE_TIMEOUT_MS = 300_000;

const RECALCULATE_ON_LOAD = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

export function requireLibreOffice(): void {
  if (!existsSync(SOFFICE)) throw new Error(`${SOFFICE} is missing: the test command (scripts/test.sh) installs Debian's libreoffice-calc-nogui`);
}

/** The workbook as LibreOffice saves it after recalculating everything. */
export async function recalculateWithLibreOffice(xlsx: Uint8Array): Promise<Uint8Array> {
  requireLibreOffice();
  const dir = mkdtempSync(path.join(tmpdir(), 'partage-lo-'));
  try {
    const profile = path.join(dir, 'profile');
    mkdirSync(path.join(profile, 'user'), { recursive: true });
    writeFileSync(path.join(profile, 'user', 'registrymodifications.xcu'), RECALCULATE_ON_LOAD);
    const input = path.join(dir, 'in', 'book.xlsx');
    const output = path.join(dir, 'out');
    mkdirSync(path.dirname(input));
    writeFileSync(input, xlsx);
    await promisify(execFile)(SOFFICE, ['--headless', '--norestore', '--nolockcheck', `-env:UserInstallation=file://${profile}`, '--convert-to', 'xlsx', '--outdir', output, input], {
      timeout: LIBREOFFICE_TIMEOUT_MS,
    });
    const converted = path.join(output, 'book.xlsx');
    if (!existsSync(converted)) throw new Error('LibreOffice wrote no file');
    return new Uint8Array(readFileSync(converted));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
