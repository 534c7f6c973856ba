/**
 * Test support: a protobuf encoder for hand-built bodies (protobufjs Writer) and a
 * small set of definitions with the generated.proto field numbers of the kinds the
 * tests send, so decoding is checked independently of the full registry.
 */
import protobuf from 'protobufjs/minimal.js';
import {
  bool,
  bytes,
  double,
  field,
  int32,
  int64,
  intOrString,
  listOf,
  mapOf,
  microTime,
  quantity,
  raw,
  ref,
  str,
  struct,
  time,
  type TypeDef,
  typeMeta,
} from '../../api/schema/model.ts';
import type { Definitions } from './decode.ts';

// ---- encoding ----

export type Part = Uint8Array;

function tag(number: number, wire: number): protobuf.Writer {
  return protobuf.Writer.create().uint32((number << 3) | wire);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A string field. */
export const s = (number: number, text: string): Part => tag(number, 2).string(text).finish();
/** A varint field (int32, int64). */
export const v = (number: number, value: number): Part => tag(number, 0).int64(value).finish();
export const b = (number: number, value: boolean): Part => tag(number, 0).bool(value).finish();
export const d = (number: number, value: number): Part => tag(number, 1).double(value).finish();
export const by = (number: number, value: Uint8Array): Part => tag(number, 2).bytes(value).finish();
/** An embedded message field. */
export const m = (number: number, ...fields: Part[]): Part => by(number, concat(...fields));
/** A map entry of a map field with string values. */
export const e = (number: number, key: string, value: string): Part => m(number, s(1, key), s(2, value));

/** The full `k8s\0` + runtime.Unknown body, as Go writes it (empty encoding and content type included). */
export function envelope(apiVersion: string, kind: string, object: Uint8Array): Uint8Array {
  return concat(new Uint8Array([0x6b, 0x38, 0x73, 0]), m(1, s(1, apiVersion), s(2, kind)), by(2, object), s(3, ''), s(4, ''));
}

// ---- definitions (field numbers as in Kubernetes generated.proto) ----

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const meta = (n: string) => ref(`${META}.${n}`);
const core = (n: string) => ref(`${CORE}.${n}`);
const objectMeta = field(1, meta('ObjectMeta'), 'metadata');
const kind = (group: string, version: string, k: string) => ({ gvk: { group, version, kind: k } });

export const fixtureDefinitions: TypeDef[] = [
  struct(`${META}.ObjectMeta`, 'metadata', {
    name: field(1, str, ''),
    generateName: field(2, str, ''),
    namespace: field(3, str, ''),
    uid: field(5, str, ''),
    resourceVersion: field(6, str, ''),
    generation: field(7, int64, ''),
    creationTimestamp: field(8, time, ''),
    deletionTimestamp: field(9, time, ''),
    labels: field(11, mapOf(str), ''),
    annotations: field(12, mapOf(str), ''),
    finalizers: field(14, listOf(str), ''),
    managedFields: field(17, listOf(meta('ManagedFieldsEntry')), ''),
  }),
  struct(`${META}.ManagedFieldsEntry`, 'entry', {
    manager: field(1, str, ''),
    operation: field(2, str, ''),
    apiVersion: field(3, str, ''),
    time: field(4, time, ''),
    fieldsType: field(6, str, ''),
    fieldsV1: field(7, meta('FieldsV1'), ''),
  }),
  struct(`${META}.LabelSelector`, 'selector', { matchLabels: field(1, mapOf(str), '') }),
  struct(
    'io.k8s.api.apps.v1.Deployment',
    'd',
    {
      ...typeMeta(),
      metadata: objectMeta,
      spec: field(2, ref('io.k8s.api.apps.v1.DeploymentSpec'), ''),
      status: field(3, ref('io.k8s.api.apps.v1.DeploymentStatus'), ''),
    },
    kind('apps', 'v1', 'Deployment'),
  ),
  struct('io.k8s.api.apps.v1.DeploymentSpec', 'ds', {
    replicas: field(1, int32, ''),
    selector: field(2, meta('LabelSelector'), ''),
    template: field(3, core('PodTemplateSpec'), ''),
    strategy: field(4, ref('io.k8s.api.apps.v1.DeploymentStrategy'), ''),
    paused: field(7, bool, ''),
  }),
  struct('io.k8s.api.apps.v1.DeploymentStrategy', 'st', { type: field(1, str, '') }),
  struct('io.k8s.api.apps.v1.DeploymentStatus', 'st', { observedGeneration: field(1, int64, ''), replicas: field(2, int32, '') }),
  struct(`${CORE}.PodTemplateSpec`, 't', { metadata: objectMeta, spec: field(2, core('PodSpec'), '') }),
  struct(`${CORE}.PodSpec`, 'p', {
    containers: field(2, listOf(core('Container')), ''),
    restartPolicy: field(3, str, ''),
    terminationGracePeriodSeconds: field(4, int64, ''),
    dnsPolicy: field(6, str, ''),
    nodeSelector: field(7, mapOf(str), ''),
    hostNetwork: field(11, bool, ''),
  }),
  struct(`${CORE}.Container`, 'c', {
    name: field(1, str, ''),
    image: field(2, str, ''),
    command: field(3, listOf(str), ''),
    ports: field(6, listOf(core('ContainerPort')), ''),
    resources: field(8, core('ResourceRequirements'), ''),
    terminationMessagePath: field(13, str, ''),
    imagePullPolicy: field(14, str, ''),
  }),
  struct(`${CORE}.ContainerPort`, 'cp', { name: field(1, str, ''), hostPort: field(2, int32, ''), containerPort: field(3, int32, ''), protocol: field(4, str, '') }),
  struct(`${CORE}.ResourceRequirements`, 'rr', { limits: field(1, mapOf(quantity), ''), requests: field(2, mapOf(quantity), '') }),
  struct(`${CORE}.ConfigMap`, 'cm', { ...typeMeta(), metadata: objectMeta, data: field(2, mapOf(str), ''), binaryData: field(3, mapOf(bytes), ''), immutable: field(4, bool, '') }, kind('', 'v1', 'ConfigMap')),
  struct(`${CORE}.Secret`, 'sec', { ...typeMeta(), metadata: objectMeta, data: field(2, mapOf(bytes), ''), type: field(3, str, ''), stringData: field(4, mapOf(str), '') }, kind('', 'v1', 'Secret')),
  struct(`${CORE}.Namespace`, 'ns', { ...typeMeta(), metadata: objectMeta, spec: field(2, core('NamespaceSpec'), ''), status: field(3, core('NamespaceStatus'), '') }, kind('', 'v1', 'Namespace')),
  struct(`${CORE}.NamespaceSpec`, 'nss', { finalizers: field(1, listOf(str), '') }),
  struct(`${CORE}.NamespaceStatus`, 'nst', { phase: field(1, str, '') }),
  struct(`${CORE}.Service`, 'svc', { ...typeMeta(), metadata: objectMeta, spec: field(2, core('ServiceSpec'), '') }, kind('', 'v1', 'Service')),
  struct(`${CORE}.ServiceSpec`, 'svcs', {
    ports: field(1, listOf(core('ServicePort')), ''),
    selector: field(2, mapOf(str), ''),
    clusterIP: field(3, str, ''),
    type: field(4, str, ''),
  }),
  struct(`${CORE}.ServicePort`, 'sp', { name: field(1, str, ''), protocol: field(2, str, ''), port: field(3, int32, ''), targetPort: field(4, intOrString, ''), nodePort: field(5, int32, '') }),
  struct('io.k8s.api.batch.v1.Job', 'job', { ...typeMeta(), metadata: objectMeta, spec: field(2, ref('io.k8s.api.batch.v1.JobSpec'), '') }, kind('batch', 'v1', 'Job')),
  struct('io.k8s.api.batch.v1.JobSpec', 'js', {
    parallelism: field(1, int32, ''),
    completions: field(2, int32, ''),
    template: field(6, core('PodTemplateSpec'), ''),
    backoffLimit: field(7, int32, ''),
    suspend: field(10, bool, '', { default: true }),
  }),
  struct('io.k8s.api.apps.v1.ControllerRevision', 'cr', { ...typeMeta(), metadata: objectMeta, data: field(2, raw, ''), revision: field(3, int64, '') }, kind('apps', 'v1', 'ControllerRevision')),
  struct(
    'io.k8s.api.example.v1.Node',
    'a self-nesting type for depth tests',
    {
      child: field(1, ref('io.k8s.api.example.v1.Node'), ''),
      weight: field(2, int32, ''),
      ratio: field(3, double, ''),
      seen: field(4, microTime, ''),
      weights: field(5, listOf(int32), ''),
    },
    kind('example.k8s.io', 'v1', 'Node'),
  ),
];

export function definitionsOf(defs: readonly TypeDef[]): Definitions {
  const byName = new Map(defs.map((def) => [def.name, def]));
  return {
    definitionNamed: (name) => byName.get(name),
    kindDefinition: (group, version, k) => defs.find((def) => def.gvk?.group === group && def.gvk.version === version && def.gvk.kind === k),
  };
}

export const fixtures: Definitions = definitionsOf(fixtureDefinitions);
