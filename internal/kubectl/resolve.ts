/**
 * Turning what the user typed ("po", "deployments.apps", "Deployment", "hpa.v1.autoscaling")
 * into a served resource type, as kubectl's REST mapper does with discovery.
 */
import { apiVersionOf, resourceTypes, type ResourceType } from '../api/resources.ts';
import type { ResourceSpec } from '../client/index.ts';
import { KubectlError } from './errors.ts';

function matchesName(type: ResourceType, name: string): boolean {
  return (
    type.plural === name ||
    type.singular === name ||
    type.kind.toLowerCase() === name ||
    type.shortNames.includes(name)
  );
}

/**
 * The resource type `text` names. Without a group the core group wins, then the order
 * of the resource table, whose first version of a group is the preferred one.
 * Throws KubectlError for a name no served type answers to.
 */
export function resolveType(text: string): ResourceType {
  const lower = text.toLowerCase();
  const plain = resourceTypes.find((t) => matchesName(t, lower));
  if (plain !== undefined) return plain;
  const dot = lower.indexOf('.');
  if (dot > 0) {
    const name = lower.slice(0, dot);
    const rest = lower.slice(dot + 1);
    // "name.group" first, then "name.version.group".
    const grouped = resourceTypes.find((t) => t.group === rest && matchesName(t, name));
    if (grouped !== undefined) return grouped;
    const versionDot = rest.indexOf('.');
    if (versionDot > 0) {
      const version = rest.slice(0, versionDot);
      const group = rest.slice(versionDot + 1);
      const versioned = resourceTypes.find((t) => t.group === group && t.version === version && matchesName(t, name));
      if (versioned !== undefined) return versioned;
    }
  }
  throw new KubectlError(`the server doesn't have a resource type "${text}"`);
}

/** The type an object of `apiVersion`/`kind` (from a manifest) is stored as. */
export function typeOfObject(apiVersion: string | undefined, kind: string | undefined): ResourceType {
  const type = resourceTypes.find((t) => t.kind === kind && apiVersionOf(t) === apiVersion);
  if (type === undefined) {
    throw new KubectlError(`resource mapping not found for kind "${kind ?? ''}" in version "${apiVersion ?? ''}": no matching resource type is served`);
  }
  return type;
}

/** The client-side address of a resource type. */
export function specOf(type: ResourceType): ResourceSpec {
  return { group: type.group, version: type.version, plural: type.plural, namespaced: type.namespaced, kind: type.kind };
}

/** How kubectl names a type in its messages: "deployment.apps", "configmap". */
export function qualifiedKind(type: ResourceType): string {
  const kind = type.kind.toLowerCase();
  return type.group === '' ? kind : `${kind}.${type.group}`;
}

/** Splits "type/name" arguments; plain "type name..." forms come back with `names` from the rest. */
export function splitTypeAndNames(args: readonly string[]): Array<{ type: ResourceType; name: string | undefined }> {
  const [first, ...rest] = args;
  if (first === undefined) return [];
  if (first.includes('/')) {
    return args.map((arg) => {
      const slash = arg.indexOf('/');
      if (slash <= 0 || slash === arg.length - 1) {
        throw new KubectlError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiff kubectl get resource/<resource_name>' instead of 'skiff kubectl get resource resource/<resource_name>'): "${arg}"`);
      }
      return { type: resolveType(arg.slice(0, slash)), name: arg.slice(slash + 1) };
    });
  }
  const types = first.split(',').filter((t) => t !== '').flatMap(resolveTypes);
  if (rest.length === 0) return types.map((type) => ({ type, name: undefined }));
  return types.flatMap((type) => rest.map((name) => ({ type, name })));
}

/** The types one name stands for: a category such as "all" names several. */
export function resolveTypes(text: string): ResourceType[] {
  const lower = text.toLowerCase();
  if (!resourceTypes.some((t) => matchesName(t, lower))) {
    const members = resourceTypes.filter(
      (t, i) => t.categories.includes(lower) && resourceTypes.findIndex((o) => o.group === t.group && o.kind === t.kind) === i,
    );
    if (members.length > 0) return members;
  }
  return [resolveType(text)];
}
