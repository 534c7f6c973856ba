/**
 * Printing a server-built meta.k8s.io Table the way kubectl does: upper-case headers,
 * cells padded by tabwriter rules (3 spaces of padding, cells at least 6 wide, the last
 * cell of a line unpadded), wide columns only on request, NAMESPACE first for -A.
 */

/** The Accept header that asks the server for a Table, with plain JSON as the fallback. */
export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface TableColumn {
  name: string;
  type?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string } };
}

/** The parts of a meta.k8s.io/v1 Table that kubectl prints. */
export interface Table {
  kind?: string;
  columnDefinitions?: TableColumn[];
  rows?: TableRow[];
  metadata?: { resourceVersion?: string };
}

export interface TableOptions {
  /** -o wide: columns of any priority. */
  wide: boolean;
  /** -A: a NAMESPACE column first, from each row's object. */
  withNamespace: boolean;
  headers: boolean;
}

const minWidth = 6;
const padding = 3;

/** Whether a decoded body is a Table rather than a plain object or list. */
export function isTable(body: unknown): body is Table {
  return typeof body === 'object' && body !== null && (body as Table).kind === 'Table';
}

/** The cells of the header (when wanted) and rows, as strings, with hidden columns dropped. */
export function tableCells(columns: readonly TableColumn[], rows: readonly TableRow[], options: TableOptions): string[][] {
  const shown = columns.map((c, i) => ({ c, i })).filter(({ c }) => options.wide || (c.priority ?? 0) === 0);
  const lines: string[][] = [];
  if (options.headers) {
    const header = shown.map(({ c }) => c.name.toUpperCase());
    lines.push(options.withNamespace ? ['NAMESPACE', ...header] : header);
  }
  for (const row of rows) {
    const cells = shown.map(({ i }) => cellText(row.cells[i]));
    lines.push(options.withNamespace ? [row.object?.metadata?.namespace ?? '', ...cells] : cells);
  }
  return lines;
}

/**
 * Aligns lines of cells as Go's tabwriter does with kubectl's settings. Passing the same
 * `widths` to later calls keeps columns at least as wide as before, as `get -w` needs.
 */
export function alignCells(lines: readonly string[][], widths: number[] = []): string {
  for (const line of lines) {
    // The last cell of a line ends with the newline, not a tab, so it sets no width.
    line.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, minWidth, cell.length + padding);
    });
  }
  return lines
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(''))
    .map((text) => `${text}\n`)
    .join('');
}

/** The whole table as text. */
export function formatTable(table: Table, options: TableOptions): string {
  return alignCells(tableCells(table.columnDefinitions ?? [], table.rows ?? [], options));
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    // kubectl shows only the first line of a multi-line cell, marked as cut.
    const cut = cell.search(/[\r\n\f]/);
    return cut < 0 ? cell : `${cell.slice(0, cut)}...`;
  }
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}
