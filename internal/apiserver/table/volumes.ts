/** Tables for persistent volumes and persistent volume claims. */
import type { Json, KubeObject } from '../objects.ts';
import { accessModes, isDeleting } from './format.ts';
import { obj, optStr, quantity, str, strings } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';

/** The storage class of a volume or claim: the beta annotation wins over the field. */
function storageClassOf(object: KubeObject): string {
  return object.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(object, 'spec', 'storageClassName');
}

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn,
    column('Capacity', 'string', 'The storage capacity of the volume.'),
    column('Access Modes', 'string', 'The ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    column('Status', 'string', 'The phase of the volume.'),
    column('Claim', 'string', 'The claim bound to the volume.'),
    column('StorageClass', 'string', 'The storage class of the volume.'),
    column('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
    column('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn,
    column('VolumeMode', 'string', 'Whether the volume is a filesystem or a block device.', 1),
  ],
  cells(pv, now): Json[] {
    const claim = obj(pv, 'spec', 'claimRef');
    return [
      nameOf(pv),
      quantity(pv, 'spec', 'capacity', 'storage') ?? '0',
      accessModes(strings(pv, 'spec', 'accessModes')),
      str(pv, 'spec', 'persistentVolumeReclaimPolicy'),
      isDeleting(pv) ? 'Terminating' : str(pv, 'status', 'phase'),
      claim === undefined ? '' : `${str(claim, 'namespace')}/${str(claim, 'name')}`,
      storageClassOf(pv),
      optStr(pv, 'spec', 'volumeAttributesClassName') ?? '<unset>',
      str(pv, 'status', 'reason'),
      ageOf(pv, now),
      optStr(pv, 'spec', 'volumeMode') ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'The capacity of the bound volume.'),
    column('Access Modes', 'string', 'The access modes of the bound volume.'),
    column('StorageClass', 'string', 'The storage class of the claim.'),
    column('VolumeAttributesClass', 'string', 'The volume attributes class of the claim.'),
    ageColumn,
    column('VolumeMode', 'string', 'Whether the claim is for a filesystem or a block device.', 1),
  ],
  cells(pvc, now): Json[] {
    const volume = str(pvc, 'spec', 'volumeName');
    const bound = volume !== '';
    const vac = optStr(pvc, 'spec', 'volumeAttributesClassName');
    return [
      nameOf(pvc),
      isDeleting(pvc) ? 'Terminating' : str(pvc, 'status', 'phase'),
      volume,
      bound ? (quantity(pvc, 'status', 'capacity', 'storage') ?? '0') : '',
      bound ? accessModes(strings(pvc, 'status', 'accessModes')) : '',
      storageClassOf(pvc),
      vac === undefined || vac === '' ? '<unset>' : vac,
      ageOf(pvc, now),
      optStr(pvc, 'spec', 'volumeMode') ?? '<unset>',
    ];
  },
};
