import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { makeCopy } from '../workbook/copy';
import { verifyWorkbook, formatReport } from '../workbook/verify';
import { readXlsx, writeXlsx, XlsxFileError } from '../workbook/xlsxFile';
import { EXIT, type CliIo } from './io';

/**
 * `partage copy FILE.xlsx -o COPY.xlsx` and `partage verify FILE.xlsx`: the copy for the other
 * side of the table, and the check of a saved workbook's figures (src/workbook/). Both are
 * asynchronous (reading a workbook is): the status goes to `setStatus` when they settle, and to
 * process.exitCode, as for NUCLEOLUS.
 */
export function addWorkbookCommands(program: Command, io: CliIo, setStatus: (status: number) => void): void {
  const settle = (work: Promise<number>): void => {
    setStatus(EXIT.ok);
    void work.then(
      (status) => {
        setStatus(status);
        if (status !== EXIT.ok) process.exitCode = status;
      },
      (error: unknown) => {
        const known = error instanceof XlsxFileError || (error instanceof Error && /ENOENT|EACCES|EISDIR/.test(error.message));
        io.writeErr(`partage: ${error instanceof Error ? error.message : String(error)}\n`);
        const status = known ? EXIT.usage : EXIT.internal;
        setStatus(status);
        process.exitCode = status;
      },
    );
  };
  const read = async (file: string) => readXlsx(readFileSync(file));

  program
    .command('copy')
    .description('write a copy of a saved workbook that opens without the add-in: native formulas where Excel has them, values elsewhere, an "About these figures" sheet')
    .argument('<file>', 'the workbook (.xlsx) with partage formulas')
    .requiredOption('-o, --output <copy>', 'the copy to write (.xlsx)')
    .addHelpText('after', '\nExit status: 0 copy written, 2 the file cannot be read or written, 3 internal error.')
    .action((file: string, options: { output: string }) => {
      settle(
        (async () => {
          const { model, figures } = await makeCopy(await read(file));
          writeFileSync(options.output, await writeXlsx(model));
          const native = figures.filter((f) => f.inCopy === 'native formula').length;
          io.writeOut(`${options.output}: ${figures.length} figures, ${native} as native formulas, ${figures.length - native} as values; see the sheet "About these figures".\n`);
          return EXIT.ok;
        })(),
      );
    });

  program
    .command('verify')
    .description('recompute every partage figure of a saved workbook (or of its copy) from the inputs in the file, and say which match')
    .argument('<file>', 'the workbook (.xlsx)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit status: 0 every figure matches, 1 a figure differs or cannot be checked, 2 the file cannot be read, 3 internal error.')
    .action((file: string, options: { json?: boolean }) => {
      settle(
        (async () => {
          const report = await verifyWorkbook(await read(file));
          io.writeOut(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, file));
          return report.allMatch ? EXIT.ok : EXIT.functionError;
        })(),
      );
    });
}
