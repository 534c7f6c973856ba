/** Valid objects of each kind, defaulted, for the validation tests to break one field at a time. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import type { StatusCause } from '../../apiserver/status.ts';
import { applyDefaults } from '../defaults/index.ts';
import { resourceTypes, type ResourceType } from '../resources.ts';

export function typeOf(kind: string, group = ''): ResourceType {
  const type = resourceTypes.find((t) => t.kind === kind && t.group === group);
  if (type === undefined) throw new Error(`no resource type ${group}/${kind}`);
  return type;
}

/** `field reason` lines, sorted, for exact comparison in tests. */
export function summary(causes: StatusCause[]): string[] {
  return causes.map((c) => `${c.field ?? ''} ${c.reason}`).sort();
}

export function podSpec(): JsonObject {
  return {
    containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', emptyDir: {} }],
  };
}

/** A defaulted object of `kind` with the given body, named "x" in namespace "default" when namespaced. */
export function defaulted(kind: string, group: string, body: JsonObject): KubeObject {
  const type = typeOf(kind, group);
  const metadata = type.namespaced ? { name: 'x', namespace: 'default' } : { name: 'x' };
  const object = { apiVersion: group === '' ? type.version : `${group}/${type.version}`, kind, metadata, ...structuredClone(body) } as KubeObject;
  applyDefaults(type, object);
  return object;
}

export function template(labels: Record<string, string> = { app: 'x' }): JsonObject {
  return { metadata: { labels }, spec: podSpec() };
}
