import { countByVerdict, type PolicyReport, type PolicyResult } from './policy-report';

export interface TableOptions {
  /**
   * Leave out `pass` rows, as `npm run synth` does to keep its output short.
   * @default false
   */
  readonly problemsOnly?: boolean;
}

const COLUMNS = ['ENVIRONMENT', 'OBJECT', 'RULE', 'VERDICT', 'MESSAGE', 'FIX'] as const;

/** The report as an aligned text table followed by a one-line summary. */
export function formatReport(report: PolicyReport, options: TableOptions = {}): string {
  const shown = options.problemsOnly ? report.results.filter((result) => result.verdict !== 'pass') : report.results;
  const rows = [[...COLUMNS], ...shown.map(toRow)];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column === COLUMNS.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return [...lines, '', summaryLine(report)].join('\n');
}

function toRow(result: PolicyResult): string[] {
  return [result.environment, result.object, result.rule, result.verdict, result.message || '-', result.verdict === 'pass' ? '-' : result.fix];
}

/** Worded so CI log scanners do not mistake it for a test runner's "N passed, N failed" line. */
export function summaryLine(report: PolicyReport): string {
  const counts = countByVerdict(report.results);
  const outcome = report.failed ? 'FAILED' : 'ok';
  return `policy check ${outcome}: ${report.objectCount} objects; ${counts.pass} pass, ${counts.fail} fail, ${counts.excepted} excepted, ${counts.warn} warn (audited namespaces), ${counts.unused} unused exceptions`;
}
