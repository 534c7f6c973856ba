/** core/v1 PersistentVolume and PersistentVolumeClaim. */
import { field, listOf, mapOf, str, struct, time } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreKind, coreName, coreRef, inlined, metaRef, required, resourceList } from './core-shared.ts';

export const persistentVolumeSource = struct(
  coreName('PersistentVolumeSource'),
  'Storage behind a PersistentVolume; exactly one member is set.',
  {
    gcePersistentDisk: field(1, coreRef('GCEPersistentDiskVolumeSource'), 'Deprecated GCE persistent disk.'),
    awsElasticBlockStore: field(2, coreRef('AWSElasticBlockStoreVolumeSource'), 'Deprecated AWS EBS disk.'),
    hostPath: field(3, coreRef('HostPathVolumeSource'), 'A path on the host, for single-node testing.'),
    glusterfs: field(4, coreRef('GlusterfsPersistentVolumeSource'), 'Deprecated Glusterfs mount.'),
    nfs: field(5, coreRef('NFSVolumeSource'), 'An NFS export.'),
    rbd: field(6, coreRef('RBDPersistentVolumeSource'), 'Deprecated Rados block device.'),
    iscsi: field(7, coreRef('ISCSIPersistentVolumeSource'), 'An iSCSI disk.'),
    cinder: field(8, coreRef('CinderPersistentVolumeSource'), 'Deprecated OpenStack Cinder volume.'),
    cephfs: field(9, coreRef('CephFSPersistentVolumeSource'), 'Deprecated CephFS mount.'),
    fc: field(10, coreRef('FCVolumeSource'), 'A Fibre Channel disk.'),
    flocker: field(11, coreRef('FlockerVolumeSource'), 'Deprecated Flocker dataset.'),
    flexVolume: field(12, coreRef('FlexPersistentVolumeSource'), 'Deprecated exec-based volume plugin.'),
    azureFile: field(13, coreRef('AzureFilePersistentVolumeSource'), 'Deprecated Azure File share.'),
    vsphereVolume: field(14, coreRef('VsphereVirtualDiskVolumeSource'), 'Deprecated vSphere disk.'),
    quobyte: field(15, coreRef('QuobyteVolumeSource'), 'Deprecated Quobyte mount.'),
    azureDisk: field(16, coreRef('AzureDiskVolumeSource'), 'Deprecated Azure data disk.'),
    photonPersistentDisk: field(17, coreRef('PhotonPersistentDiskVolumeSource'), 'Deprecated Photon Controller disk.'),
    portworxVolume: field(18, coreRef('PortworxVolumeSource'), 'Deprecated Portworx volume.'),
    scaleIO: field(19, coreRef('ScaleIOPersistentVolumeSource'), 'Deprecated ScaleIO volume.'),
    local: field(20, coreRef('LocalVolumeSource'), 'Storage attached directly to a node.'),
    storageos: field(21, coreRef('StorageOSPersistentVolumeSource'), 'Deprecated StorageOS volume.'),
    csi: field(22, coreRef('CSIPersistentVolumeSource'), 'A volume served by a CSI driver.'),
  },
);

export const persistentVolume = coreKind('PersistentVolume', 'A piece of storage provisioned in the cluster.', {
  spec: field(2, coreRef('PersistentVolumeSpec'), 'Desired properties of the volume.'),
  status: field(3, coreRef('PersistentVolumeStatus'), 'Observed state of the volume.'),
});

export const persistentVolumeSpec = struct(coreName('PersistentVolumeSpec'), 'Properties of a persistent volume.', {
  capacity: field(1, resourceList, 'Size and other resources of the volume.'),
  ...inlined(persistentVolumeSource),
  accessModes: field(3, listOf(str, { listType: 'atomic' }), 'Ways the volume can be mounted, e.g. ReadWriteOnce.'),
  claimRef: field(4, coreRef('ObjectReference'), 'Claim the volume is bound to.'),
  persistentVolumeReclaimPolicy: field(5, str, 'What happens once the claim is released: Retain, Delete or Recycle.'),
  storageClassName: field(6, str, 'StorageClass the volume belongs to.'),
  mountOptions: field(7, listOf(str, { listType: 'atomic' }), 'Mount options, not validated.'),
  volumeMode: field(8, str, 'Filesystem or Block.'),
  nodeAffinity: field(9, coreRef('VolumeNodeAffinity'), 'Nodes the volume can be reached from.'),
  volumeAttributesClassName: field(10, str, 'VolumeAttributesClass the volume belongs to.'),
});

export const volumeNodeAffinity = struct(coreName('VolumeNodeAffinity'), 'Nodes a volume can be reached from.', {
  required: field(1, coreRef('NodeSelector'), 'Nodes that must match.'),
});

export const persistentVolumeStatus = struct(coreName('PersistentVolumeStatus'), 'Observed state of a persistent volume.', {
  phase: field(1, str, 'Pending, Available, Bound, Released or Failed.'),
  message: field(2, str, 'Human-readable detail on the phase.'),
  reason: field(3, str, 'Short CamelCase reason for a failure.'),
  lastPhaseTransitionTime: field(4, time, 'When the phase last changed.'),
});

export const persistentVolumeClaim = coreKind('PersistentVolumeClaim', 'A request for storage by a user.', {
  spec: field(2, coreRef('PersistentVolumeClaimSpec'), 'Desired properties of the claimed volume.'),
  status: field(3, coreRef('PersistentVolumeClaimStatus'), 'Observed state of the claim.'),
});

export const persistentVolumeClaimSpec = struct(coreName('PersistentVolumeClaimSpec'), 'Desired properties of a claimed volume.', {
  accessModes: field(1, listOf(str, { listType: 'atomic' }), 'Access modes the volume must support.'),
  selector: field(4, metaRef('LabelSelector'), 'Labels of the volumes that may be bound.'),
  resources: field(2, coreRef('VolumeResourceRequirements'), 'Minimum resources of the volume.'),
  volumeName: field(3, str, 'Volume bound to the claim.'),
  storageClassName: field(5, str, 'StorageClass the claim asks for.'),
  volumeMode: field(6, str, 'Filesystem or Block; defaults to Filesystem.'),
  dataSource: field(7, coreRef('TypedLocalObjectReference'), 'Snapshot or claim to populate the volume from.'),
  dataSourceRef: field(8, coreRef('TypedObjectReference'), 'Any populator object to fill the volume from.'),
  volumeAttributesClassName: field(9, str, 'VolumeAttributesClass the claim asks for.'),
});

export const persistentVolumeClaimStatus = struct(coreName('PersistentVolumeClaimStatus'), 'Observed state of a claim.', {
  phase: field(1, str, 'Pending, Bound or Lost.'),
  accessModes: field(2, listOf(str, { listType: 'atomic' }), 'Access modes of the bound volume.'),
  capacity: field(3, resourceList, 'Resources of the bound volume.'),
  conditions: field(
    4,
    listOf(coreRef('PersistentVolumeClaimCondition'), {
      listType: 'map',
      mapKeys: ['type'],
      mergeKey: 'type',
      strategy: 'merge',
    }),
    'Current conditions of the claim.',
  ),
  allocatedResources: field(5, resourceList, 'Resources allocated to the claim, including pending expansion.'),
  allocatedResourceStatuses: field(7, mapOf(str, { mapType: 'granular' }), 'Resize state of each resource.'),
  currentVolumeAttributesClassName: field(8, str, 'VolumeAttributesClass currently applied.'),
  modifyVolumeStatus: field(9, coreRef('ModifyVolumeStatus'), 'State of an ongoing volume modification.'),
});

export const persistentVolumeClaimCondition = struct(coreName('PersistentVolumeClaimCondition'), 'One condition of a claim.', {
  type: field(1, str, 'Condition type, e.g. Resizing.', required),
  status: field(2, str, 'True, False or Unknown.', required),
  lastProbeTime: field(3, time, 'When the condition was last probed.'),
  lastTransitionTime: field(4, time, 'When the status last changed.'),
  reason: field(5, str, 'Machine-readable reason for the last change.'),
  message: field(6, str, 'Human-readable detail on the last change.'),
});

export const modifyVolumeStatus = struct(coreName('ModifyVolumeStatus'), 'State of a volume modification.', {
  targetVolumeAttributesClassName: field(1, str, 'VolumeAttributesClass being applied.'),
  status: field(2, str, 'Pending, InProgress or Infeasible.', required),
});

export const coreStorageDefinitions: TypeDef[] = [
  persistentVolumeSource,
  persistentVolume,
  persistentVolumeSpec,
  volumeNodeAffinity,
  persistentVolumeStatus,
  persistentVolumeClaim,
  persistentVolumeClaimSpec,
  persistentVolumeClaimStatus,
  persistentVolumeClaimCondition,
  modifyVolumeStatus,
];
