/**
 * core/v1 storage-backed volume sources, most in two variants: the pod one
 * (secrets named in the pod namespace) and the PersistentVolume one (secrets
 * named with their namespace).
 */
import { bool, field, int32, listOf, mapOf, str, struct } from '../model.ts';
import type { FieldDef, TypeDef, TypeRef } from '../model.ts';
import { coreName, coreRef, required } from './core-shared.ts';

const fsType = (n: number): FieldDef => field(n, str, 'Filesystem type to mount, e.g. ext4.');
const readOnly = (n: number): FieldDef => field(n, bool, 'Force a read-only mount.');
const localSecret = coreRef('LocalObjectReference');
const namespacedSecret = coreRef('SecretReference');

function iscsi(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'An iSCSI disk.', {
    targetPortal: field(1, str, 'Target portal, an IP or ip:port.', required),
    iqn: field(2, str, 'Target iSCSI qualified name.', required),
    lun: field(3, int32, 'Target LUN number.', required),
    iscsiInterface: field(4, str, 'iSCSI interface; defaults to default (tcp).'),
    fsType: fsType(5),
    readOnly: readOnly(6),
    portals: field(7, listOf(str, { listType: 'atomic' }), 'Further target portals.'),
    chapAuthDiscovery: field(8, bool, 'Use CHAP authentication for discovery.'),
    chapAuthSession: field(11, bool, 'Use CHAP authentication for the session.'),
    secretRef: field(10, secret, 'Secret holding the CHAP credentials.'),
    initiatorName: field(12, str, 'Custom initiator name.'),
  });
}

function glusterfs(name: string, persistent: boolean): TypeDef {
  return struct(coreName(name), 'A Glusterfs mount.', {
    endpoints: field(1, str, 'Endpoints object describing the Glusterfs cluster.', required),
    path: field(2, str, 'Glusterfs volume path.', required),
    readOnly: readOnly(3),
    ...(persistent ? { endpointsNamespace: field(4, str, 'Namespace of the endpoints object.') } : {}),
  });
}

function rbd(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'A Rados block device.', {
    monitors: field(1, listOf(str, { listType: 'atomic' }), 'Ceph monitors.', required),
    image: field(2, str, 'Rados image name.', required),
    fsType: fsType(3),
    pool: field(4, str, 'Rados pool; defaults to rbd.'),
    user: field(5, str, 'Rados user; defaults to admin.'),
    keyring: field(6, str, 'Keyring path; defaults to /etc/ceph/keyring.'),
    secretRef: field(7, secret, 'Secret with the authentication key, overriding the keyring.'),
    readOnly: readOnly(8),
  });
}

function flex(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'A volume handled by an exec-based plugin.', {
    driver: field(1, str, 'Name of the plugin driver.', required),
    fsType: fsType(2),
    secretRef: field(3, secret, 'Secret passed to the plugin.'),
    readOnly: readOnly(4),
    options: field(5, mapOf(str), 'Extra command options.'),
  });
}

function cinder(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'An OpenStack Cinder volume.', {
    volumeID: field(1, str, 'Cinder volume ID.', required),
    fsType: fsType(2),
    readOnly: readOnly(3),
    secretRef: field(4, secret, 'Secret with OpenStack connection parameters.'),
  });
}

function cephfs(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'A CephFS mount.', {
    monitors: field(1, listOf(str, { listType: 'atomic' }), 'Ceph monitors.', required),
    path: field(2, str, 'Root of the mount within Ceph; defaults to /.'),
    user: field(3, str, 'Rados user; defaults to admin.'),
    secretFile: field(4, str, 'Keyring path of the user.'),
    secretRef: field(5, secret, 'Secret with the authentication key.'),
    readOnly: readOnly(6),
  });
}

function azureFile(name: string, persistent: boolean): TypeDef {
  return struct(coreName(name), 'An Azure File share.', {
    secretName: field(1, str, 'Secret with the storage account name and key.', required),
    shareName: field(2, str, 'Share name.', required),
    readOnly: readOnly(3),
    ...(persistent ? { secretNamespace: field(4, str, 'Namespace of the secret; defaults to the pod one.') } : {}),
  });
}

function scaleIO(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'A ScaleIO volume.', {
    gateway: field(1, str, 'Address of the ScaleIO API gateway.', required),
    system: field(2, str, 'ScaleIO storage system name.', required),
    secretRef: field(3, secret, 'Secret with the ScaleIO credentials.', required),
    sslEnabled: field(4, bool, 'Use SSL towards the gateway.'),
    protectionDomain: field(5, str, 'Protection domain of the storage.'),
    storagePool: field(6, str, 'Storage pool of the protection domain.'),
    storageMode: field(7, str, 'ThickProvisioned or ThinProvisioned; defaults to ThinProvisioned.'),
    volumeName: field(8, str, 'Existing ScaleIO volume.'),
    fsType: field(9, str, 'Filesystem type to mount; defaults to xfs.'),
    readOnly: readOnly(10),
  });
}

function storageOS(name: string, secret: TypeRef): TypeDef {
  return struct(coreName(name), 'A StorageOS volume.', {
    volumeName: field(1, str, 'StorageOS volume name.'),
    volumeNamespace: field(2, str, 'StorageOS namespace; defaults to the pod one.'),
    fsType: fsType(3),
    readOnly: readOnly(4),
    secretRef: field(5, secret, 'Secret with the StorageOS API credentials.'),
  });
}

export const coreVolumeDiskDefinitions: TypeDef[] = [
  struct(coreName('HostPathVolumeSource'), 'A path on the host.', {
    path: field(1, str, 'Path on the host.', required),
    type: field(2, str, 'Expected kind of path, e.g. Directory or FileOrCreate.'),
  }),
  struct(coreName('GCEPersistentDiskVolumeSource'), 'A GCE persistent disk.', {
    pdName: field(1, str, 'Name of the disk in GCE.', required),
    fsType: fsType(2),
    partition: field(3, int32, 'Partition to mount.'),
    readOnly: readOnly(4),
  }),
  struct(coreName('AWSElasticBlockStoreVolumeSource'), 'An AWS EBS disk.', {
    volumeID: field(1, str, 'ID of the EBS volume.', required),
    fsType: fsType(2),
    partition: field(3, int32, 'Partition to mount.'),
    readOnly: readOnly(4),
  }),
  struct(coreName('NFSVolumeSource'), 'An NFS export.', {
    server: field(1, str, 'NFS server host or IP.', required),
    path: field(2, str, 'Exported path.', required),
    readOnly: readOnly(3),
  }),
  iscsi('ISCSIVolumeSource', localSecret),
  iscsi('ISCSIPersistentVolumeSource', namespacedSecret),
  glusterfs('GlusterfsVolumeSource', false),
  glusterfs('GlusterfsPersistentVolumeSource', true),
  rbd('RBDVolumeSource', localSecret),
  rbd('RBDPersistentVolumeSource', namespacedSecret),
  flex('FlexVolumeSource', localSecret),
  flex('FlexPersistentVolumeSource', namespacedSecret),
  cinder('CinderVolumeSource', localSecret),
  cinder('CinderPersistentVolumeSource', namespacedSecret),
  cephfs('CephFSVolumeSource', localSecret),
  cephfs('CephFSPersistentVolumeSource', namespacedSecret),
  struct(coreName('FlockerVolumeSource'), 'A Flocker dataset; set exactly one member.', {
    datasetName: field(1, str, 'Dataset name.'),
    datasetUUID: field(2, str, 'Dataset UUID.'),
  }),
  struct(coreName('FCVolumeSource'), 'A Fibre Channel disk.', {
    targetWWNs: field(1, listOf(str, { listType: 'atomic' }), 'Target world wide names.'),
    lun: field(2, int32, 'Target LUN.'),
    fsType: fsType(3),
    readOnly: readOnly(4),
    wwids: field(5, listOf(str, { listType: 'atomic' }), 'World wide identifiers, instead of targetWWNs and lun.'),
  }),
  azureFile('AzureFileVolumeSource', false),
  azureFile('AzureFilePersistentVolumeSource', true),
  struct(coreName('VsphereVirtualDiskVolumeSource'), 'A vSphere disk.', {
    volumePath: field(1, str, 'Path of the vmdk.', required),
    fsType: fsType(2),
    storagePolicyName: field(3, str, 'Storage policy profile name.'),
    storagePolicyID: field(4, str, 'Storage policy profile ID.'),
  }),
  struct(coreName('QuobyteVolumeSource'), 'A Quobyte mount.', {
    registry: field(1, str, 'Quobyte registry addresses, host:port, comma separated.', required),
    volume: field(2, str, 'Quobyte volume name.', required),
    readOnly: readOnly(3),
    user: field(4, str, 'User the access maps to.'),
    group: field(5, str, 'Group the access maps to.'),
    tenant: field(6, str, 'Tenant owning the volume.'),
  }),
  struct(coreName('AzureDiskVolumeSource'), 'An Azure data disk.', {
    diskName: field(1, str, 'Name of the data disk.', required),
    diskURI: field(2, str, 'URI of the data disk.', required),
    cachingMode: field(3, str, 'Host caching: None, ReadOnly or ReadWrite.'),
    fsType: fsType(4),
    readOnly: readOnly(5),
    kind: field(6, str, 'Shared, Dedicated or Managed.'),
  }),
  struct(coreName('PhotonPersistentDiskVolumeSource'), 'A Photon Controller disk.', {
    pdID: field(1, str, 'ID of the disk.', required),
    fsType: fsType(2),
  }),
  struct(coreName('PortworxVolumeSource'), 'A Portworx volume.', {
    volumeID: field(1, str, 'ID of the volume.', required),
    fsType: fsType(2),
    readOnly: readOnly(3),
  }),
  scaleIO('ScaleIOVolumeSource', localSecret),
  scaleIO('ScaleIOPersistentVolumeSource', namespacedSecret),
  storageOS('StorageOSVolumeSource', localSecret),
  storageOS('StorageOSPersistentVolumeSource', coreRef('ObjectReference')),
  struct(coreName('CSIPersistentVolumeSource'), 'A persistent volume served by a CSI driver.', {
    driver: field(1, str, 'Name of the CSI driver.', required),
    volumeHandle: field(2, str, 'Volume ID returned by the driver.', required),
    readOnly: readOnly(3),
    fsType: fsType(4),
    volumeAttributes: field(5, mapOf(str), 'Driver specific attributes.'),
    controllerPublishSecretRef: field(6, namespacedSecret, 'Secret for controller publish and unpublish calls.'),
    nodeStageSecretRef: field(7, namespacedSecret, 'Secret for node stage and unstage calls.'),
    nodePublishSecretRef: field(8, namespacedSecret, 'Secret for node publish and unpublish calls.'),
    controllerExpandSecretRef: field(9, namespacedSecret, 'Secret for controller expand calls.'),
    nodeExpandSecretRef: field(10, namespacedSecret, 'Secret for node expand calls.'),
  }),
  struct(coreName('LocalVolumeSource'), 'Storage attached directly to a node.', {
    path: field(1, str, 'Full path of the directory or block device on the node.', required),
    fsType: field(2, str, 'Filesystem type, for block devices.'),
  }),
];
