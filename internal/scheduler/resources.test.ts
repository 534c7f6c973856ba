import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultMemoryRequest, defaultMilliCpuRequest, podRequests, quantityOf, resourcesOf } from './resources.ts';
import { makePod } from './testing.ts';

describe('resource amounts', () => {
  it('cpu is counted in millicores and rounded up, without float noise', () => {
    assert.equal(quantityOf('cpu', '0.1'), 100);
    assert.equal(quantityOf('cpu', '250m'), 250);
    assert.equal(quantityOf('cpu', '1.0005'), 1001);
    assert.equal(quantityOf('cpu', 2), 2000);
  });

  it('memory and storage are counted in bytes with binary and decimal suffixes', () => {
    assert.equal(quantityOf('memory', '1Gi'), 2 ** 30);
    assert.equal(quantityOf('memory', '500M'), 500_000_000);
    assert.equal(quantityOf('ephemeral-storage', '1e3'), 1000);
  });

  it('a malformed quantity counts as nothing', () => {
    assert.equal(quantityOf('cpu', 'lots'), 0);
  });

  it('extended resources are kept by name and pods are not counted as a request', () => {
    const r = resourcesOf({ cpu: '1', 'example.com/gpu': '2', pods: '110' });
    assert.deepEqual(r, { milliCpu: 1000, memory: 0, ephemeralStorage: 0, scalar: { 'example.com/gpu': 2 } });
  });
});

describe('a pod\'s effective request', () => {
  it('adds up the app containers', () => {
    const pod = makePod('p', { containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' } } }, { resources: { requests: { cpu: '500m' } } }] });
    assert.deepEqual(podRequests(pod), { milliCpu: 1500, memory: 2 ** 30, ephemeralStorage: 0, scalar: {} });
  });

  it('takes the largest init container when it exceeds the app containers, per resource', () => {
    const pod = makePod('p', {
      containers: [{ resources: { requests: { cpu: '2', memory: '1G' } } }, { resources: { requests: { cpu: '1', memory: '1G' } } }],
      initContainers: [{ resources: { requests: { cpu: '2', memory: '1G' } } }, { resources: { requests: { cpu: '2', memory: '3G' } } }],
    });
    const r = podRequests(pod);
    assert.equal(r.milliCpu, 3000);
    assert.equal(r.memory, 3_000_000_000);
  });

  it('counts sidecar init containers with the app containers and beside later init containers', () => {
    const pod = makePod('p', {
      containers: [{ resources: { requests: { cpu: '1' } } }],
      initContainers: [
        { restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
        { resources: { requests: { cpu: '2' } } },
      ],
    });
    // App 1 + sidecar 0.5 = 1.5; the second init container runs beside the sidecar: 2.5.
    assert.equal(podRequests(pod).milliCpu, 2500);
  });

  it('adds the pod overhead', () => {
    const pod = makePod('p', { cpu: '1', spec: { overhead: { cpu: '250m' } } });
    assert.equal(podRequests(pod).milliCpu, 1250);
  });

  it('with scoring defaults, a container without cpu or memory requests counts as 100m and 200Mi', () => {
    const pod = makePod('p', { containers: [{ resources: {} }, { resources: { requests: { cpu: '1' } } }] });
    const r = podRequests(pod, true);
    assert.equal(r.milliCpu, defaultMilliCpuRequest + 1000);
    assert.equal(r.memory, 2 * defaultMemoryRequest);
    assert.equal(podRequests(pod).milliCpu, 1000);
  });
});
