import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { typeOf } from '../validation/fixtures.ts';
import { applyDefaults, defaultPullPolicy } from './index.ts';

const podType = typeOf('Pod');

function defaultedPod(spec: JsonObject): JsonObject {
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'default' }, spec };
  applyDefaults(podType, pod);
  return pod.spec as JsonObject;
}

test('a pod spec gets the upstream scheduling and lifecycle defaults', () => {
  const spec = defaultedPod({ containers: [{ name: 'c', image: 'nginx' }] });
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual((spec.tolerations as JsonObject[]).map((t) => t.key), ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
});

test('containers get termination message, pull policy, port protocol and probe defaults', () => {
  const spec = defaultedPod({
    containers: [{
      name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }],
      livenessProbe: { httpGet: { port: 80 } },
      env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    }],
  });
  const c = (spec.containers as JsonObject[])[0] as JsonObject;
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
  });
  assert.deepEqual(c.env, [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }]);
  assert.deepEqual(c.resources, {});
});

test('pull policy is Always for latest or untagged images and IfNotPresent otherwise', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx:1.2'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('volumes get default modes, host path type, and emptyDir when no source is given', () => {
  const spec = defaultedPod({
    containers: [{ name: 'c', image: 'nginx' }],
    volumes: [{ name: 'a', configMap: { name: 'cm' } }, { name: 'b', secret: { secretName: 's' } }, { name: 'c', hostPath: { path: '/x' } }, { name: 'd' }],
  });
  assert.deepEqual(spec.volumes, [
    { name: 'a', configMap: { name: 'cm', defaultMode: 420 } },
    { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'c', hostPath: { path: '/x', type: '' } },
    { name: 'd', emptyDir: {} },
  ]);
});

test('explicit values are kept and requests default to limits', () => {
  const spec = defaultedPod({
    restartPolicy: 'Never',
    containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never', resources: { limits: { cpu: '1' }, requests: { memory: '1Gi' } } }],
  });
  const c = (spec.containers as JsonObject[])[0] as JsonObject;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(c.imagePullPolicy, 'Never');
  assert.deepEqual(c.resources, { limits: { cpu: '1' }, requests: { memory: '1Gi', cpu: '1' } });
});
