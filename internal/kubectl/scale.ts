/** `kubectl scale`: a merge patch of spec.replicas on the scale subresource. */
import { UsageError } from '../cli/usage-error.ts';
import type { KubectlContext } from './context.ts';
import { managerFor } from './context.ts';
import { namespaceFor } from './fetch.ts';
import { stringFlag, type FlagSpec, type ParsedFlags } from './flags.ts';
import { qualifiedKind, specOf, splitTypeAndNames } from './resolve.ts';

/** Flags of `scale`. */
export const scaleFlags: readonly FlagSpec[] = [{ name: 'replicas', kind: 'string' }];

/** Runs `scale`; resolves to the exit code. */
export async function runScale(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const text = stringFlag(parsed, 'replicas');
  const replicas = text === undefined ? NaN : Number(text);
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new UsageError(`scale needs --replicas=COUNT with a whole number of at least 0, got "${text ?? ''}"`);
  }
  const targets = splitTypeAndNames(parsed.positionals);
  if (targets.length === 0 || targets.some((t) => t.name === undefined)) {
    throw new UsageError('scale needs a resource and a name, e.g. "skiff kubectl scale deployment/web --replicas=3"');
  }
  for (const { type, name = '' } of targets) {
    if (!type.subresources.some((s) => s.name === 'scale')) {
      throw new UsageError(`cannot scale ${type.plural}: the type has no scale subresource`);
    }
    await ctx.api.resource(specOf(type)).patch(namespaceFor(type, ctx, false), name, { spec: { replicas } }, 'merge', {
      subresource: 'scale',
      fieldManager: managerFor('scale'),
      signal: ctx.signal,
    });
    ctx.io.stdout(`${qualifiedKind(type)}/${name} scaled\n`);
  }
  return 0;
}
