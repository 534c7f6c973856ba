/** The scale subresource: an autoscaling/v1 Scale view of a workload's replicas. */
import { isPlainObject, type KubeObject } from './objects.ts';
import { badRequest, conflict, invalid } from './status.ts';
import { selectorString } from './table/format.ts';

/** The Scale of `object` (a Deployment, ReplicaSet or StatefulSet). */
export function scaleOf(object: KubeObject): KubeObject {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  const meta = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: selectorString(spec.selector) ?? '' },
  };
}

/** Applies a Scale's spec.replicas to `object`; a stale resourceVersion in the Scale is a conflict. */
export function applyScale(object: KubeObject, scale: unknown, plural: string, group: string): KubeObject {
  if (!isPlainObject(scale)) throw badRequest('the body must be a Scale object');
  if (scale.kind !== undefined && scale.kind !== 'Scale') throw badRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  if (scale.apiVersion !== undefined && scale.apiVersion !== 'autoscaling/v1') {
    throw badRequest(`the API version in the data (${String(scale.apiVersion)}) does not match the expected API version (autoscaling/v1)`);
  }
  if (scale.spec !== undefined && scale.spec !== null && !isPlainObject(scale.spec)) throw badRequest('spec of a Scale must be an object');
  const spec = isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas)) throw badRequest('spec.replicas of a Scale must be an integer');
  if (replicas < 0) {
    throw invalid('Scale', 'autoscaling', object.metadata.name ?? '', [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
  }
  const meta = isPlainObject(scale.metadata) ? scale.metadata : {};
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '' && meta.resourceVersion !== object.metadata.resourceVersion) {
    throw conflict(plural, group, object.metadata.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
  }
  const objectSpec = isPlainObject(object.spec) ? object.spec : {};
  object.spec = { ...objectSpec, replicas };
  return object;
}
