import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { FieldDef, TypeDef, TypeRef } from '../model.ts';
import { definitionNamed, kindDefinition } from '../registry.ts';
import { appsDefinitions } from './apps.ts';
import { batchDefinitions } from './batch.ts';
import { miscDefinitions } from './misc.ts';
import { networkingDefinitions } from './networking.ts';

const groups: Record<string, TypeDef[]> = {
  apps: appsDefinitions,
  batch: batchDefinitions,
  networking: networkingDefinitions,
  misc: miscDefinitions,
};
const all = Object.values(groups).flat();

function def(name: string): TypeDef {
  const found = all.find((d) => d.name === name);
  assert.ok(found, `${name} is defined`);
  return found;
}

function fieldOf(typeName: string, fieldName: string): FieldDef {
  const f = def(typeName).fields[fieldName];
  assert.ok(f, `${typeName}.${fieldName} is defined`);
  return f;
}

/** Every definition name a type mentions, looking through lists and maps. */
function refsOf(type: TypeRef): string[] {
  if (type.t === 'ref') return [type.name];
  if (type.t === 'array') return refsOf(type.items);
  if (type.t === 'map') return refsOf(type.values);
  return [];
}

const expectedKinds = [
  'apps/v1/ControllerRevision',
  'apps/v1/DaemonSet',
  'apps/v1/Deployment',
  'apps/v1/ReplicaSet',
  'apps/v1/StatefulSet',
  'autoscaling/v1/HorizontalPodAutoscaler',
  'autoscaling/v1/Scale',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'batch/v1/CronJob',
  'batch/v1/Job',
  'coordination.k8s.io/v1/Lease',
  'discovery.k8s.io/v1/EndpointSlice',
  'events.k8s.io/v1/Event',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/IngressClass',
  'networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'scheduling.k8s.io/v1/PriorityClass',
  'storage.k8s.io/v1/StorageClass',
];

/** Core and meta types are written separately; references to them are checked only once they exist. */
const separatelyWrittenPrefixes = ['io.k8s.api.core.v1.', 'io.k8s.apimachinery.'];

describe('non-core API group definitions', () => {
  for (const [group, defs] of Object.entries(groups)) {
    it(`${group} defines at least one type`, () => {
      assert.ok(defs.length > 0);
    });
  }

  it('use each protobuf field number at most once within a struct', () => {
    for (const d of all) {
      const seen = new Map<number, string>();
      for (const [name, f] of Object.entries(d.fields)) {
        if (f.proto === undefined) continue;
        assert.ok(!seen.has(f.proto), `${d.name}: ${name} and ${seen.get(f.proto)} share number ${f.proto}`);
        seen.set(f.proto, name);
      }
    }
  });

  it('give every field other than apiVersion, kind and inline embeddings a protobuf number', () => {
    // IngressRule embeds IngressRuleValue inline, which the model cannot number.
    const inline = new Set(['io.k8s.api.networking.v1.IngressRule.http']);
    for (const d of all) {
      for (const [name, f] of Object.entries(d.fields)) {
        if (d.gvk && (name === 'apiVersion' || name === 'kind')) continue;
        if (inline.has(`${d.name}.${name}`)) continue;
        assert.ok(f.proto !== undefined, `${d.name}.${name} has a protobuf number`);
      }
    }
  });

  it('register each name once and only names of the Kubernetes API', () => {
    const names = all.map((d) => d.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^io\.k8s\.api\.[a-z]+\.v[0-9]+\.[A-Z][A-Za-z]+$/);
  });

  it('give every top-level kind a gvk, the TypeMeta fields and metadata as field 1', () => {
    const kinds = all.filter((d) => d.gvk);
    assert.deepEqual(kinds.map((d) => `${d.gvk?.group}/${d.gvk?.version}/${d.gvk?.kind}`).sort(), expectedKinds);
    for (const d of kinds) {
      assert.equal(d.fields.apiVersion?.proto, undefined, `${d.name} apiVersion`);
      assert.equal(d.fields.kind?.type.t, 'string', `${d.name} kind`);
      assert.ok(d.fields.apiVersion, `${d.name} has apiVersion`);
      const metadata = d.fields.metadata;
      assert.ok(metadata, `${d.name} has metadata`);
      assert.equal(metadata.proto, 1);
      assert.deepEqual(metadata.type, { t: 'ref', name: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
      assert.ok(d.name.endsWith(`.${d.gvk?.kind}`), `${d.name} is named after its kind`);
    }
  });

  it('define no List kinds', () => {
    assert.deepEqual(
      all.filter((d) => d.gvk?.kind.endsWith('List')).map((d) => d.name),
      [],
    );
  });

  it('resolve every reference to a defined name (core and meta once those are written)', () => {
    const missing: string[] = [];
    for (const d of all) {
      for (const f of Object.values(d.fields)) {
        for (const name of refsOf(f.type)) {
          if (definitionNamed(name)) continue;
          if (separatelyWrittenPrefixes.some((p) => name.startsWith(p))) continue;
          missing.push(`${d.name} -> ${name}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('are reachable by group, version and kind through the registry', () => {
    assert.equal(kindDefinition('apps', 'v1', 'Deployment')?.name, 'io.k8s.api.apps.v1.Deployment');
    assert.equal(kindDefinition('autoscaling', 'v1', 'Scale')?.name, 'io.k8s.api.autoscaling.v1.Scale');
  });
});

describe('apps/v1 facts', () => {
  it('DeploymentSpec numbers replicas 1, template 3 and strategy 4 with retainKeys', () => {
    assert.deepEqual(fieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'replicas'), {
      proto: 1,
      type: { t: 'int32' },
      description: fieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'replicas').description,
    });
    const template = fieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'template');
    assert.equal(template.proto, 3);
    assert.equal(template.required, true);
    assert.deepEqual(template.type, { t: 'ref', name: 'io.k8s.api.core.v1.PodTemplateSpec' });
    const strategy = fieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'strategy');
    assert.equal(strategy.proto, 4);
    assert.equal(strategy.strategy, 'retainKeys');
    assert.equal(fieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'selector').required, true);
    assert.equal(fieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'progressDeadlineSeconds').proto, 9);
  });

  it('Deployment conditions merge and apply by type', () => {
    const t = fieldOf('io.k8s.api.apps.v1.DeploymentStatus', 'conditions').type;
    assert.equal(t.t, 'array');
    if (t.t !== 'array') return;
    assert.equal(t.listType, 'map');
    assert.deepEqual(t.mapKeys, ['type']);
    assert.equal(t.mergeKey, 'type');
    assert.equal(t.strategy, 'merge');
    assert.equal(fieldOf('io.k8s.api.apps.v1.DeploymentCondition', 'lastUpdateTime').proto, 6);
  });

  it('ControllerRevision data is free-form and StatefulSet ordinals is field 11', () => {
    assert.equal(fieldOf('io.k8s.api.apps.v1.ControllerRevision', 'data').type.t, 'raw');
    assert.equal(fieldOf('io.k8s.api.apps.v1.StatefulSetSpec', 'ordinals').proto, 11);
    assert.equal(fieldOf('io.k8s.api.apps.v1.ReplicaSetSpec', 'minReadySeconds').proto, 4);
  });
});

describe('batch/v1 facts', () => {
  it('JobSpec numbers template 6 (required), podFailurePolicy 11, successPolicy 16 and managedBy 15', () => {
    const template = fieldOf('io.k8s.api.batch.v1.JobSpec', 'template');
    assert.equal(template.proto, 6);
    assert.equal(template.required, true);
    assert.equal(fieldOf('io.k8s.api.batch.v1.JobSpec', 'podFailurePolicy').proto, 11);
    assert.equal(fieldOf('io.k8s.api.batch.v1.JobSpec', 'successPolicy').proto, 16);
    assert.equal(fieldOf('io.k8s.api.batch.v1.JobSpec', 'backoffLimitPerIndex').proto, 12);
    assert.equal(fieldOf('io.k8s.api.batch.v1.JobSpec', 'managedBy').proto, 15);
    assert.equal(fieldOf('io.k8s.api.batch.v1.JobStatus', 'ready').proto, 9);
    assert.equal(fieldOf('io.k8s.api.batch.v1.JobStatus', 'terminating').proto, 11);
  });

  it('CronJobSpec keeps timeZone at 8 and its job template at 5', () => {
    assert.equal(fieldOf('io.k8s.api.batch.v1.CronJobSpec', 'timeZone').proto, 8);
    assert.deepEqual(fieldOf('io.k8s.api.batch.v1.CronJobSpec', 'jobTemplate').type, {
      t: 'ref',
      name: 'io.k8s.api.batch.v1.JobTemplateSpec',
    });
  });
});

describe('networking and discovery facts', () => {
  it('IngressSpec numbers ingressClassName 4 and IngressBackend service 4', () => {
    assert.equal(fieldOf('io.k8s.api.networking.v1.IngressSpec', 'ingressClassName').proto, 4);
    assert.equal(fieldOf('io.k8s.api.networking.v1.IngressBackend', 'service').proto, 4);
    assert.equal(fieldOf('io.k8s.api.networking.v1.HTTPIngressPath', 'pathType').proto, 3);
    assert.equal(def('io.k8s.api.networking.v1.ServiceBackendPort').mapType, 'atomic');
  });

  it('EndpointSlice carries its fields at the top level with addressType 4', () => {
    assert.equal(fieldOf('io.k8s.api.discovery.v1.EndpointSlice', 'addressType').proto, 4);
    assert.equal(def('io.k8s.api.discovery.v1.EndpointSlice').fields.spec, undefined);
    assert.equal(def('io.k8s.api.discovery.v1.EndpointPort').mapType, 'atomic');
  });
});

describe('misc group facts', () => {
  it('PolicyRule requires verbs and RoleRef and Subject require their identity fields', () => {
    assert.equal(fieldOf('io.k8s.api.rbac.v1.PolicyRule', 'verbs').required, true);
    for (const f of ['apiGroup', 'kind', 'name']) assert.equal(fieldOf('io.k8s.api.rbac.v1.RoleRef', f).required, true);
    for (const f of ['kind', 'name']) assert.equal(fieldOf('io.k8s.api.rbac.v1.Subject', f).required, true);
    assert.equal(fieldOf('io.k8s.api.rbac.v1.Subject', 'apiGroup').required, undefined);
  });

  it('keeps autoscaling v1 and v2 types apart', () => {
    assert.equal(
      fieldOf('io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec', 'targetCPUUtilizationPercentage').proto,
      4,
    );
    assert.equal(def('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec').fields.targetCPUUtilizationPercentage, undefined);
    assert.deepEqual(fieldOf('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec', 'scaleTargetRef').type, {
      t: 'ref',
      name: 'io.k8s.api.autoscaling.v2.CrossVersionObjectReference',
    });
    assert.equal(fieldOf('io.k8s.api.autoscaling.v2.MetricSpec', 'containerResource').proto, 7);
  });

  it('replaces the PodDisruptionBudget selector whole under strategic merge patch', () => {
    assert.equal(fieldOf('io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'selector').strategy, 'replace');
    assert.equal(fieldOf('io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'unhealthyPodEvictionPolicy').proto, 4);
  });

  it('numbers Lease and Event fields as upstream', () => {
    assert.equal(fieldOf('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime').type.t, 'microTime');
    assert.equal(fieldOf('io.k8s.api.events.v1.Event', 'deprecatedCount').proto, 15);
    assert.equal(fieldOf('io.k8s.api.storage.v1.StorageClass', 'allowedTopologies').proto, 8);
    assert.equal(fieldOf('io.k8s.api.scheduling.v1.PriorityClass', 'value').required, true);
  });
});
