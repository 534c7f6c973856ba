/**
 * Building blocks of hostile API requests: a seeded PRNG, valid bodies of four kinds to
 * corrupt, JSON corruptions, wrong-type mutations and hand-made protobuf envelopes.
 */

import { mulberry32 } from '../../internal/util/seeded-random.ts';

/** A seeded generator (mulberry32): the same sequence for the same seed on every run. */
export class Random {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

export type BaseKind = 'ConfigMap' | 'Deployment' | 'Service' | 'Pod';

/** Where each base kind lives, by namespace. */
export function collectionOf(kind: BaseKind, namespace: string): string {
  switch (kind) {
    case 'ConfigMap':
      return `/api/v1/namespaces/${namespace}/configmaps`;
    case 'Deployment':
      return `/apis/apps/v1/namespaces/${namespace}/deployments`;
    case 'Service':
      return `/api/v1/namespaces/${namespace}/services`;
    case 'Pod':
      return `/api/v1/namespaces/${namespace}/pods`;
  }
}

/** A valid object of `kind`: what the server accepts before a corruption is applied. */
export function validBody(kind: BaseKind, name: string, namespace: string): JsonMap {
  const metadata = { name, namespace, labels: { app: 'hostile', tier: 'web' }, annotations: { note: 'fixture' } };
  const container = {
    name: 'main',
    image: 'registry.example/app:1',
    args: ['--port', '8080'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [{ name: 'MODE', value: 'test' }],
    resources: { limits: { cpu: '100m', memory: '64Mi' } },
    imagePullPolicy: 'IfNotPresent',
  };
  switch (kind) {
    case 'ConfigMap':
      return { apiVersion: 'v1', kind, metadata, data: { key: 'value', 'other.key': 'x' } };
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'hostile' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: { metadata: { labels: { app: 'hostile' } }, spec: { containers: [container], restartPolicy: 'Always' } },
        },
      };
    case 'Service':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        spec: { type: 'ClusterIP', selector: { app: 'hostile' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      };
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata, spec: { containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 5 } };
  }
}

/** Text that is certainly not one JSON document, derived from valid JSON `text`. */
export function brokenJson(text: string, random: Random): string[] {
  const cut = (at: number): string => text.slice(0, Math.max(1, Math.min(text.length - 1, at)));
  const quote = text.indexOf('"', 2);
  return [
    cut(random.int(text.length)),
    cut(random.int(text.length)),
    cut(random.int(text.length)),
    cut(text.length - 1),
    `${text}x`,
    `${text}}`,
    `${text},`,
    `${text}{}`,
    `x${text}`,
    `${text.slice(0, -1)},}`,
    text.replaceAll('"', "'"),
    text.replace(/"(\w+)":/, '$1:'),
    text.replace(/:\s*"[^"]*"/, ': NaN'),
    text.replace(/:\s*"[^"]*"/, ': undefined'),
    text.replace(/:\s*"[^"]*"/, ': "unterminated'),
    text.replace(/:\s*"[^"]*"/, ': "bad \\q escape"'),
    text.replace(/:\s*"[^"]*"/, ': "raw\nnewline"'),
    `/* comment */${text}`,
    `${text.slice(0, quote)}\u0000${text.slice(quote)}`,
    text.replace('{', '['),
    text.replace(/,/, ',,'),
    ' ',
  ];
}

/** Paths (as key lists) to every value in `value`, skipping ones whose type is legitimately loose. */
export function valuePaths(value: Json, loose: (path: string[]) => boolean, prefix: string[] = []): string[][] {
  const paths: string[][] = prefix.length > 0 && !loose(prefix) ? [prefix] : [];
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) paths.push(...valuePaths(child, loose, [...prefix, key]));
  }
  return paths;
}

/**
 * IntOrString fields, quantities and free-form maps take several JSON types, and apiVersion
 * and kind are checked elsewhere: no wrong-type mutation there.
 */
export function looselyTyped(path: string[]): boolean {
  const last = path.at(-1) ?? '';
  return ['targetPort', 'maxSurge', 'maxUnavailable', 'apiVersion', 'kind'].includes(last) || path.includes('resources');
}

/** A value of a JSON type that `current` can never be replaced with in a Kubernetes object. */
export function wrongType(current: Json, random: Random): Json {
  if (typeof current === 'string') return random.pick<Json>([123, true, {}, ['x'], 4.5]);
  if (typeof current === 'number') return random.pick<Json>(['x', '12', true, {}, [1]]);
  if (typeof current === 'boolean') return random.pick<Json>(['true', 1, {}, []]);
  if (Array.isArray(current)) return random.pick<Json>(['x', 7, { a: 'b' }, true]);
  if (current !== null) return random.pick<Json>(['x', 7, ['a'], true]);
  return 'x';
}

/** A deep copy of `body` with the value at `path` replaced. */
export function withValue(body: JsonMap, path: string[], value: Json): JsonMap {
  const copy = structuredClone(body);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return copy;
    node = Array.isArray(node) ? (node[Number(key)] ?? null) : (node[key] ?? null);
  }
  const last = path.at(-1);
  if (node !== null && typeof node === 'object' && last !== undefined) {
    if (Array.isArray(node)) node[Number(last)] = value;
    else node[last] = value;
  }
  return copy;
}

/** `depth` nested arrays around a value. */
export function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** `depth` nested objects `{"a":{"a":…}}`. */
export function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A YAML block mapping nested `depth` levels by indentation (no brackets to count). */
export function nestedYamlBlocks(depth: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: deep-yaml', 'data:'];
  for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(i + 1)}k${i}:`);
  lines.push(`${' '.repeat(depth + 1)}leaf`);
  return `${lines.join('\n')}\n`;
}

// Protobuf wire encoding, by hand, so that every byte of a malformed body is chosen.

export function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export function lengthField(field: number, bytes: readonly number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

export function stringField(field: number, text: string): number[] {
  return lengthField(field, [...Buffer.from(text, 'utf8')]);
}

export const protobufMagic = [0x6b, 0x38, 0x73, 0x00];

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding?, contentType?}. */
export function protobufEnvelope(apiVersion: string, kind: string, raw: readonly number[], extra: number[] = []): Uint8Array {
  const typeMeta = [...stringField(1, apiVersion), ...stringField(2, kind)];
  return Uint8Array.from([...protobufMagic, ...lengthField(1, typeMeta), ...lengthField(2, raw), ...extra]);
}

/** A ConfigMap's generated.proto encoding: metadata{name, namespace}, data{k: v}. */
export function protobufConfigMap(name: string, namespace: string): number[] {
  const metadata = [...stringField(1, name), ...stringField(3, namespace)];
  const entry = [...stringField(1, 'k'), ...stringField(2, 'v')];
  return [...lengthField(1, metadata), ...lengthField(2, entry)];
}
