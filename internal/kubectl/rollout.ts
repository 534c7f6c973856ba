/** `kubectl rollout status` for Deployments: follows the object until the rollout completes or --timeout passes. */
import { UsageError } from '../cli/usage-error.ts';
import { parseDuration } from '../cli/duration.ts';
import type { KubectlContext } from './context.ts';
import { KubectlError } from './errors.ts';
import { namespaceFor } from './fetch.ts';
import { boolFlag, stringFlag, type FlagSpec, type ParsedFlags } from './flags.ts';
import { specOf, splitTypeAndNames } from './resolve.ts';
import { deploymentRolloutState } from './rollout-status.ts';

/** Flags of `rollout`. */
export const rolloutFlags: readonly FlagSpec[] = [
  { name: 'timeout', kind: 'string' },
  { name: 'watch', short: 'w', kind: 'bool', default: true },
];

/** Runs `rollout <subcommand>`; only `status` is built in. */
export async function runRollout(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const [sub, ...rest] = parsed.positionals;
  if (sub !== 'status') {
    throw new UsageError(`unknown rollout subcommand "${sub ?? ''}": only "rollout status" is built in`);
  }
  const targets = splitTypeAndNames(rest);
  const [target, extra] = targets;
  if (target === undefined || target.name === undefined || extra !== undefined) {
    throw new UsageError('rollout status needs one resource, e.g. "skiff kubectl rollout status deployment/web"');
  }
  if (target.type.kind !== 'Deployment') {
    throw new UsageError(`rollout status is built in for deployments only, not ${target.type.plural}`);
  }
  const timeoutText = stringFlag(parsed, 'timeout') ?? '0s';
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === undefined) throw new UsageError(`invalid --timeout "${timeoutText}": want a duration such as 30s or 5m`);
  const signal = timeoutMs > 0 ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : ctx.signal;

  const client = ctx.api.resource(specOf(target.type));
  const namespace = namespaceFor(target.type, ctx, false);
  const name = target.name;
  let last = '';
  const show = (message: string): void => {
    if (message !== last) ctx.io.stdout(`${message}\n`);
    last = message;
  };
  try {
    for (;;) {
      const current = await client.get(namespace, name, { signal });
      const state = deploymentRolloutState(current);
      show(state.message);
      if (state.done) return 0;
      if (!boolFlag(parsed, 'watch')) return 0;
      const events = client.watch(namespace, {
        resourceVersion: current.metadata.resourceVersion,
        fieldSelector: `metadata.name=${name}`,
        signal,
      });
      for await (const event of events) {
        if (event.type === 'ERROR') throw event.error;
        if (event.type === 'DELETED') throw new KubectlError(`deployment "${name}" was deleted while its rollout was watched`);
        if (event.type === 'BOOKMARK') continue;
        const next = deploymentRolloutState(event.object);
        show(next.message);
        if (next.done) return 0;
      }
      // The watch ends quietly on abort, or when the server closes it: then read afresh.
      if (signal.aborted) break;
    }
  } catch (error) {
    if (!signal.aborted || ctx.signal.aborted) throw error;
  }
  throw new KubectlError('timed out waiting for the condition');
}
