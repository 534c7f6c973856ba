/**
 * A small Deployment-shaped type model for the patch tests, with the same patch strategies
 * as the real types, so the tests do not depend on the full definitions.
 */
import { field, intOrString, int32, listOf, mapOf, ref, str, struct } from '../../api/schema/model.ts';
import type { TypeDef } from '../../api/schema/model.ts';

const defs: TypeDef[] = [
  struct('test.Deployment', 'A deployment.', {
    apiVersion: field(undefined, str, 'API version.'),
    kind: field(undefined, str, 'Kind.'),
    metadata: field(1, ref('test.ObjectMeta'), 'Metadata.'),
    spec: field(2, ref('test.DeploymentSpec'), 'Spec.'),
  }),
  struct('test.ObjectMeta', 'Metadata.', {
    name: field(1, str, 'Name.'),
    labels: field(11, mapOf(str), 'Labels.'),
    annotations: field(12, mapOf(str), 'Annotations.'),
    finalizers: field(14, listOf(str, { strategy: 'merge', listType: 'set' }), 'Finalizers.'),
  }),
  struct('test.DeploymentSpec', 'Spec.', {
    replicas: field(1, int32, 'Replicas.'),
    template: field(3, ref('test.PodTemplateSpec'), 'Template.'),
    strategy: field(4, ref('test.DeploymentStrategy'), 'Strategy.', { strategy: 'retainKeys' }),
  }),
  struct('test.DeploymentStrategy', 'Strategy.', {
    type: field(1, str, 'Type.'),
    rollingUpdate: field(2, ref('test.RollingUpdate'), 'Rolling update.'),
  }),
  struct('test.RollingUpdate', 'Rolling update.', {
    maxUnavailable: field(1, intOrString, 'Max unavailable.'),
    maxSurge: field(2, intOrString, 'Max surge.'),
  }),
  struct('test.PodTemplateSpec', 'Template.', {
    metadata: field(1, ref('test.ObjectMeta'), 'Metadata.'),
    spec: field(2, ref('test.PodSpec'), 'Spec.'),
  }),
  struct('test.PodSpec', 'Pod spec.', {
    containers: field(2, listOf(ref('test.Container'), { mergeKey: 'name', strategy: 'merge', listType: 'map', mapKeys: ['name'] }), 'Containers.'),
    volumes: field(1, listOf(ref('test.Volume'), { mergeKey: 'name', strategy: 'merge,retainKeys', listType: 'map', mapKeys: ['name'] }), 'Volumes.'),
    tolerations: field(22, listOf(ref('test.Toleration'), { listType: 'atomic' }), 'Tolerations.'),
    nodeSelector: field(7, mapOf(str), 'Node selector.'),
  }),
  struct('test.Container', 'Container.', {
    name: field(1, str, 'Name.'),
    image: field(2, str, 'Image.'),
    args: field(4, listOf(str, { listType: 'atomic' }), 'Args.'),
    ports: field(6, listOf(ref('test.ContainerPort'), { mergeKey: 'containerPort', strategy: 'merge', listType: 'map', mapKeys: ['containerPort', 'protocol'] }), 'Ports.'),
    env: field(7, listOf(ref('test.EnvVar'), { mergeKey: 'name', strategy: 'merge', listType: 'map', mapKeys: ['name'] }), 'Env.'),
  }),
  struct('test.ContainerPort', 'Port.', {
    name: field(1, str, 'Name.'),
    containerPort: field(3, int32, 'Port.'),
    protocol: field(4, str, 'Protocol.'),
  }),
  struct('test.EnvVar', 'Env var.', { name: field(1, str, 'Name.'), value: field(2, str, 'Value.') }),
  struct('test.Toleration', 'Toleration.', { key: field(1, str, 'Key.'), effect: field(4, str, 'Effect.') }),
  struct('test.Volume', 'Volume.', {
    name: field(1, str, 'Name.'),
    emptyDir: field(2, ref('test.EmptyDir'), 'Empty dir.'),
    configMap: field(19, ref('test.ConfigMapVolume'), 'Config map.'),
  }),
  struct('test.EmptyDir', 'Empty dir.', { medium: field(1, str, 'Medium.') }),
  struct('test.ConfigMapVolume', 'Config map volume.', { name: field(1, str, 'Name.'), defaultMode: field(3, int32, 'Mode.') }),
];

const byName = new Map(defs.map((def) => [def.name, def]));

/** Lookup over the fixture types only. */
export function fixtureLookup(name: string): TypeDef | undefined {
  return byName.get(name);
}

/** A fixture type by name; throws for a name the fixture does not define. */
export function fixtureDef(name: string): TypeDef {
  const def = byName.get(name);
  if (def === undefined) throw new Error(`no fixture type ${name}`);
  return def;
}
