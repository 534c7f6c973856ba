/** Every core/v1 type definition, and the inline embeddings protobuf decoding needs. */
import type { TypeDef } from '../model.ts';
import { coreConfigDefinitions } from './core-config.ts';
import { coreContainerDefinitions } from './core-container.ts';
import { coreNodeDefinitions } from './core-node.ts';
import { corePodStatusDefinitions } from './core-pod-status.ts';
import { corePodDefinitions } from './core-pod.ts';
import { corePolicyDefinitions } from './core-policy.ts';
import { coreProbeDefinitions } from './core-probe.ts';
import { coreServiceDefinitions } from './core-service.ts';
import { coreName, coreSharedDefinitions, type InlineEmbedding } from './core-shared.ts';
import { coreStorageDefinitions } from './core-storage.ts';
import { coreVolumeDiskDefinitions } from './core-volume-disk.ts';
import { coreVolumeDefinitions } from './core-volume.ts';

export type { InlineEmbedding } from './core-shared.ts';

export const coreDefinitions: TypeDef[] = [
  ...coreSharedDefinitions,
  ...corePodDefinitions,
  ...corePodStatusDefinitions,
  ...coreContainerDefinitions,
  ...coreProbeDefinitions,
  ...coreVolumeDefinitions,
  ...coreVolumeDiskDefinitions,
  ...coreServiceDefinitions,
  ...coreConfigDefinitions,
  ...coreNodeDefinitions,
  ...coreStorageDefinitions,
  ...corePolicyDefinitions,
];

const lor = coreName('LocalObjectReference');

/**
 * Go structs that core/v1 embeds inline. In JSON their fields sit directly in
 * the parent (the parent definition lists them without field numbers); in
 * protobuf they travel as one nested message under `proto` of the parent.
 */
export const coreInlineEmbeddings: readonly InlineEmbedding[] = [
  { parent: coreName('Volume'), proto: 2, type: coreName('VolumeSource') },
  { parent: coreName('PersistentVolumeSpec'), proto: 2, type: coreName('PersistentVolumeSource') },
  { parent: coreName('Probe'), proto: 1, type: coreName('ProbeHandler') },
  { parent: coreName('EphemeralContainer'), proto: 1, type: coreName('EphemeralContainerCommon') },
  { parent: coreName('ConfigMapEnvSource'), proto: 1, type: lor },
  { parent: coreName('SecretEnvSource'), proto: 1, type: lor },
  { parent: coreName('ConfigMapKeySelector'), proto: 1, type: lor },
  { parent: coreName('SecretKeySelector'), proto: 1, type: lor },
  { parent: coreName('ConfigMapVolumeSource'), proto: 1, type: lor },
  { parent: coreName('ConfigMapProjection'), proto: 1, type: lor },
  { parent: coreName('SecretProjection'), proto: 1, type: lor },
];
