/**
 * `kubectl delete`: by type and names, type/name, -f manifests or -l selector; with a
 * cascade policy, and by default waiting until every deleted object is gone.
 */
import type { ResourceType } from '../api/resources.ts';
import { UsageError } from '../cli/usage-error.ts';
import { ApiStatusError, type DeleteOptions } from '../client/index.ts';
import type { KubectlContext } from './context.ts';
import { errorLine } from './errors.ts';
import { noResourcesMessage, namespaceFor } from './fetch.ts';
import { boolFlag, listFlag, stringFlag, type FlagSpec, type ParsedFlags } from './flags.ts';
import { placedObjects } from './apply.ts';
import { qualifiedKind, specOf, splitTypeAndNames } from './resolve.ts';
import { waitUntilGone } from './wait-gone.ts';

/** Flags of `delete`. */
export const deleteFlags: readonly FlagSpec[] = [
  { name: 'filename', short: 'f', kind: 'list' },
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'all', kind: 'bool' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'cascade', kind: 'string' },
  { name: 'wait', kind: 'bool', default: true },
  { name: 'ignore-not-found', kind: 'bool' },
  { name: 'timeout', kind: 'string' },
];

interface Target {
  type: ResourceType;
  namespace: string | null;
  name: string;
}

/** --cascade as the API's propagation policy; kubectl's old true/false spellings still work. */
export function propagationOf(text: string | undefined): DeleteOptions['propagationPolicy'] {
  switch (text ?? 'background') {
    case 'background':
    case 'true':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
    case 'false':
      return 'Orphan';
    default:
      throw new UsageError(`invalid --cascade value "${text ?? ''}": want background, foreground or orphan`);
  }
}

/** Runs `delete`; resolves to the exit code. */
export async function runDelete(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const propagationPolicy = propagationOf(stringFlag(parsed, 'cascade'));
  const ignoreNotFound = boolFlag(parsed, 'ignore-not-found');
  let failed = false;
  const report = (error: unknown): void => {
    if (!(error instanceof ApiStatusError)) throw error;
    if (ignoreNotFound && error.code === 404) return;
    ctx.io.stderr(`${errorLine(error)}\n`);
    failed = true;
  };

  const targets = await collectTargets(ctx, parsed, report);
  if (targets === undefined) return failed ? 1 : 0;
  const deleted: Array<Target & { uid: string | undefined }> = [];
  for (const target of targets) {
    const client = ctx.api.resource(specOf(target.type));
    try {
      const before = await client.get(target.namespace, target.name, { signal: ctx.signal });
      await client.delete(target.namespace, target.name, { propagationPolicy, signal: ctx.signal });
      ctx.io.stdout(`${qualifiedKind(target.type)} "${target.name}" deleted\n`);
      deleted.push({ ...target, uid: before.metadata.uid });
    } catch (error) {
      report(error);
    }
  }
  if (boolFlag(parsed, 'wait')) {
    for (const target of deleted) {
      await waitUntilGone(ctx, target.type, target.namespace, target.name, target.uid);
    }
  }
  return failed ? 1 : 0;
}

/** The objects to delete; undefined when a selector matched nothing (the note is printed). */
async function collectTargets(ctx: KubectlContext, parsed: ParsedFlags, report: (error: unknown) => void): Promise<Target[] | undefined> {
  if (listFlag(parsed, 'filename').length > 0) {
    if (parsed.positionals.length > 0) throw new UsageError('delete takes either -f or resource arguments, not both');
    return placedObjects(ctx, parsed, 'delete').map(({ type, namespace, object }) => ({ type, namespace, name: object.metadata.name ?? '' }));
  }
  if (parsed.positionals.length === 0) {
    throw new UsageError('You must provide one or more resources by argument or filename, e.g. "skiff kubectl delete configmap NAME"');
  }
  const selector = stringFlag(parsed, 'selector');
  const everything = boolFlag(parsed, 'all');
  const all = boolFlag(parsed, 'all-namespaces');
  const items = splitTypeAndNames(parsed.positionals);
  const named = items.filter((i) => i.name !== undefined);
  if (named.length > 0) {
    if (selector !== undefined || everything) throw new UsageError('names cannot be given together with --selector or --all');
    return named.map(({ type, name }) => ({ type, namespace: namespaceFor(type, ctx, false), name: name ?? '' }));
  }
  if (selector === undefined && !everything) {
    throw new UsageError('resource(s) were provided, but no name was specified: give names, --selector or --all');
  }
  const targets: Target[] = [];
  for (const { type } of items) {
    const namespace = namespaceFor(type, ctx, all);
    try {
      const list = await ctx.api.resource(specOf(type)).list(namespace, { labelSelector: selector, signal: ctx.signal });
      for (const item of list.items) {
        targets.push({ type, namespace: item.metadata.namespace ?? namespace, name: item.metadata.name ?? '' });
      }
    } catch (error) {
      report(error);
    }
  }
  if (targets.length === 0) {
    const namespaced = items.some((i) => i.type.namespaced);
    ctx.io.stderr(noResourcesMessage(namespaced && !all ? ctx.namespace : null));
    return undefined;
  }
  return targets;
}
