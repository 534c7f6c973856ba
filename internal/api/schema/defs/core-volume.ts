/** core/v1 pod volumes: Volume, VolumeSource and the sources that only pods use. */
import { bool, field, int32, int64, listOf, mapOf, quantity, str, struct } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreName, coreRef, inlined, localObjectReference, metaRef, required } from './core-shared.ts';

export const volumeSource = struct(coreName('VolumeSource'), 'Where a volume comes from; exactly one member is set.', {
  hostPath: field(1, coreRef('HostPathVolumeSource'), 'A file or directory of the host.'),
  emptyDir: field(2, coreRef('EmptyDirVolumeSource'), 'A scratch directory that lives as long as the pod.'),
  gcePersistentDisk: field(3, coreRef('GCEPersistentDiskVolumeSource'), 'Deprecated GCE persistent disk.'),
  awsElasticBlockStore: field(4, coreRef('AWSElasticBlockStoreVolumeSource'), 'Deprecated AWS EBS disk.'),
  gitRepo: field(5, coreRef('GitRepoVolumeSource'), 'Deprecated git repository checkout.'),
  secret: field(6, coreRef('SecretVolumeSource'), 'Files from a Secret.'),
  nfs: field(7, coreRef('NFSVolumeSource'), 'An NFS export.'),
  iscsi: field(8, coreRef('ISCSIVolumeSource'), 'An iSCSI disk.'),
  glusterfs: field(9, coreRef('GlusterfsVolumeSource'), 'Deprecated Glusterfs mount.'),
  persistentVolumeClaim: field(10, coreRef('PersistentVolumeClaimVolumeSource'), 'The volume bound to a claim.'),
  rbd: field(11, coreRef('RBDVolumeSource'), 'Deprecated Rados block device.'),
  flexVolume: field(12, coreRef('FlexVolumeSource'), 'Deprecated exec-based volume plugin.'),
  cinder: field(13, coreRef('CinderVolumeSource'), 'Deprecated OpenStack Cinder volume.'),
  cephfs: field(14, coreRef('CephFSVolumeSource'), 'Deprecated CephFS mount.'),
  flocker: field(15, coreRef('FlockerVolumeSource'), 'Deprecated Flocker dataset.'),
  downwardAPI: field(16, coreRef('DownwardAPIVolumeSource'), 'Files with pod fields and resources.'),
  fc: field(17, coreRef('FCVolumeSource'), 'A Fibre Channel disk.'),
  azureFile: field(18, coreRef('AzureFileVolumeSource'), 'Deprecated Azure File share.'),
  configMap: field(19, coreRef('ConfigMapVolumeSource'), 'Files from a ConfigMap.'),
  vsphereVolume: field(20, coreRef('VsphereVirtualDiskVolumeSource'), 'Deprecated vSphere disk.'),
  quobyte: field(21, coreRef('QuobyteVolumeSource'), 'Deprecated Quobyte mount.'),
  azureDisk: field(22, coreRef('AzureDiskVolumeSource'), 'Deprecated Azure data disk.'),
  photonPersistentDisk: field(23, coreRef('PhotonPersistentDiskVolumeSource'), 'Deprecated Photon Controller disk.'),
  projected: field(26, coreRef('ProjectedVolumeSource'), 'Several sources projected into one directory.'),
  portworxVolume: field(24, coreRef('PortworxVolumeSource'), 'Deprecated Portworx volume.'),
  scaleIO: field(25, coreRef('ScaleIOVolumeSource'), 'Deprecated ScaleIO volume.'),
  storageos: field(27, coreRef('StorageOSVolumeSource'), 'Deprecated StorageOS volume.'),
  csi: field(28, coreRef('CSIVolumeSource'), 'An ephemeral volume from a CSI driver.'),
  ephemeral: field(29, coreRef('EphemeralVolumeSource'), 'A claim created and deleted with the pod.'),
  image: field(30, coreRef('ImageVolumeSource'), 'An OCI image or artifact mounted read-only.'),
});

export const volume = struct(coreName('Volume'), 'A named volume the containers of a pod may mount.', {
  name: field(1, str, 'Name of the volume, unique within the pod.', required),
  ...inlined(volumeSource),
});

export const emptyDirVolumeSource = struct(coreName('EmptyDirVolumeSource'), 'An empty directory for the pod.', {
  medium: field(1, str, 'Storage medium: empty for the node default, or Memory.'),
  sizeLimit: field(2, quantity, 'Largest amount of storage the directory may use.'),
});

export const gitRepoVolumeSource = struct(coreName('GitRepoVolumeSource'), 'A checkout of a git repository.', {
  repository: field(1, str, 'Repository URL.', required),
  revision: field(2, str, 'Commit to check out.'),
  directory: field(3, str, 'Directory name for the checkout.'),
});

export const secretVolumeSource = struct(coreName('SecretVolumeSource'), 'Presents a Secret as files.', {
  secretName: field(1, str, 'Secret in the pod namespace.'),
  items: field(2, listOf(coreRef('KeyToPath'), { listType: 'atomic' }), 'Keys to project; all keys when empty.'),
  defaultMode: field(3, int32, 'Permission bits of the files; defaults to 0644.'),
  optional: field(4, bool, 'Whether the Secret or its keys may be missing.'),
});

export const configMapVolumeSource = struct(coreName('ConfigMapVolumeSource'), 'Presents a ConfigMap as files.', {
  ...inlined(localObjectReference),
  items: field(2, listOf(coreRef('KeyToPath'), { listType: 'atomic' }), 'Keys to project; all keys when empty.'),
  defaultMode: field(3, int32, 'Permission bits of the files; defaults to 0644.'),
  optional: field(4, bool, 'Whether the ConfigMap or its keys may be missing.'),
});

export const downwardAPIVolumeSource = struct(coreName('DownwardAPIVolumeSource'), 'Files holding pod information.', {
  items: field(1, listOf(coreRef('DownwardAPIVolumeFile'), { listType: 'atomic' }), 'Files to create.'),
  defaultMode: field(2, int32, 'Permission bits of the files; defaults to 0644.'),
});

export const downwardAPIVolumeFile = struct(coreName('DownwardAPIVolumeFile'), 'One file of pod information.', {
  path: field(1, str, 'Relative path of the file.', required),
  fieldRef: field(2, coreRef('ObjectFieldSelector'), 'Pod field written to the file.'),
  resourceFieldRef: field(3, coreRef('ResourceFieldSelector'), 'Container resource written to the file.'),
  mode: field(4, int32, 'Permission bits of the file.'),
});

export const projectedVolumeSource = struct(coreName('ProjectedVolumeSource'), 'Several sources in one directory.', {
  sources: field(1, listOf(coreRef('VolumeProjection'), { listType: 'atomic' }), 'Sources to project.'),
  defaultMode: field(2, int32, 'Permission bits of the files.'),
});

export const volumeProjection = struct(coreName('VolumeProjection'), 'One projected source; exactly one member is set.', {
  secret: field(1, coreRef('SecretProjection'), 'Keys of a Secret.'),
  downwardAPI: field(2, coreRef('DownwardAPIProjection'), 'Pod information.'),
  configMap: field(3, coreRef('ConfigMapProjection'), 'Keys of a ConfigMap.'),
  serviceAccountToken: field(4, coreRef('ServiceAccountTokenProjection'), 'A service account token.'),
  clusterTrustBundle: field(5, coreRef('ClusterTrustBundleProjection'), 'Certificates of ClusterTrustBundle objects.'),
});

export const secretProjection = struct(coreName('SecretProjection'), 'Projects keys of a Secret.', {
  ...inlined(localObjectReference),
  items: field(2, listOf(coreRef('KeyToPath'), { listType: 'atomic' }), 'Keys to project; all keys when empty.'),
  optional: field(4, bool, 'Whether the Secret or its keys may be missing.'),
});

export const configMapProjection = struct(coreName('ConfigMapProjection'), 'Projects keys of a ConfigMap.', {
  ...inlined(localObjectReference),
  items: field(2, listOf(coreRef('KeyToPath'), { listType: 'atomic' }), 'Keys to project; all keys when empty.'),
  optional: field(4, bool, 'Whether the ConfigMap or its keys may be missing.'),
});

export const downwardAPIProjection = struct(coreName('DownwardAPIProjection'), 'Projects pod information.', {
  items: field(1, listOf(coreRef('DownwardAPIVolumeFile'), { listType: 'atomic' }), 'Files to create.'),
});

export const serviceAccountTokenProjection = struct(
  coreName('ServiceAccountTokenProjection'),
  'Projects a rotating service account token.',
  {
    audience: field(1, str, 'Audience the token is issued for; defaults to the API server.'),
    expirationSeconds: field(2, int64, 'Requested lifetime of the token; defaults to one hour.'),
    path: field(3, str, 'Relative path of the token file.', required),
  },
);

export const clusterTrustBundleProjection = struct(
  coreName('ClusterTrustBundleProjection'),
  'Projects the certificates of ClusterTrustBundle objects.',
  {
    name: field(1, str, 'One bundle, by name.'),
    signerName: field(2, str, 'All bundles of this signer.'),
    labelSelector: field(3, metaRef('LabelSelector'), 'Bundles of the signer with these labels.'),
    optional: field(5, bool, 'Start the pod even when no bundle matches.'),
    path: field(4, str, 'Relative path of the bundle file.', required),
  },
);

export const persistentVolumeClaimVolumeSource = struct(
  coreName('PersistentVolumeClaimVolumeSource'),
  'Mounts the volume bound to a claim in the pod namespace.',
  {
    claimName: field(1, str, 'Name of the claim.', required),
    readOnly: field(2, bool, 'Force a read-only mount.'),
  },
);

export const ephemeralVolumeSource = struct(coreName('EphemeralVolumeSource'), 'A claim created for the pod and deleted with it.', {
  volumeClaimTemplate: field(1, coreRef('PersistentVolumeClaimTemplate'), 'Template of the claim to create.'),
});

export const persistentVolumeClaimTemplate = struct(
  coreName('PersistentVolumeClaimTemplate'),
  'Claims created from a template for an ephemeral volume.',
  {
    metadata: field(1, metaRef('ObjectMeta'), 'Labels and annotations copied to the claim.'),
    spec: field(2, coreRef('PersistentVolumeClaimSpec'), 'Spec of the claim.', required),
  },
);

export const imageVolumeSource = struct(coreName('ImageVolumeSource'), 'An OCI image or artifact used as a volume.', {
  reference: field(1, str, 'Image or artifact reference.'),
  pullPolicy: field(2, str, 'Always, Never or IfNotPresent.'),
});

export const csiVolumeSource = struct(coreName('CSIVolumeSource'), 'An ephemeral volume served by a CSI driver.', {
  driver: field(1, str, 'Name of the CSI driver.', required),
  readOnly: field(2, bool, 'Mount read-only.'),
  fsType: field(3, str, 'Filesystem type, passed to the driver.'),
  volumeAttributes: field(4, mapOf(str), 'Driver specific attributes.'),
  nodePublishSecretRef: field(5, coreRef('LocalObjectReference'), 'Secret passed to the driver when publishing.'),
});

export const coreVolumeDefinitions: TypeDef[] = [
  volumeSource,
  volume,
  emptyDirVolumeSource,
  gitRepoVolumeSource,
  secretVolumeSource,
  configMapVolumeSource,
  downwardAPIVolumeSource,
  downwardAPIVolumeFile,
  projectedVolumeSource,
  volumeProjection,
  secretProjection,
  configMapProjection,
  downwardAPIProjection,
  serviceAccountTokenProjection,
  clusterTrustBundleProjection,
  persistentVolumeClaimVolumeSource,
  ephemeralVolumeSource,
  persistentVolumeClaimTemplate,
  imageVolumeSource,
  csiVolumeSource,
];
