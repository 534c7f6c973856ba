/** Pod volumes: unique DNS-label names, exactly one source, and each source's own fields. */
import type { Json, JsonObject } from '../../apiserver/objects.ts';
import {
  asNumber, asObject, asString, duplicate, forbidden, invalidEach, invalidValue, objectsOf, oneOf, required, type Causes,
} from './field.ts';
import { parseQuantity, quantitySyntax } from './quantity.ts';
import { dns1123Label, dns1123Subdomain } from './syntax.ts';

const sources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];
const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateMode(mode: Json | undefined, field: string): Causes {
  if (mode === undefined || mode === null) return [];
  const n = asNumber(mode);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 0o777
    ? []
    : [invalidValue(field, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
}

function validateRelativePath(path: string, field: string): Causes {
  const causes: Causes = [];
  if (path.startsWith('/')) causes.push(invalidValue(field, path, 'must be a relative path'));
  if (path.split('/').includes('..')) causes.push(invalidValue(field, path, "must not contain '..'"));
  return causes;
}

function validateItems(items: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [i, item] of objectsOf(items)) {
    if (!asString(item.key)) causes.push(required(`${field}[${i}].key`));
    const path = asString(item.path) ?? '';
    if (path === '') causes.push(required(`${field}[${i}].path`));
    else causes.push(...validateRelativePath(path, `${field}[${i}].path`));
    causes.push(...validateMode(item.mode, `${field}[${i}].mode`));
  }
  return causes;
}

function validateSource(kind: string, source: JsonObject, field: string): Causes {
  const causes: Causes = [];
  const need = (key: string): void => {
    if (!asString(source[key])) causes.push(required(`${field}.${key}`));
  };
  switch (kind) {
    case 'hostPath': {
      const path = asString(source.path) ?? '';
      if (path === '') causes.push(required(`${field}.path`));
      else if (path.split('/').includes('..')) causes.push(invalidValue(`${field}.path`, path, "must not contain '..'"));
      causes.push(...oneOf(`${field}.type`, source.type, hostPathTypes));
      break;
    }
    case 'emptyDir':
      causes.push(...oneOf(`${field}.medium`, source.medium, ['', 'Memory', 'HugePages']));
      if (source.sizeLimit !== undefined && parseQuantity(source.sizeLimit) === undefined) causes.push(invalidValue(`${field}.sizeLimit`, source.sizeLimit, quantitySyntax));
      break;
    case 'configMap':
    case 'secret': {
      const nameKey = kind === 'secret' ? 'secretName' : 'name';
      const name = asString(source[nameKey]) ?? '';
      if (name === '') causes.push(required(`${field}.${nameKey}`));
      else causes.push(...invalidEach(`${field}.${nameKey}`, name, dns1123Subdomain(name)));
      causes.push(...validateMode(source.defaultMode, `${field}.defaultMode`));
      causes.push(...validateItems(source.items, `${field}.items`));
      break;
    }
    case 'persistentVolumeClaim':
      need('claimName');
      break;
    case 'nfs':
      need('server');
      need('path');
      break;
    case 'csi':
      need('driver');
      break;
    case 'ephemeral':
      if (asObject(source.volumeClaimTemplate) === undefined) causes.push(required(`${field}.volumeClaimTemplate`));
      break;
    case 'downwardAPI':
      causes.push(...validateMode(source.defaultMode, `${field}.defaultMode`));
      for (const [i, item] of objectsOf(source.items)) {
        const path = asString(item.path) ?? '';
        if (path === '') causes.push(required(`${field}.items[${i}].path`));
        else causes.push(...validateRelativePath(path, `${field}.items[${i}].path`));
      }
      break;
    case 'projected':
      causes.push(...validateMode(source.defaultMode, `${field}.defaultMode`));
      break;
    case 'image':
      need('reference');
      break;
  }
  return causes;
}

/** The volume list of a pod spec; returns the causes and the set of valid volume names for mounts. */
export function validateVolumes(volumes: Json | undefined, field: string): { causes: Causes; names: Set<string> } {
  const causes: Causes = [];
  const names = new Set<string>();
  for (const [i, volume] of objectsOf(volumes)) {
    const at = `${field}[${i}]`;
    const name = asString(volume.name) ?? '';
    if (name === '') causes.push(required(`${at}.name`));
    else {
      causes.push(...invalidEach(`${at}.name`, name, dns1123Label(name)));
      if (names.has(name)) causes.push(duplicate(`${at}.name`, name));
    }
    names.add(name);
    const present = sources.filter((s) => asObject(volume[s]) !== undefined);
    if (present.length === 0) causes.push(required(at, 'must specify a volume type'));
    for (const extra of present.slice(1)) causes.push(forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
    const first = present[0];
    if (first !== undefined) causes.push(...validateSource(first, asObject(volume[first]) ?? {}, `${at}.${first}`));
  }
  return { causes, names };
}
