import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldDef, TypeDef, TypeRef } from '../model.ts';
import { definitionNamed, kindDefinition } from '../registry.ts';
import { coreDefinitions, coreInlineEmbeddings } from './core.ts';
import { metaDefinitions } from './meta.ts';

const core = (type: string) => `io.k8s.api.core.v1.${type}`;
const meta = (type: string) => `io.k8s.apimachinery.pkg.apis.meta.v1.${type}`;

function def(name: string): TypeDef {
  const found = definitionNamed(name);
  assert.ok(found, `${name} is defined`);
  return found;
}

function fieldOf(type: string, name: string): FieldDef {
  const f = def(type).fields[name];
  assert.ok(f, `${type}.${name} is defined`);
  return f;
}

function refsOf(type: TypeRef): string[] {
  if (type.t === 'ref') return [type.name];
  if (type.t === 'array') return refsOf(type.items);
  if (type.t === 'map') return refsOf(type.values);
  return [];
}

const ours = [...metaDefinitions, ...coreDefinitions];
const coreKinds = coreDefinitions.filter((d) => d.gvk);

describe('core/v1 and meta/v1 definitions', () => {
  it('resolve every reference reachable from every kind', () => {
    const seen = new Set<string>();
    const pending = coreKinds.map((k) => k.name);
    const dangling: string[] = [];
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const found = definitionNamed(name);
      if (!found) {
        dangling.push(name);
        continue;
      }
      for (const f of Object.values(found.fields)) pending.push(...refsOf(f.type));
    }
    assert.deepEqual(dangling, []);
    assert.ok(seen.has(core('CSIPersistentVolumeSource')), 'walk reaches the PV sources');
    assert.ok(seen.has(meta('ManagedFieldsEntry')), 'walk reaches meta types');
  });

  it('give every field of a struct a distinct protobuf number', () => {
    for (const d of ours) {
      const numbers = Object.values(d.fields).flatMap((f) => (f.proto === undefined ? [] : [f.proto]));
      assert.equal(new Set(numbers).size, numbers.length, `${d.name} reuses a protobuf number`);
    }
  });

  it('describe every field in a sentence', () => {
    for (const d of ours) {
      for (const [name, f] of Object.entries(d.fields)) assert.ok(f.description.length > 3, `${d.name}.${name}`);
    }
  });

  it('give map-type lists their keys', () => {
    for (const d of ours) {
      for (const [name, f] of Object.entries(d.fields)) {
        if (f.type.t === 'array' && f.type.listType === 'map') assert.ok(f.type.mapKeys?.length, `${d.name}.${name}`);
      }
    }
  });

  it('register every kind under its group/version/kind with metadata as protobuf field 1', () => {
    assert.ok(coreKinds.length >= 16);
    for (const k of coreKinds) {
      assert.equal(k.gvk?.group, '');
      assert.equal(k.gvk?.version, 'v1');
      assert.equal(kindDefinition('', 'v1', k.gvk?.kind ?? ''), k);
      const metadata = k.fields.metadata;
      assert.deepEqual(metadata?.type, { t: 'ref', name: meta('ObjectMeta') }, k.name);
      assert.equal(metadata?.proto, 1, k.name);
      assert.equal(k.fields.apiVersion?.proto, undefined);
    }
  });

  it('cover the kinds the API serves from the core group', () => {
    const kinds = new Set(coreKinds.map((k) => k.gvk?.kind));
    for (const kind of ['Namespace', 'Pod', 'PodTemplate', 'Binding', 'Service', 'Endpoints', 'ConfigMap', 'Secret']) {
      assert.ok(kinds.has(kind), kind);
    }
    for (const kind of ['Node', 'Event', 'ServiceAccount', 'PersistentVolume', 'PersistentVolumeClaim', 'ResourceQuota', 'LimitRange']) {
      assert.ok(kinds.has(kind), kind);
    }
  });

  it('merge pod containers by name', () => {
    const containers = fieldOf(core('PodSpec'), 'containers');
    assert.equal(containers.proto, 2);
    assert.equal(containers.required, true);
    assert.deepEqual(containers.type, {
      t: 'array',
      items: { t: 'ref', name: core('Container') },
      listType: 'map',
      mapKeys: ['name'],
      mergeKey: 'name',
      strategy: 'merge',
    });
    const volumes = fieldOf(core('PodSpec'), 'volumes');
    assert.equal(volumes.type.t === 'array' && volumes.type.strategy, 'merge,retainKeys');
    assert.equal(fieldOf(core('PodSpec'), 'initContainers').proto, 20);
    assert.equal(fieldOf(core('PodSpec'), 'ephemeralContainers').proto, 34);
    assert.equal(fieldOf(core('PodSpec'), 'resources').proto, 40);
  });

  it('key container ports by port and protocol', () => {
    const ports = fieldOf(core('Container'), 'ports');
    assert.equal(ports.proto, 6);
    assert.ok(ports.type.t === 'array');
    assert.equal(ports.type.listType, 'map');
    assert.deepEqual(ports.type.mapKeys, ['containerPort', 'protocol']);
    assert.equal(ports.type.mergeKey, 'containerPort');
    assert.equal(fieldOf(core('ContainerPort'), 'containerPort').required, true);
    assert.equal(fieldOf(core('Container'), 'envFrom').proto, 19);
    assert.equal(fieldOf(core('Container'), 'startupProbe').proto, 22);
    assert.equal(fieldOf(core('Container'), 'resizePolicy').proto, 23);
  });

  it('carry secret data as bytes in protobuf field 2', () => {
    const data = fieldOf(core('Secret'), 'data');
    assert.equal(data.proto, 2);
    assert.deepEqual(data.type, { t: 'map', values: { t: 'bytes' } });
    assert.equal(fieldOf(core('Secret'), 'stringData').proto, 4);
    assert.equal(fieldOf(core('Secret'), 'immutable').proto, 5);
    assert.equal(fieldOf(core('ConfigMap'), 'immutable').proto, 4);
  });

  it('number service spec fields as the proto does', () => {
    assert.equal(fieldOf(core('ServiceSpec'), 'ports').proto, 1);
    assert.equal(fieldOf(core('ServiceSpec'), 'clusterIPs').proto, 18);
    assert.equal(fieldOf(core('ServiceSpec'), 'trafficDistribution').proto, 23);
    assert.equal(fieldOf(core('ServicePort'), 'port').required, true);
    assert.equal(fieldOf(core('ServicePort'), 'appProtocol').proto, 6);
  });

  it('number meta fields as the proto does', () => {
    assert.equal(fieldOf(meta('ObjectMeta'), 'managedFields').proto, 17);
    assert.equal(fieldOf(meta('ManagedFieldsEntry'), 'fieldsV1').type.t, 'raw');
    const owners = fieldOf(meta('ObjectMeta'), 'ownerReferences').type;
    assert.ok(owners.t === 'array');
    assert.equal(owners.mergeKey, 'uid');
    assert.equal(fieldOf(meta('OwnerReference'), 'apiVersion').proto, 5);
    assert.equal(fieldOf(meta('StatusDetails'), 'uid').proto, 6);
  });

  it('flatten inline structs into their parents without protobuf numbers', () => {
    for (const e of coreInlineEmbeddings) {
      const parent = def(e.parent);
      const embedded = def(e.type);
      for (const name of Object.keys(embedded.fields)) {
        assert.ok(parent.fields[name], `${e.parent} lacks inlined ${name}`);
        assert.equal(parent.fields[name]?.proto, undefined, `${e.parent}.${name}`);
      }
      const own = Object.values(parent.fields).map((f) => f.proto);
      assert.ok(!own.includes(e.proto), `${e.parent} reuses the embedding number ${e.proto}`);
    }
    assert.ok(fieldOf(core('Volume'), 'configMap'));
    assert.ok(fieldOf(core('Probe'), 'httpGet'));
    assert.ok(fieldOf(core('ConfigMapKeySelector'), 'name'));
  });

  it('mark the fields the schema requires', () => {
    assert.equal(fieldOf(core('EnvVar'), 'name').required, true);
    assert.equal(fieldOf(core('VolumeMount'), 'mountPath').required, true);
    assert.equal(fieldOf(core('KeyToPath'), 'path').required, true);
    assert.equal(fieldOf(core('Volume'), 'name').required, true);
    assert.ok(Object.values(def(core('Toleration')).fields).every((f) => !f.required));
  });
});
