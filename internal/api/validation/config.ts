/** ConfigMap, Secret and Namespace rules. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { asArray, asObject, asString, forbidden, invalidEach, invalidValue, jsonEqual, required, tooLong, type Causes } from './field.ts';
import { configKey, qualifiedName } from './syntax.ts';

const maxDataBytes = 1024 * 1024;
const redacted = '<secret contents redacted>';

function root(object: KubeObject): JsonObject {
  return object as unknown as JsonObject;
}

function validateKeys(map: JsonObject, field: string): Causes {
  const causes: Causes = [];
  for (const key of Object.keys(map)) causes.push(...invalidEach(`${field}[${key}]`, key, configKey(key)));
  return causes;
}

function decodedLength(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  return Buffer.from(value, 'base64').length;
}

/** A ConfigMap: key syntax, no key in both data and binaryData, at most 1 MiB in total. */
export function validateConfigMap(cm: KubeObject): Causes {
  const data = asObject(cm.data) ?? {};
  const binary = asObject(cm.binaryData) ?? {};
  const causes = [...validateKeys(data, 'data'), ...validateKeys(binary, 'binaryData')];
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    size += Buffer.byteLength(typeof value === 'string' ? value : '');
    if (Object.hasOwn(binary, key)) causes.push(invalidValue(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  }
  for (const [key, value] of Object.entries(binary)) {
    const length = decodedLength(value);
    if (length === undefined) causes.push(invalidValue(`binaryData[${key}]`, redacted, 'illegal base64 data'));
    size += length ?? 0;
  }
  if (size > maxDataBytes) causes.push(tooLong('data', maxDataBytes));
  return causes;
}

/** Once `immutable` is true, data, binaryData and the flag itself are fixed. */
function validateImmutableData(object: KubeObject, old: KubeObject, keys: readonly string[]): Causes {
  if (old.immutable !== true) return [];
  const causes: Causes = [];
  if (object.immutable !== true) causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const key of keys) {
    if (!jsonEqual(root(object)[key] ?? {}, root(old)[key] ?? {})) causes.push(forbidden(key, 'field is immutable when `immutable` is set'));
  }
  return causes;
}

export function validateConfigMapUpdate(cm: KubeObject, old: KubeObject): Causes {
  return [...validateConfigMap(cm), ...validateImmutableData(cm, old, ['data', 'binaryData'])];
}

/** Keys each typed secret must carry. */
function validateSecretType(secret: KubeObject, data: JsonObject): Causes {
  const causes: Causes = [];
  const needKey = (key: string): void => {
    if (!Object.hasOwn(data, key)) causes.push(required(`data[${key}]`));
  };
  const needJson = (key: string): void => {
    needKey(key);
    const raw = asString(data[key]);
    if (raw === undefined) return;
    try {
      JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    } catch (error) {
      causes.push(invalidValue(`data[${key}]`, redacted, error instanceof Error ? error.message : String(error)));
    }
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
        causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      needJson('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      needJson('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!Object.hasOwn(data, 'username') && !Object.hasOwn(data, 'password')) {
        causes.push(required('data[username]'), required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      needKey('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      needKey('tls.key');
      needKey('tls.crt');
      break;
  }
  return causes;
}

/** A Secret: key syntax, base64 values, at most 1 MiB, and the keys its type requires. */
export function validateSecret(secret: KubeObject): Causes {
  const data = asObject(secret.data) ?? {};
  const causes = validateKeys(data, 'data');
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    const length = decodedLength(value);
    if (length === undefined) causes.push(invalidValue(`data[${key}]`, redacted, 'illegal base64 data'));
    size += length ?? 0;
  }
  if (size > maxDataBytes) causes.push(tooLong('data', maxDataBytes));
  const type = asString(secret.type) ?? '';
  if (type !== '' && type.includes('/')) causes.push(...invalidEach('type', type, qualifiedName(type)));
  causes.push(...validateSecretType(secret, data));
  return causes;
}

export function validateSecretUpdate(secret: KubeObject, old: KubeObject): Causes {
  const causes = [...validateSecret(secret), ...validateImmutableData(secret, old, ['data'])];
  if (secret.type !== old.type) causes.push(invalidValue('type', secret.type ?? '', 'field is immutable'));
  return causes;
}

/** A Namespace: finalizers in spec are qualified names. */
export function validateNamespace(ns: KubeObject): Causes {
  const causes: Causes = [];
  const finalizers = asArray(asObject(ns.spec)?.finalizers) ?? [];
  finalizers.forEach((f, i) => causes.push(...invalidEach(`spec.finalizers[${i}]`, f, qualifiedName(String(f)))));
  return causes;
}
