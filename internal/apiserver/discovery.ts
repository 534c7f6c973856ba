/**
 * API discovery, both kinds kubectl uses: aggregated (apidiscovery.k8s.io/v2, one
 * document for /api and one for /apis) and legacy (APIVersions, APIGroupList,
 * APIGroup and APIResourceList per group/version).
 */
import { apiVersionOf, resourceTypes, servedGroups, type ResourceType } from '../api/resources.ts';

export const aggregatedContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for aggregated discovery. */
export function wantsAggregated(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept
    .split(',')
    .map((part) => part.trim().replaceAll(' ', ''))
    .some((part) => part.includes('g=apidiscovery.k8s.io') && part.includes('as=APIGroupDiscoveryList') && part.includes('v=v2'));
}

function typesOf(group: string, version: string): ResourceType[] {
  return resourceTypes.filter((t) => t.group === group && t.version === version);
}

export function aggregatedDiscovery(core: boolean): object {
  const groups = servedGroups().filter((g) => (g.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: typesOf(g.group, version).map((t) => {
          const resource: Record<string, unknown> = {
            resource: t.plural,
            responseKind: { group: t.group, version: t.version, kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: t.verbs,
          };
          if (t.shortNames.length > 0) resource.shortNames = t.shortNames;
          if (t.categories.length > 0) resource.categories = t.categories;
          if (t.subresources.length > 0) {
            resource.subresources = t.subresources.map((s) => ({
              subresource: s.name,
              responseKind: { group: s.group ?? t.group, version: s.version ?? t.version, kind: s.kind ?? t.kind },
              verbs: s.verbs,
            }));
          }
          return resource;
        }),
      })),
    })),
  };
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups()
      .filter((g) => g.group !== '')
      .map((g) => apiGroup(g.group, g.versions)),
  };
}

export function apiGroupDocument(group: string): object | null {
  const entry = servedGroups().find((g) => g.group === group && group !== '');
  return entry === undefined ? null : { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(entry.group, entry.versions) };
}

export function apiResourceList(group: string, version: string): object | null {
  const types = typesOf(group, version);
  if (types.length === 0) return null;
  const resources: object[] = [];
  for (const t of types) {
    const entry: Record<string, unknown> = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
    };
    if (t.shortNames.length > 0) entry.shortNames = t.shortNames;
    if (t.categories.length > 0) entry.categories = t.categories;
    resources.push(entry);
    for (const s of t.subresources) {
      const sub: Record<string, unknown> = { name: `${t.plural}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind ?? t.kind, verbs: s.verbs };
      if (s.group !== undefined) sub.group = s.group;
      if (s.version !== undefined) sub.version = s.version;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}
