/** ObjectMeta rules shared by every kind: names, namespace, labels, annotations, finalizers, owners. */
import type { ObjectMeta } from '../../apiserver/objects.ts';
import { asObject, asString, forbidden, invalidEach, invalidValue, objectsOf, required, tooLong, type Causes } from './field.ts';
import { dns1035Label, dns1123Label, dns1123Subdomain, labelValue, pathSegmentName, qualifiedName } from './syntax.ts';

export type NameCheck = (name: string) => string[];

const annotationBytesLimit = 256 * 1024;

/** Which name syntax each kind uses; DNS-1123 subdomain unless listed. */
export function nameCheckFor(kind: string): NameCheck {
  switch (kind) {
    case 'Namespace':
      return dns1123Label;
    case 'Service':
      return dns1035Label;
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
    case 'HorizontalPodAutoscaler':
      return pathSegmentName;
    default:
      return dns1123Subdomain;
  }
}

/** Label map syntax: qualified-name keys, label-syntax values. */
export function validateLabels(labels: unknown, field: string): Causes {
  const causes: Causes = [];
  for (const [key, value] of Object.entries(asObject(labels) ?? {})) {
    causes.push(...invalidEach(field, key, qualifiedName(key)));
    if (typeof value !== 'string') causes.push(invalidValue(field, value, 'label values must be strings'));
    else causes.push(...invalidEach(field, value, labelValue(value)));
  }
  return causes;
}

/** Annotation keys are qualified names (case-insensitive); the whole map is capped at 256 KiB. */
export function validateAnnotations(annotations: unknown, field: string): Causes {
  const causes: Causes = [];
  let size = 0;
  for (const [key, value] of Object.entries(asObject(annotations) ?? {})) {
    causes.push(...invalidEach(field, key, qualifiedName(key.toLowerCase())));
    size += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : '');
  }
  if (size > annotationBytesLimit) causes.push(tooLong(field, annotationBytesLimit));
  return causes;
}

function validateFinalizers(finalizers: unknown, field: string): Causes {
  const causes: Causes = [];
  const list = Array.isArray(finalizers) ? finalizers : [];
  list.forEach((f, i) => {
    if (typeof f !== 'string') causes.push(invalidValue(`${field}[${i}]`, f, 'finalizers must be strings'));
    else causes.push(...invalidEach(field, f, qualifiedName(f)));
  });
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    causes.push(invalidValue(field, list, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return causes;
}

function validateOwnerReferences(refs: unknown, field: string): Causes {
  const causes: Causes = [];
  const controllers: string[] = [];
  for (const [, ref] of objectsOf(refs)) {
    const apiVersion = asString(ref.apiVersion) ?? '';
    if (apiVersion === '' || apiVersion.split('/').length > 2) causes.push(invalidValue(`${field}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!asString(ref.kind)) causes.push(invalidValue(`${field}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!asString(ref.name)) causes.push(invalidValue(`${field}.name`, ref.name ?? '', 'name must not be empty'));
    if (!asString(ref.uid)) causes.push(invalidValue(`${field}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) controllers.push(`${asString(ref.kind) ?? ''}/${asString(ref.name) ?? ''}`);
  }
  if (controllers.length > 1) {
    causes.push(invalidValue(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return causes;
}

/** All metadata checks for an object of a kind with the given scope and name syntax. */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, checkName: NameCheck): Causes {
  const causes: Causes = [];
  const name = meta.name ?? '';
  if (meta.generateName) {
    // A prefix may end in '-': check it as if a suffix followed.
    const prefix = meta.generateName.endsWith('-') ? `${meta.generateName.slice(0, -1)}a` : meta.generateName;
    causes.push(...invalidEach('metadata.generateName', meta.generateName, checkName(prefix)));
  }
  if (name === '') causes.push(required('metadata.name', 'name or generateName is required'));
  else causes.push(...invalidEach('metadata.name', name, checkName(name)));
  const ns = meta.namespace ?? '';
  if (namespaced) {
    if (ns === '') causes.push(required('metadata.namespace'));
    else causes.push(...invalidEach('metadata.namespace', ns, dns1123Label(ns)));
  } else if (ns !== '') {
    causes.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    causes.push(invalidValue('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  causes.push(...validateLabels(meta.labels, 'metadata.labels'));
  causes.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  causes.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  causes.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  return causes;
}
