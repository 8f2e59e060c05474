/**
 * `partage copy` and `partage verify` end to end through the real launcher (bin/partage, on the
 * TypeScript sources), on .xlsx files written the way Excel writes them (fixtures.ts): the copy
 * written and verified, a figure edited by hand reported with exit status 1, the JSON report,
 * usage errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sheetNamed } from '../../src/workbook/model';
import { writeXlsx } from '../../src/workbook/xlsxFile';
import { negotiationWorkbook } from '../workbook/fixtures';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'partage');

function partage(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(bin, args, { cwd: root, encoding: 'utf8', env: { ...process.env, PARTAGE_FROM_SOURCE: '1' }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'partage-cli-xlsx-'));
  writeFileSync(join(dir, 'negotiation.xlsx'), await writeXlsx(negotiationWorkbook()));
  const edited = negotiationWorkbook();
  sheetNamed(edited, 'Press')!.cells.get('B4')!.value = 345000000;
  writeFileSync(join(dir, 'edited.xlsx'), await writeXlsx(edited));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('partage verify', () => {
  test('a workbook whose figures all match: the table, exit 0', () => {
    const { status, stdout, stderr } = partage(['verify', join(dir, 'negotiation.xlsx')]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${join(dir, 'negotiation.xlsx')}: a workbook with partage formulas`);
    expect(lines[1]).toMatch(/^Figure\s+Function\s+Result\s+Detail$/);
    expect(lines.find((l) => l.startsWith('Deals!B10:B14'))).toMatch(/^Deals!B10:B14\s+PARTAGE\.LICENCEPAYMENTS\s+matches\s+5 values recomputed from the inputs in the file$/);
    expect(lines[lines.length - 1]).toBe('10 figures: 10 match, 0 differ, 0 not checkable.');
  });

  test('the report’s printed 345 M in place of 385 M: that figure and the one computed from it differ, exit 1; --json', () => {
    const { status, stdout } = partage(['verify', '--json', join(dir, 'edited.xlsx')]);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as { kind: string; allMatch: boolean; figures: { where: string; verdict: string; detail: string }[] };
    expect(report).toMatchObject({ kind: 'original', allMatch: false });
    expect(report.figures.find((f) => f.where === 'Press!B4')).toMatchObject({ verdict: 'differs', detail: 'differs by up to 40000000 (B4: the file shows 345000000, the inputs give 385000000)' });
    // B6 takes the file's Base (345 M): 40 % is 138 M where the file shows 154 M.
    expect(report.figures.find((f) => f.where === 'Press!B6')).toMatchObject({ verdict: 'differs', detail: 'differs by up to 16000000 (B6: the file shows 154000000, the inputs give 138000000)' });
  });

  test('a file that is not there, or not a workbook: exit 2 with the reason', () => {
    const missing = partage(['verify', join(dir, 'nothing.xlsx')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^partage: ENOENT: no such file or directory/);
    writeFileSync(join(dir, 'text.xlsx'), 'not a zip');
    const text = partage(['verify', join(dir, 'text.xlsx')]);
    expect(text.status).toBe(2);
    expect(text.stderr).toMatch(/^partage: not a readable \.xlsx workbook/);
  });
});

describe('partage copy', () => {
  test('writes the copy, says how many figures became native formulas; the copy verifies', () => {
    const out = join(dir, 'copy.xlsx');
    const { status, stdout, stderr } = partage(['copy', join(dir, 'negotiation.xlsx'), '-o', out]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toBe(`${out}: 10 figures, 9 as native formulas, 1 as values; see the sheet "About these figures".\n`);
    expect(existsSync(out)).toBe(true);
    const verified = partage(['verify', out]);
    expect(verified.status).toBe(0);
    expect(verified.stdout.split('\n')[0]).toBe(`${out}: a copy for the other side (checked through its About sheet)`);
  });

  test('without -o: a usage error', () => {
    const { status, stderr } = partage(['copy', join(dir, 'negotiation.xlsx')]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/required option '-o, --output <copy>' not specified/);
  });
});
