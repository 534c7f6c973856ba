/** core/v1 ConfigMap, Secret, Namespace, ServiceAccount, Event and Binding. */
import { bool, bytes, field, int32, listOf, mapOf, microTime, str, struct, time } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreKind, coreName, coreRef, metaRef, required } from './core-shared.ts';

export const configMap = coreKind('ConfigMap', 'Configuration data for pods.', {
  immutable: field(4, bool, 'When true, the data can no longer change.'),
  data: field(2, mapOf(str), 'UTF-8 configuration entries.'),
  binaryData: field(3, mapOf(bytes), 'Binary configuration entries, base64 in JSON.'),
});

export const secret = coreKind('Secret', 'Sensitive data for pods.', {
  immutable: field(5, bool, 'When true, the data can no longer change.'),
  data: field(2, mapOf(bytes), 'Secret entries, base64 in JSON.'),
  stringData: field(4, mapOf(str), 'Write-only plain text entries merged into data.'),
  type: field(3, str, 'Kind of secret, e.g. Opaque or kubernetes.io/tls.'),
});

export const namespace = coreKind('Namespace', 'A scope for names.', {
  spec: field(2, coreRef('NamespaceSpec'), 'Desired behaviour of the namespace.'),
  status: field(3, coreRef('NamespaceStatus'), 'Observed state of the namespace.'),
});

export const namespaceSpec = struct(coreName('NamespaceSpec'), 'Desired behaviour of a namespace.', {
  finalizers: field(1, listOf(str, { listType: 'atomic' }), 'Values that must be cleared before the namespace is removed.'),
});

export const namespaceStatus = struct(coreName('NamespaceStatus'), 'Observed state of a namespace.', {
  phase: field(1, str, 'Active or Terminating.'),
  conditions: field(
    2,
    listOf(coreRef('NamespaceCondition'), { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    'Current conditions of the namespace.',
  ),
});

export const namespaceCondition = struct(coreName('NamespaceCondition'), 'One condition of a namespace.', {
  type: field(1, str, 'Condition type.', required),
  status: field(2, str, 'True, False or Unknown.', required),
  lastTransitionTime: field(4, time, 'When the status last changed.'),
  reason: field(5, str, 'Machine-readable reason for the last change.'),
  message: field(6, str, 'Human-readable detail on the last change.'),
});

export const serviceAccount = coreKind('ServiceAccount', 'An identity for processes in pods.', {
  secrets: field(
    2,
    listOf(coreRef('ObjectReference'), { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    'Secrets pods of this account may use.',
  ),
  imagePullSecrets: field(3, listOf(coreRef('LocalObjectReference'), { listType: 'atomic' }), 'Secrets used to pull images.'),
  automountServiceAccountToken: field(4, bool, 'Whether pods get an API token mounted by default.'),
});

export const event = coreKind('Event', 'A report of something that happened to an object.', {
  metadata: field(1, metaRef('ObjectMeta'), 'Standard object metadata.', required),
  involvedObject: field(2, coreRef('ObjectReference'), 'Object the event is about.', required),
  reason: field(3, str, 'Short machine-readable reason.'),
  message: field(4, str, 'Human-readable description.'),
  source: field(5, coreRef('EventSource'), 'Component that reported the event.'),
  firstTimestamp: field(6, time, 'When the event was first recorded.'),
  lastTimestamp: field(7, time, 'When the event was last recorded.'),
  count: field(8, int32, 'How many times the event occurred.'),
  type: field(9, str, 'Normal or Warning.'),
  eventTime: field(10, microTime, 'When the event was first observed.'),
  series: field(11, coreRef('EventSeries'), 'Series data, for repeated events.'),
  action: field(12, str, 'Action taken or failed.'),
  related: field(13, coreRef('ObjectReference'), 'Secondary object of the event.'),
  reportingComponent: field(14, str, 'Controller that emitted the event.'),
  reportingInstance: field(15, str, 'Instance of the controller that emitted the event.'),
});

export const eventSource = struct(coreName('EventSource'), 'The reporter of an event.', {
  component: field(1, str, 'Component that generated the event.'),
  host: field(2, str, 'Node the event was generated on.'),
});

export const eventSeries = struct(coreName('EventSeries'), 'A series of repeated events.', {
  count: field(1, int32, 'Occurrences so far.'),
  lastObservedTime: field(2, microTime, 'When the last occurrence was seen.'),
});

export const binding = coreKind('Binding', 'Binds an object to another, e.g. a pod to a node.', {
  target: field(2, coreRef('ObjectReference'), 'Object to bind to.', required),
});

export const coreConfigDefinitions: TypeDef[] = [
  configMap,
  secret,
  namespace,
  namespaceSpec,
  namespaceStatus,
  namespaceCondition,
  serviceAccount,
  event,
  eventSource,
  eventSeries,
  binding,
];
