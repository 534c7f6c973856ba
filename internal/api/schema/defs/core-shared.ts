/**
 * Naming helpers for core/v1 definitions and the small reference and
 * selector types that pods, nodes and volumes all use.
 */
import { field, int32, listOf, mapOf, quantity, ref, str, struct, typeMeta } from '../model.ts';
import type { FieldDef, TypeDef, TypeRef } from '../model.ts';
import { metaName } from './meta.ts';

const CORE = 'io.k8s.api.core.v1';

/** The OpenAPI name of a core/v1 type, e.g. coreName('Pod'). */
export function coreName(type: string): string {
  return `${CORE}.${type}`;
}

/** A reference to a core/v1 type. */
export function coreRef(type: string): TypeRef {
  return ref(coreName(type));
}

/** A reference to a meta/v1 type. */
export function metaRef(type: string): TypeRef {
  return ref(metaName(type));
}

/** Options marking a field the OpenAPI schema lists as required. */
export const required = { required: true } as const;

/** A map of resource names to quantities (requests, limits, capacity). */
export const resourceList: TypeRef = mapOf(quantity);

/** A top-level core/v1 kind: TypeMeta, metadata (proto 1), then its own fields. */
export function coreKind(kind: string, description: string, fields: Record<string, FieldDef>): TypeDef {
  return struct(
    coreName(kind),
    description,
    {
      ...typeMeta(),
      metadata: field(1, metaRef('ObjectMeta'), 'Standard object metadata.'),
      ...fields,
    },
    { gvk: { group: '', version: 'v1', kind } },
  );
}

/**
 * The fields of a Go struct embedded inline: JSON flattens them into the
 * parent, while protobuf nests them under one field of the parent, so the
 * flattened copies carry no field numbers of their own.
 */
export function inlined(def: TypeDef): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const [name, f] of Object.entries(def.fields)) {
    const { proto: _proto, ...rest } = f;
    out[name] = rest;
  }
  return out;
}

/** A struct embedded inline in another: protobuf field `proto` of `parent` carries `type`. */
export interface InlineEmbedding {
  parent: string;
  proto: number;
  type: string;
}

export const localObjectReference = struct(
  coreName('LocalObjectReference'),
  'Names an object in the same namespace.',
  { name: field(1, str, 'Name of the referenced object.', { default: '' }) },
  { mapType: 'atomic' },
);

export const objectReference = struct(
  coreName('ObjectReference'),
  'Points at an object, or a field of it, anywhere in the cluster.',
  {
    kind: field(1, str, 'Kind of the referenced object.'),
    namespace: field(2, str, 'Namespace of the referenced object.'),
    name: field(3, str, 'Name of the referenced object.'),
    uid: field(4, str, 'UID of the referenced object.'),
    apiVersion: field(5, str, 'API version of the referenced object.'),
    resourceVersion: field(6, str, 'Resource version the reference was taken at, if any.'),
    fieldPath: field(7, str, 'Path of the referenced part of the object, e.g. spec.containers{app}.'),
  },
  { mapType: 'atomic' },
);

export const typedLocalObjectReference = struct(
  coreName('TypedLocalObjectReference'),
  'Names an object of a given kind in the same namespace.',
  {
    apiGroup: field(1, str, 'API group of the object; empty for the core group.'),
    kind: field(2, str, 'Kind of the object.', required),
    name: field(3, str, 'Name of the object.', required),
  },
  { mapType: 'atomic' },
);

export const typedObjectReference = struct(
  coreName('TypedObjectReference'),
  'Names an object of a given kind, possibly in another namespace.',
  {
    apiGroup: field(1, str, 'API group of the object; empty for the core group.'),
    kind: field(2, str, 'Kind of the object.', required),
    name: field(3, str, 'Name of the object.', required),
    namespace: field(4, str, 'Namespace of the object, when it differs from the referrer.'),
  },
);

export const secretReference = struct(
  coreName('SecretReference'),
  'Names a Secret in any namespace.',
  {
    name: field(1, str, 'Name of the Secret.'),
    namespace: field(2, str, 'Namespace of the Secret.'),
  },
  { mapType: 'atomic' },
);

export const resourceRequirements = struct(coreName('ResourceRequirements'), 'Compute resources requested and capped.', {
  limits: field(1, resourceList, 'Largest amount of each resource that may be used.'),
  requests: field(2, resourceList, 'Amount of each resource reserved; defaults to the limits.'),
  claims: field(
    3,
    listOf(coreRef('ResourceClaim'), { listType: 'map', mapKeys: ['name'] }),
    'Entries of spec.resourceClaims this container uses.',
  ),
});

export const resourceClaim = struct(coreName('ResourceClaim'), 'Uses one of the pod resource claims.', {
  name: field(1, str, 'Name of an entry in pod.spec.resourceClaims.', required),
  request: field(2, str, 'Request within the claim to use; empty means the whole claim.'),
});

export const volumeResourceRequirements = struct(
  coreName('VolumeResourceRequirements'),
  'Storage resources requested for a volume.',
  {
    limits: field(1, resourceList, 'Largest amount of each resource allowed.'),
    requests: field(2, resourceList, 'Smallest amount of each resource required.'),
  },
);

export const keyToPath = struct(coreName('KeyToPath'), 'Projects one key into a file of a volume.', {
  key: field(1, str, 'Key to project.', required),
  path: field(2, str, 'Relative file path the key is written to.', required),
  mode: field(3, int32, 'Permission bits of the file.'),
});

export const objectFieldSelector = struct(
  coreName('ObjectFieldSelector'),
  'Selects a field of the pod.',
  {
    apiVersion: field(1, str, 'API version the field path is written against; defaults to v1.'),
    fieldPath: field(2, str, 'Path of the field to read.', required),
  },
  { mapType: 'atomic' },
);

export const resourceFieldSelector = struct(
  coreName('ResourceFieldSelector'),
  'Selects a resource request or limit of a container.',
  {
    containerName: field(1, str, 'Container whose resources are read; required in volumes.'),
    resource: field(2, str, 'Resource to read, e.g. limits.cpu.', required),
    divisor: field(3, quantity, 'Unit the value is expressed in; defaults to 1.'),
  },
  { mapType: 'atomic' },
);

export const nodeSelector = struct(
  coreName('NodeSelector'),
  'Matches nodes by any one of several terms.',
  {
    nodeSelectorTerms: field(
      1,
      listOf(coreRef('NodeSelectorTerm'), { listType: 'atomic' }),
      'Terms that are ORed together.',
      required,
    ),
  },
  { mapType: 'atomic' },
);

export const nodeSelectorTerm = struct(
  coreName('NodeSelectorTerm'),
  'Requirements on a node that must all hold.',
  {
    matchExpressions: field(
      1,
      listOf(coreRef('NodeSelectorRequirement'), { listType: 'atomic' }),
      'Requirements on node labels.',
    ),
    matchFields: field(2, listOf(coreRef('NodeSelectorRequirement'), { listType: 'atomic' }), 'Requirements on node fields.'),
  },
  { mapType: 'atomic' },
);

export const nodeSelectorRequirement = struct(
  coreName('NodeSelectorRequirement'),
  'One condition on a node label or field.',
  {
    key: field(1, str, 'Label or field key the condition applies to.', required),
    operator: field(2, str, 'Relation: In, NotIn, Exists, DoesNotExist, Gt or Lt.', required),
    values: field(3, listOf(str, { listType: 'atomic' }), 'Values to compare with.'),
  },
);

export const topologySelectorTerm = struct(
  coreName('TopologySelectorTerm'),
  'Label requirements on a topology domain, all of which must hold.',
  {
    matchLabelExpressions: field(
      1,
      listOf(coreRef('TopologySelectorLabelRequirement'), { listType: 'atomic' }),
      'Requirements on topology labels.',
    ),
  },
  { mapType: 'atomic' },
);

export const topologySelectorLabelRequirement = struct(
  coreName('TopologySelectorLabelRequirement'),
  'A topology label that must take one of some values.',
  {
    key: field(1, str, 'Label key.', required),
    values: field(2, listOf(str, { listType: 'atomic' }), 'Accepted values; any one matches.', required),
  },
);

export const coreSharedDefinitions: TypeDef[] = [
  localObjectReference,
  objectReference,
  typedLocalObjectReference,
  typedObjectReference,
  secretReference,
  resourceRequirements,
  resourceClaim,
  volumeResourceRequirements,
  keyToPath,
  objectFieldSelector,
  resourceFieldSelector,
  nodeSelector,
  nodeSelectorTerm,
  nodeSelectorRequirement,
  topologySelectorTerm,
  topologySelectorLabelRequirement,
];
