/** `kubectl apply -f` (server-side apply) and `kubectl create -f`. */
import { readFileSync } from 'node:fs';
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { UsageError } from '../cli/usage-error.ts';
import { ApiStatusError } from '../client/index.ts';
import { fieldManager, managerFor, type KubectlContext } from './context.ts';
import { errorLine, KubectlError } from './errors.ts';
import { boolFlag, listFlag, type FlagSpec, type ParsedFlags } from './flags.ts';
import { readManifests, type ManifestObject } from './manifests.ts';
import { qualifiedKind, specOf, typeOfObject } from './resolve.ts';

/** Flags of `apply`. */
export const applyFlags: readonly FlagSpec[] = [
  { name: 'filename', short: 'f', kind: 'list' },
  { name: 'server-side', kind: 'bool', default: true },
  { name: 'force-conflicts', kind: 'bool' },
  { name: 'field-manager', kind: 'list' },
];

/** Flags of `create`. */
export const createFlags: readonly FlagSpec[] = [{ name: 'filename', short: 'f', kind: 'list' }];

/** An object of a manifest placed: its type and the namespace it goes to (null when cluster-scoped). */
export interface Placed {
  type: ResourceType;
  namespace: string | null;
  object: KubeObject;
}

/** Reads -f (stdin for "-") and maps every object to its type and namespace. */
export function placedObjects(ctx: KubectlContext, parsed: ParsedFlags, verb: string): Placed[] {
  const files = listFlag(parsed, 'filename');
  if (files.length === 0) throw new UsageError(`must specify one of -f and -k for "kubectl ${verb}"`);
  const manifests = readManifests(files, () => readFileSync(0, 'utf8'));
  return manifests.map((manifest) => place(ctx, manifest));
}

function place(ctx: KubectlContext, { object, source }: ManifestObject): Placed {
  const type = typeOfObject(object.apiVersion, object.kind);
  if (!type.namespaced) return { type, namespace: null, object };
  const own = object.metadata.namespace;
  if (own !== undefined && own !== '' && ctx.namespaceGiven && own !== ctx.namespace) {
    throw new KubectlError(`the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation (${source})`);
  }
  const namespace = own !== undefined && own !== '' ? own : ctx.namespace;
  return { type, namespace, object: { ...object, metadata: { ...object.metadata, namespace } } };
}

/** Runs each write in order, printing kubectl's line per object; errors print and make the exit code 1. */
async function eachObject(ctx: KubectlContext, placed: readonly Placed[], write: (p: Placed) => Promise<string>): Promise<number> {
  let failed = false;
  for (const item of placed) {
    try {
      const verbText = await write(item);
      ctx.io.stdout(`${qualifiedKind(item.type)}/${item.object.metadata.name ?? ''} ${verbText}\n`);
    } catch (error) {
      if (!(error instanceof ApiStatusError)) throw error;
      ctx.io.stderr(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

/** Runs `apply`: one server-side apply patch per object. */
export async function runApply(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  if (!boolFlag(parsed, 'server-side')) {
    throw new UsageError('only server-side apply is built in; drop --server-side=false');
  }
  const force = boolFlag(parsed, 'force-conflicts');
  const manager = listFlag(parsed, 'field-manager').at(-1) ?? fieldManager;
  const placed = placedObjects(ctx, parsed, 'apply');
  return eachObject(ctx, placed, async ({ type, namespace, object }) => {
    const name = object.metadata.name;
    if (name === undefined || name === '') throw new KubectlError(`error when applying a ${type.kind}: metadata.name is required`);
    await ctx.api.resource(specOf(type)).patch(namespace, name, JSON.stringify(object), 'apply', {
      fieldManager: manager,
      force,
      signal: ctx.signal,
    });
    return 'serverside-applied';
  });
}

/** Runs `create -f`: one POST per object. */
export async function runCreate(ctx: KubectlContext, parsed: ParsedFlags): Promise<number> {
  const placed = placedObjects(ctx, parsed, 'create');
  return eachObject(ctx, placed, async ({ type, namespace, object }) => {
    const created = await ctx.api.resource(specOf(type)).create(namespace, object, { fieldManager: managerFor('create'), signal: ctx.signal });
    // A generateName object is only named once created.
    object.metadata.name = created.metadata.name;
    return 'created';
  });
}
