/** Small Deployment-shaped type definitions for the apply tests. */
import { bool, field, int32, listOf, mapOf, ref, str, struct, typeMeta, type TypeDef } from '../../api/schema/model.ts';
import type { JsonObject } from '../objects.ts';
import type { Resolver } from './shape.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const defs: TypeDef[] = [
  struct(
    'test.Deployment',
    'A deployment.',
    {
      ...typeMeta(),
      metadata: field(1, ref(META), 'Metadata.'),
      spec: field(2, ref('test.DeploymentSpec'), 'Spec.'),
      status: field(3, ref('test.DeploymentStatus'), 'Status.'),
    },
    { gvk: { group: 'apps', version: 'v1', kind: 'Deployment' } },
  ),
  struct('test.DeploymentSpec', 'Spec.', {
    replicas: field(1, int32, 'Replicas.'),
    paused: field(7, bool, 'Paused.'),
    selector: field(2, ref('test.LabelSelector'), 'Selector.'),
    template: field(3, ref('test.PodTemplateSpec'), 'Template.'),
    strategy: field(4, ref('test.Strategy'), 'Strategy.'),
  }),
  struct('test.DeploymentStatus', 'Status.', { replicas: field(2, int32, 'Replicas.') }),
  struct('test.Strategy', 'Strategy.', { type: field(1, str, 'Type.'), rollingUpdate: field(2, ref('test.RollingUpdate'), 'Rolling update.') }),
  struct('test.RollingUpdate', 'Rolling update.', { maxSurge: field(2, str, 'Surge.'), maxUnavailable: field(1, str, 'Unavailable.') }),
  struct(
    'test.LabelSelector',
    'Selector.',
    { matchLabels: field(1, mapOf(str), 'Labels.') },
    { mapType: 'atomic' },
  ),
  struct('test.PodTemplateSpec', 'Template.', {
    metadata: field(1, ref(META), 'Metadata.'),
    spec: field(2, ref('test.PodSpec'), 'Spec.'),
  }),
  struct('test.PodSpec', 'Pod spec.', {
    containers: field(2, listOf(ref('test.Container'), { listType: 'map', mapKeys: ['name'], mergeKey: 'name' }), 'Containers.'),
    nodeSelector: field(7, mapOf(str), 'Node selector.'),
    tolerations: field(22, listOf(ref('test.Toleration')), 'Tolerations (atomic).'),
  }),
  struct('test.Toleration', 'Toleration.', { key: field(1, str, 'Key.') }),
  struct('test.Container', 'Container.', {
    name: field(1, str, 'Name.'),
    image: field(2, str, 'Image.'),
    args: field(4, listOf(str, { listType: 'atomic' }), 'Args.'),
    ports: field(6, listOf(ref('test.ContainerPort'), { listType: 'map', mapKeys: ['containerPort', 'protocol'], mergeKey: 'containerPort' }), 'Ports.'),
    env: field(7, listOf(ref('test.EnvVar'), { mergeKey: 'name', strategy: 'merge' }), 'Env, keyed by merge key only.'),
  }),
  struct('test.ContainerPort', 'Port.', {
    name: field(1, str, 'Name.'),
    containerPort: field(3, int32, 'Port.'),
    protocol: field(4, str, 'Protocol.', { default: 'TCP' }),
  }),
  struct('test.EnvVar', 'Env var.', { name: field(1, str, 'Name.'), value: field(2, str, 'Value.') }),
];

const byName = new Map(defs.map((d) => [d.name, d]));

/** Resolves only the fixture types (ObjectMeta falls back to the built-in apply shape). */
export const resolveFixture: Resolver = (name) => byName.get(name);

export const deploymentDef = byName.get('test.Deployment') as TypeDef;

/** A Deployment apply configuration with the given spec. */
export function deployment(spec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...metadata }, spec };
}
