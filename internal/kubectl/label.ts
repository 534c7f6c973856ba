/** `kubectl label`: adds, changes (with --overwrite) and removes (`key-`) labels by merge patch. */
import { UsageError } from '../cli/usage-error.ts';
import type { KubectlContext } from './context.ts';
import { managerFor } from './context.ts';
import { KubectlError } from './errors.ts';
import { namespaceFor } from './fetch.ts';
import { boolFlag, type FlagSpec, type ParsedFlags } from './flags.ts';
import { qualifiedKind, specOf, splitTypeAndNames } from './resolve.ts';

/** Flags of `label`. */
export const labelFlags: readonly FlagSpec[] = [{ name: 'overwrite', kind: 'bool' }];

/** Label changes from arguments: `k=v` sets, `k-` removes. */
export function parseLabelChanges(args: readonly string[]): { set: Map<string, string>; remove: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) set.set(arg.slice(0, eq), arg.slice(eq + 1));
    else if (arg.endsWith('-') && arg.length > 1) remove.push(arg.slice(0, -1));
    else throw new UsageError(`invalid label change "${arg}": want key=value or key-`);
  }
  for (const key of remove) {
    if (set.has(key)) throw new UsageError(`can not both modify and remove the label "${key}" in the same command`);
  }
  return { set, remove };
}

/** Runs `label`; resolves to the exit code. */
export async function runLabel(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const resources = parsed.positionals.filter((a) => !a.includes('=') && !(a.endsWith('-') && a.length > 1));
  const changes = parseLabelChanges(parsed.positionals.filter((a) => !resources.includes(a)));
  if (changes.set.size === 0 && changes.remove.length === 0) {
    throw new UsageError('at least one label update is required, e.g. "skiff kubectl label pod web tier=front"');
  }
  const targets = splitTypeAndNames(resources);
  if (targets.length === 0 || targets.some((t) => t.name === undefined)) {
    throw new UsageError('label needs a resource and a name, e.g. "skiff kubectl label pod web tier=front"');
  }
  const overwrite = boolFlag(parsed, 'overwrite');
  for (const { type, name = '' } of targets) {
    const client = ctx.api.resource(specOf(type));
    const namespace = namespaceFor(type, ctx, false);
    const current = (await client.get(namespace, name, { signal: ctx.signal })).metadata.labels ?? {};
    const labels: Record<string, string | null> = {};
    for (const [key, value] of changes.set) {
      const old = current[key];
      if (old !== undefined && old !== value && !overwrite) {
        throw new KubectlError(`'${key}' already has a value (${old}), and --overwrite is false`);
      }
      if (old !== value) labels[key] = value;
    }
    for (const key of changes.remove) {
      if (key in current) labels[key] = null;
      else ctx.io.stderr(`label "${key}" not found.\n`);
    }
    const outcome = Object.keys(labels).length === 0 ? 'not labeled' : changes.set.size === 0 ? 'unlabeled' : 'labeled';
    if (Object.keys(labels).length > 0) {
      await client.patch(namespace, name, { metadata: { labels } }, 'merge', { fieldManager: managerFor('label'), signal: ctx.signal });
    }
    ctx.io.stdout(`${qualifiedKind(type)}/${name} ${outcome}\n`);
  }
  return 0;
}
