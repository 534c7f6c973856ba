/**
 * The meta/v1 types every kind shares (object and list metadata, owner
 * references, selectors, conditions, Status and DeleteOptions).
 */
import {
  bool,
  field,
  int32,
  int64,
  listOf,
  mapOf,
  raw,
  ref,
  str,
  struct,
  time,
  typeMeta,
  type TypeDef,
} from '../model.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The OpenAPI name of a meta/v1 type, e.g. metaName('ObjectMeta'). */
export function metaName(type: string): string {
  return `${META}.${type}`;
}

const objectMeta = struct(metaName('ObjectMeta'), 'Metadata that every persisted object carries.', {
  name: field(1, str, 'Name of the object, unique within its namespace.'),
  generateName: field(2, str, 'Prefix the server uses to generate a unique name when name is empty.'),
  namespace: field(3, str, 'Namespace the object lives in; empty for cluster-scoped objects.'),
  selfLink: field(4, str, 'Deprecated URL of the object; no longer filled in.'),
  uid: field(5, str, 'Unique identifier the server assigns at creation.'),
  resourceVersion: field(6, str, 'Opaque version used for optimistic concurrency and watches.'),
  generation: field(7, int64, 'Sequence number of the desired state, bumped by spec changes.'),
  creationTimestamp: field(8, time, 'When the server created the object.'),
  deletionTimestamp: field(9, time, 'When graceful deletion of the object was requested to finish.'),
  deletionGracePeriodSeconds: field(10, int64, 'Seconds the object is given to terminate gracefully.'),
  labels: field(11, mapOf(str), 'Key/value pairs used to organise and select objects.'),
  annotations: field(12, mapOf(str), 'Free-form key/value data kept by tools and controllers.'),
  ownerReferences: field(
    13,
    listOf(ref(metaName('OwnerReference')), {
      listType: 'map',
      mapKeys: ['uid'],
      mergeKey: 'uid',
      strategy: 'merge',
    }),
    'Objects this one depends on; the garbage collector removes it when they go.',
  ),
  finalizers: field(
    14,
    listOf(str, { listType: 'set', strategy: 'merge' }),
    'Keys that must be cleared before the object is finally deleted.',
  ),
  managedFields: field(
    17,
    listOf(ref(metaName('ManagedFieldsEntry')), { listType: 'atomic' }),
    'Which manager owns which fields, as recorded by server-side apply.',
  ),
});

const listMeta = struct(metaName('ListMeta'), 'Metadata of a list response.', {
  selfLink: field(1, str, 'Deprecated URL of the list; no longer filled in.'),
  resourceVersion: field(2, str, 'Version of the collection the list was read at.'),
  continue: field(3, str, 'Token to fetch the next page, when the list was limited.'),
  remainingItemCount: field(4, int64, 'Estimated number of items after this page.'),
});

const ownerReference = struct(
  metaName('OwnerReference'),
  'Points at an object that owns this one.',
  {
    apiVersion: field(5, str, 'API version of the owner.', { required: true }),
    kind: field(1, str, 'Kind of the owner.', { required: true }),
    name: field(3, str, 'Name of the owner.', { required: true }),
    uid: field(4, str, 'UID of the owner.', { required: true }),
    controller: field(6, bool, 'True when the owner is the managing controller.'),
    blockOwnerDeletion: field(7, bool, 'When true, the owner cannot be removed in the foreground before this object.'),
  },
  { mapType: 'atomic' },
);

const managedFieldsEntry = struct(metaName('ManagedFieldsEntry'), 'The set of fields one manager owns.', {
  manager: field(1, str, 'Name of the workflow that manages these fields.'),
  operation: field(2, str, 'Operation that produced the entry: Apply or Update.'),
  apiVersion: field(3, str, 'API version the field set is expressed in.'),
  time: field(4, time, 'When the entry last changed.'),
  fieldsType: field(6, str, 'Format of fieldsV1; only FieldsV1 exists.'),
  fieldsV1: field(7, raw, 'The owned fields, encoded as a field-set tree.'),
  subresource: field(8, str, 'Subresource the fields were written through, if any.'),
});

const labelSelector = struct(
  metaName('LabelSelector'),
  'A label query; all its terms must match.',
  {
    matchLabels: field(1, mapOf(str), 'Labels that must be present with exactly these values.'),
    matchExpressions: field(
      2,
      listOf(ref(metaName('LabelSelectorRequirement')), { listType: 'atomic' }),
      'Set-based requirements on labels.',
    ),
  },
  { mapType: 'atomic' },
);

const labelSelectorRequirement = struct(
  metaName('LabelSelectorRequirement'),
  'One set-based condition on a label key.',
  {
    key: field(1, str, 'Label key the condition applies to.', { required: true }),
    operator: field(2, str, 'Relation of the key to the values: In, NotIn, Exists or DoesNotExist.', {
      required: true,
    }),
    values: field(3, listOf(str, { listType: 'atomic' }), 'Values to compare with; empty for Exists and DoesNotExist.'),
  },
);

const condition = struct(metaName('Condition'), 'One aspect of the current state of an object.', {
  type: field(1, str, 'Kind of condition, in CamelCase.', { required: true }),
  status: field(2, str, 'Whether the condition holds.', { required: true }),
  observedGeneration: field(3, int64, 'Generation of the object the condition was computed from.'),
  lastTransitionTime: field(4, time, 'When the status last changed.', { required: true }),
  reason: field(5, str, 'Machine-readable reason for the last transition.', { required: true }),
  message: field(6, str, 'Human-readable detail on the last transition.', { required: true }),
});

const status = struct(
  metaName('Status'),
  'Outcome of a call that does not return an object, mostly errors.',
  {
    ...typeMeta(),
    metadata: field(1, ref(metaName('ListMeta')), 'Standard list metadata.'),
    status: field(2, str, 'Success or Failure.'),
    message: field(3, str, 'Human-readable description of the outcome.'),
    reason: field(4, str, 'Machine-readable reason for a failure.'),
    details: field(5, ref(metaName('StatusDetails')), 'Extra data tied to the reason.'),
    code: field(6, int32, 'HTTP status code of the outcome.'),
  },
  { gvk: { group: '', version: 'v1', kind: 'Status' } },
);

const statusDetails = struct(metaName('StatusDetails'), 'Extra data on a failed call.', {
  name: field(1, str, 'Name of the resource the failure concerns.'),
  group: field(2, str, 'API group of the resource.'),
  kind: field(3, str, 'Kind of the resource.'),
  uid: field(6, str, 'UID of the resource.'),
  causes: field(4, listOf(ref(metaName('StatusCause')), { listType: 'atomic' }), 'Individual causes of the failure.'),
  retryAfterSeconds: field(5, int32, 'Seconds the client should wait before retrying.'),
});

const statusCause = struct(metaName('StatusCause'), 'One cause of a failure, possibly tied to a field.', {
  reason: field(1, str, 'Machine-readable description of the cause.'),
  message: field(2, str, 'Human-readable description of the cause.'),
  field: field(3, str, 'Path of the field that caused the failure, if any.'),
});

const deleteOptions = struct(
  metaName('DeleteOptions'),
  'Options of a delete request.',
  {
    ...typeMeta(),
    gracePeriodSeconds: field(1, int64, 'Seconds to wait before the object is deleted; zero means now.'),
    preconditions: field(2, ref(metaName('Preconditions')), 'Conditions that must hold for the delete to proceed.'),
    orphanDependents: field(3, bool, 'Deprecated: whether dependents are orphaned; use propagationPolicy.'),
    propagationPolicy: field(4, str, 'How dependents are garbage collected: Orphan, Background or Foreground.'),
    dryRun: field(5, listOf(str, { listType: 'atomic' }), 'When set to All, the delete is checked but not persisted.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: field(
      6,
      bool,
      'Deletes an object that cannot be read from storage, bypassing finalizers and checks.',
    ),
  },
  { gvk: { group: '', version: 'v1', kind: 'DeleteOptions' } },
);

const preconditions = struct(metaName('Preconditions'), 'Conditions checked before an operation.', {
  uid: field(1, str, 'The object must have this UID.'),
  resourceVersion: field(2, str, 'The object must be at this resource version.'),
});

export const metaDefinitions: TypeDef[] = [
  objectMeta,
  listMeta,
  ownerReference,
  managedFieldsEntry,
  labelSelector,
  labelSelectorRequirement,
  condition,
  status,
  statusDetails,
  statusCause,
  deleteOptions,
  preconditions,
];
