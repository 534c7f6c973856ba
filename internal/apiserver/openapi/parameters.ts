/** The request parameters of API operations, as Kubernetes documents them. */

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  type: 'string' | 'integer' | 'boolean';
  required?: boolean;
}

function query(name: string, type: Parameter['type'], description: string): Parameter {
  return { name, in: 'query', type, description };
}

export const pathName: Parameter = { name: 'name', in: 'path', type: 'string', required: true, description: 'Name of the object.' };
export const pathNamespace: Parameter = {
  name: 'namespace',
  in: 'path',
  type: 'string',
  required: true,
  description: 'Namespace the objects belong to.',
};
export const pretty = query('pretty', 'string', 'When true, the response is indented for people to read.');

const allowWatchBookmarks = query('allowWatchBookmarks', 'boolean', 'With watch: ask for BOOKMARK events, which the server may send or not.');
const continueToken = query('continue', 'string', 'Token from a previous paged list response; resumes the list after its last item.');
const fieldSelector = query('fieldSelector', 'string', 'Restricts the result to objects whose fields match, e.g. metadata.name=web.');
const labelSelector = query('labelSelector', 'string', 'Restricts the result to objects whose labels match, e.g. app=web,tier!=db.');
const limit = query('limit', 'integer', 'Largest number of items to return; a continue token is set when more remain.');
const resourceVersion = query('resourceVersion', 'string', 'How fresh the result must be; see resourceVersionMatch.');
const resourceVersionMatch = query('resourceVersionMatch', 'string', 'Exact or NotOlderThan: how resourceVersion applies to a list.');
const sendInitialEvents = query('sendInitialEvents', 'boolean', 'With watch: start the stream with synthetic ADDED events for the current state.');
const timeoutSeconds = query('timeoutSeconds', 'integer', 'Ends the list or watch call after this many seconds.');
const watch = query('watch', 'boolean', 'Stream ADDED, MODIFIED and DELETED events instead of returning a list.');

const dryRun = query('dryRun', 'string', 'When All, every stage runs except persisting the result.');
const fieldManager = query('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.');
const fieldValidation = query(
  'fieldValidation',
  'string',
  'What to do with unknown or duplicate fields: Ignore drops them, Warn (the default) drops them with a warning, Strict rejects the request.',
);
const force = query('force', 'boolean', 'For apply patches: take ownership of fields other managers hold, instead of failing on conflict.');

const gracePeriodSeconds = query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.');
const ignoreStoreReadError = query(
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'boolean',
  'Delete objects that cannot be read from storage; may leave the cluster inconsistent.',
);
const orphanDependents = query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are left in place.');
const propagationPolicy = query('propagationPolicy', 'string', 'Orphan, Background or Foreground: how dependents are garbage collected.');

export const listParameters: readonly Parameter[] = [
  allowWatchBookmarks,
  continueToken,
  fieldSelector,
  labelSelector,
  limit,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
  watch,
];
export const writeParameters: readonly Parameter[] = [dryRun, fieldManager, fieldValidation];
export const patchParameters: readonly Parameter[] = [dryRun, fieldManager, fieldValidation, force];
export const deleteParameters: readonly Parameter[] = [
  dryRun,
  gracePeriodSeconds,
  ignoreStoreReadError,
  orphanDependents,
  propagationPolicy,
];
export const deleteCollectionParameters: readonly Parameter[] = [
  continueToken,
  dryRun,
  fieldSelector,
  gracePeriodSeconds,
  ignoreStoreReadError,
  labelSelector,
  limit,
  orphanDependents,
  propagationPolicy,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
];

/** The patch formats the API server accepts. */
export const patchContentTypes: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** What responses can be rendered as. */
export const responseContentTypes: readonly string[] = ['application/json', 'application/yaml'];
