// Prints one plain closing line, "jest: N passed, N failed[, N skipped]", as the very last line
// of a run (after jest's own summary, hence on exit), so that CI can read the outcome without
// parsing jest's formatted output.
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    let line = `jest: ${results.numPassedTests} passed, ${failed} failed`;
    if (skipped > 0) line += `, ${skipped} skipped`;
    process.once('exit', () => process.stdout.write(`${line}\n`));
  }
}
module.exports = SummaryLineReporter;
