// CSV cells (RFC 4180 quoting) with formula-injection escaping (SPEC §9): a cell that starts
// with =, +, -, @, tab or CR is prefixed with a single quote so spreadsheets show it as text.

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}
