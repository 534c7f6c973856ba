/** `kubectl get`: server-built tables, -o yaml|json|name|wide, selectors, -A and -w. */
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { UsageError } from '../cli/usage-error.ts';
import { ApiStatusError } from '../client/index.ts';
import type { KubectlContext } from './context.ts';
import { errorLine } from './errors.ts';
import { fetchObjects, fetchTable, namespaceFor, noResourcesMessage, type Selection } from './fetch.ts';
import { boolFlag, stringFlag, type FlagSpec, type ParsedFlags } from './flags.ts';
import { watchAndPrint } from './get-watch.ts';
import { asList, toJson, toYaml, withoutManagedFields, type OutputFormat } from './output.ts';
import { qualifiedKind, splitTypeAndNames } from './resolve.ts';
import { formatTable, type Table, type TableRow } from './table.ts';

/** Flags of `get`. */
export const getFlags: readonly FlagSpec[] = [
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'field-selector', kind: 'string' },
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'watch', short: 'w', kind: 'bool' },
  { name: 'no-headers', kind: 'bool' },
  { name: 'show-managed-fields', kind: 'bool' },
];

/** -o as a format; anything kubectl has but this subset lacks is a usage error. */
export function outputFormat(parsed: ParsedFlags): OutputFormat {
  const text = stringFlag(parsed, 'output');
  if (text === undefined || text === '') return 'table';
  if (text === 'wide' || text === 'yaml' || text === 'json' || text === 'name') return text;
  throw new UsageError(`unable to match a printer suitable for the output format "${text}", allowed formats are: json,name,wide,yaml`);
}

interface Group {
  type: ResourceType;
  names: string[];
}

/** Runs `get`; resolves to the exit code. */
export async function runGet(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const format = outputFormat(parsed);
  if (parsed.positionals.length === 0) {
    throw new UsageError('You must specify the type of resource to get, e.g. "skiff kubectl get pods"');
  }
  const groups: Group[] = [];
  for (const { type, name } of splitTypeAndNames(parsed.positionals)) {
    let group = groups.find((g) => g.type === type);
    if (group === undefined) groups.push((group = { type, names: [] }));
    if (name !== undefined) group.names.push(name);
  }
  const all = boolFlag(parsed, 'all-namespaces');
  const base = { labelSelector: stringFlag(parsed, 'selector'), fieldSelector: stringFlag(parsed, 'field-selector') };

  if (boolFlag(parsed, 'watch')) {
    const [group, extra] = groups;
    if (group === undefined || extra !== undefined || group.names.length > 1) {
      throw new UsageError('watch is only supported on individual resources and resource collections of one type');
    }
    const selection: Selection = { ...base, namespace: namespaceFor(group.type, ctx, all) };
    if (group.names[0] !== undefined) selection.fieldSelector = `metadata.name=${group.names[0]}`;
    return watchAndPrint(ctx, group.type, selection, { format, withNamespace: all && group.type.namespaced, headers: !boolFlag(parsed, 'no-headers') });
  }

  let failed = false;
  const report = (error: unknown): void => {
    if (!(error instanceof ApiStatusError)) throw error;
    ctx.io.stderr(`${errorLine(error)}\n`);
    failed = true;
  };
  const objects: KubeObject[] = [];
  const tables: string[] = [];
  let anyRows = false;
  for (const { type, names } of groups) {
    const namespace = namespaceFor(type, ctx, all);
    const selections: Selection[] = names.length === 0 ? [{ ...base, namespace }] : names.map((name) => ({ namespace, name }));
    if (format === 'table' || format === 'wide') {
      const merged: Table = { columnDefinitions: [], rows: [] };
      for (const selection of selections) {
        try {
          const table = await fetchTable(ctx, type, selection);
          if ((merged.columnDefinitions ?? []).length === 0) merged.columnDefinitions = table.columnDefinitions ?? [];
          merged.rows = [...(merged.rows ?? []), ...(table.rows ?? [])];
        } catch (error) {
          report(error);
        }
      }
      // With several types in one call, kubectl names each row "kind.group/name".
      const rows: TableRow[] = groups.length > 1 ? withKindPrefix(merged, qualifiedKind(type)) : (merged.rows ?? []);
      merged.rows = rows;
      if (rows.length === 0) continue;
      anyRows = true;
      const options = { wide: format === 'wide', withNamespace: all && type.namespaced, headers: !boolFlag(parsed, 'no-headers') };
      tables.push(formatTable(merged, options));
      continue;
    }
    for (const selection of selections) {
      try {
        objects.push(...(await fetchObjects(ctx, type, selection)).items);
      } catch (error) {
        report(error);
      }
    }
  }

  if (format === 'table' || format === 'wide') {
    ctx.io.stdout(tables.join('\n'));
    if (!anyRows && !failed) ctx.io.stderr(noResources(groups, ctx, all));
  } else if (format === 'name') {
    for (const object of objects) ctx.io.stdout(`${nameLine(object, groups)}\n`);
    if (objects.length === 0 && !failed) ctx.io.stderr(noResources(groups, ctx, all));
  } else {
    const shown = boolFlag(parsed, 'show-managed-fields') ? objects : objects.map(withoutManagedFields);
    const single = groups.length === 1 && groups[0]?.names.length === 1;
    const value = single && shown[0] !== undefined ? shown[0] : asList(shown);
    if (!(single && shown.length === 0)) ctx.io.stdout(format === 'json' ? toJson(value) : toYaml(value));
  }
  return failed ? 1 : 0;
}

function noResources(groups: readonly Group[], ctx: KubectlContext, all: boolean): string {
  const namespaced = groups.some((g) => g.type.namespaced);
  return noResourcesMessage(namespaced && !all ? ctx.namespace : null);
}

function nameLine(object: KubeObject, groups: readonly Group[]): string {
  const type = groups.find((g) => g.type.kind === object.kind)?.type;
  const kind = type === undefined ? (object.kind ?? '').toLowerCase() : qualifiedKind(type);
  return `${kind}/${object.metadata.name ?? ''}`;
}

function withKindPrefix(table: Table, kind: string): TableRow[] {
  const nameColumn = (table.columnDefinitions ?? []).findIndex((c) => c.name === 'Name');
  return (table.rows ?? []).map((row) => ({
    ...row,
    cells: row.cells.map((cell, i) => (i === nameColumn ? `${kind}/${String(cell)}` : cell)),
  }));
}
