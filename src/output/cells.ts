// Plain-text cells and off-terminal object lines, without colour: shared by the renderer and
// the `key verify` fast path (which must not load chalk).

export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function tsvCell(value: string): string {
  return value.replace(/[\t\r\n]/g, ' ');
}

/** One object off a terminal: `label<TAB>value` lines. */
export function plainFields(fields: readonly [label: string, value: unknown][]): string {
  return fields.map(([l, v]) => `${l}\t${tsvCell(cell(v))}`).join('\n') + '\n';
}

/** JSON as every command prints it. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
