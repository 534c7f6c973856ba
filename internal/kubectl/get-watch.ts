/**
 * `kubectl get -w`: prints the current state, then one line (or document) per change
 * until the server ends the watch or the signal aborts.
 */
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { watchEvents } from '../client/index.ts';
import type { KubectlContext } from './context.ts';
import { fetchObjects, fetchTable, noResourcesMessage, withTypeMeta, type Selection } from './fetch.ts';
import { qualifiedKind, specOf } from './resolve.ts';
import { toJson, toYaml, withoutManagedFields, type OutputFormat } from './output.ts';
import { alignCells, isTable, tableAccept, tableCells, type TableColumn } from './table.ts';

export interface WatchPrintOptions {
  format: OutputFormat;
  withNamespace: boolean;
  headers: boolean;
}

/** Prints the selection, then follows it; resolves to the exit code (0 when stopped). */
export async function watchAndPrint(ctx: KubectlContext, type: ResourceType, selection: Selection, options: WatchPrintOptions): Promise<number> {
  const tableMode = options.format === 'table' || options.format === 'wide';
  let columns: TableColumn[] = [];
  let headerDue = options.headers;
  let resourceVersion: string | undefined;
  const widths: number[] = [];
  const tableOptions = { wide: options.format === 'wide', withNamespace: options.withNamespace };

  if (tableMode) {
    const table = await fetchTable(ctx, type, selection);
    columns = table.columnDefinitions ?? [];
    resourceVersion = table.metadata?.resourceVersion;
    const rows = table.rows ?? [];
    if (rows.length === 0) {
      ctx.io.stderr(noResourcesMessage(selection.namespace));
    } else {
      ctx.io.stdout(alignCells(tableCells(columns, rows, { ...tableOptions, headers: headerDue }), widths));
      headerDue = false;
    }
  } else {
    const { items, resourceVersion: listVersion } = await fetchObjects(ctx, type, selection);
    resourceVersion = listVersion;
    for (const item of items) printObject(ctx, type, item, options.format);
  }

  const client = ctx.api.resource(specOf(type));
  let response;
  try {
    response = await ctx.api.stream('GET', client.path(selection.namespace), {
      accept: tableMode ? tableAccept : 'application/json',
      query: {
        watch: 'true',
        resourceVersion,
        labelSelector: selection.labelSelector,
        fieldSelector: selection.fieldSelector,
        includeObject: tableMode ? 'Metadata' : undefined,
      },
      signal: ctx.signal,
    });
  } catch (error) {
    if (ctx.signal.aborted) return 0;
    throw error;
  }
  try {
    for await (const event of watchEvents(response)) {
      if (event.type === 'ERROR') throw event.error;
      if (event.type === 'BOOKMARK') continue;
      const body: unknown = event.object;
      if (tableMode && isTable(body)) {
        if (columns.length === 0) columns = body.columnDefinitions ?? [];
        ctx.io.stdout(alignCells(tableCells(columns, body.rows ?? [], { ...tableOptions, headers: headerDue }), widths));
        headerDue = false;
      } else if (!tableMode) {
        printObject(ctx, type, event.object, options.format);
      }
    }
  } catch (error) {
    if (ctx.signal.aborted) return 0;
    throw error;
  } finally {
    response.destroy();
  }
  return 0;
}

function printObject(ctx: KubectlContext, type: ResourceType, object: KubeObject, format: OutputFormat): void {
  const typed = withoutManagedFields(withTypeMeta(type, object));
  if (format === 'name') ctx.io.stdout(`${qualifiedKind(type)}/${object.metadata.name ?? ''}\n`);
  else if (format === 'json') ctx.io.stdout(toJson(typed));
  else ctx.io.stdout(`---\n${toYaml(typed)}`);
}
