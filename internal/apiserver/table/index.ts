export { includeObjectPolicy, parseTableAccept, tableVersionFromAccept, type IncludeObject, type TableVersion } from './accept.ts';
export { humanDuration, shortHumanDuration } from './duration.ts';
export { printerFor } from './printers.ts';
export type { Column, Printer } from './printer.ts';
export { tableRowForWatch, toTable, type TableListMeta, type TableOptions, type WatchTableOptions } from './table.ts';
