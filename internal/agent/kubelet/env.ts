/** A container's environment: envFrom, then env (later wins), with $(VAR) expansion. */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { EnvVar } from '../runtime/types.ts';
import { expand } from './expand.ts';
import { ConfigError, fieldValue, resourceValue, type PodAddresses } from './field-ref.ts';
import type { ContainerSpecV1, KeySelector } from './pod-types.ts';
import type { ObjectLookup } from './types.ts';
import { serviceEnvironment } from './service-env.ts';

const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Reads ConfigMaps and Secrets once per container start. */
export class SourceCache {
  readonly #lookup: ObjectLookup;
  readonly #namespace: string;
  readonly #seen = new Map<string, Promise<KubeObject | null>>();

  constructor(lookup: ObjectLookup, namespace: string) {
    this.#lookup = lookup;
    this.#namespace = namespace;
  }

  /** The object's string data (Secret values decoded), or null when it does not exist. */
  async data(kind: 'configMap' | 'secret', name: string): Promise<Map<string, Buffer> | null> {
    const key = `${kind}/${name}`;
    let found = this.#seen.get(key);
    if (!found) {
      found = kind === 'secret' ? this.#lookup.secret(this.#namespace, name) : this.#lookup.configMap(this.#namespace, name);
      this.#seen.set(key, found);
    }
    const object = await found;
    return object ? objectData(object, kind) : null;
  }

  /** The pod's service variables (service-env.ts); ConfigError while the Service cache was never filled. */
  serviceVariables(enableServiceLinks: boolean): Map<string, string> {
    const lookup = this.#lookup;
    if (lookup.services === undefined) return new Map();
    const own = lookup.services(this.#namespace);
    const masters = lookup.services('default');
    if (own === null || masters === null) throw new ConfigError('services have not yet been read at least once, cannot construct envvars');
    return serviceEnvironment(this.#namespace, enableServiceLinks, this.#namespace === 'default' ? own : [...masters, ...own]);
  }
}

/** ConfigMap data and binaryData, or Secret data (base64) and stringData, as bytes. */
export function objectData(object: KubeObject, kind: 'configMap' | 'secret'): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = (object.data ?? {}) as Record<string, string>;
  if (kind === 'secret') {
    for (const [key, value] of Object.entries(data)) out.set(key, Buffer.from(value, 'base64'));
    for (const [key, value] of Object.entries((object.stringData ?? {}) as Record<string, string>)) out.set(key, Buffer.from(value));
  } else {
    for (const [key, value] of Object.entries(data)) out.set(key, Buffer.from(value));
    for (const [key, value] of Object.entries((object.binaryData ?? {}) as Record<string, string>)) out.set(key, Buffer.from(value, 'base64'));
  }
  return out;
}

const kindName = { configMap: 'configmap', secret: 'secret' } as const;

async function keyValue(sources: SourceCache, kind: 'configMap' | 'secret', ref: KeySelector, namespace: string): Promise<string | undefined> {
  const name = ref.name ?? '';
  const data = await sources.data(kind, name);
  if (data === null) {
    if (ref.optional) return undefined;
    throw new ConfigError(`${kindName[kind]} "${name}" not found`);
  }
  const value = data.get(ref.key);
  if (value === undefined) {
    if (ref.optional) return undefined;
    throw new ConfigError(`couldn't find key ${ref.key} in ${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${namespace}/${name}`);
  }
  return value.toString();
}

/** The container's environment in order; ConfigError for a missing required source. */
export async function containerEnv(
  pod: KubeObject,
  container: ContainerSpecV1,
  addresses: PodAddresses,
  sources: SourceCache,
): Promise<EnvVar[]> {
  const namespace = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  const services = sources.serviceVariables((pod.spec as { enableServiceLinks?: boolean } | undefined)?.enableServiceLinks !== false);
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'configMap' : 'secret';
    if (!ref) continue;
    const data = await sources.data(kind, ref.name ?? '');
    if (data === null) {
      if (ref.optional) continue;
      throw new ConfigError(`${kindName[kind]} "${ref.name ?? ''}" not found`);
    }
    for (const [key, value] of data) {
      const name = `${from.prefix ?? ''}${key}`;
      // Kubernetes skips keys that are not valid variable names rather than failing the pod.
      if (envName.test(name)) vars.set(name, value.toString());
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined;
    if (!from) value = expand(variable.value ?? '', (name) => vars.get(name) ?? services.get(name));
    else if (from.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath, addresses);
    else if (from.resourceFieldRef) value = resourceValue(pod, container.name, from.resourceFieldRef);
    else if (from.configMapKeyRef) value = await keyValue(sources, 'configMap', from.configMapKeyRef, namespace);
    else if (from.secretKeyRef) value = await keyValue(sources, 'secret', from.secretKeyRef, namespace);
    if (value !== undefined) vars.set(variable.name, value);
  }
  // Service variables come last and never replace a variable the pod sets itself.
  for (const [name, value] of services) if (!vars.has(name)) vars.set(name, value);
  return [...vars].map(([name, value]) => ({ name, value }));
}
