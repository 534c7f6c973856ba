import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { hostFacts, nodeAddresses, nodeInfo, nodeResources } from './node-info.ts';

describe('node facts', () => {
  it('capacity comes from the machine and allocatable keeps memory and disk back', () => {
    const { capacity, allocatable } = nodeResources({ cpus: 4, memoryBytes: 8 * 2 ** 30, diskBytes: 100 * 2 ** 30, maxPods: 110 });
    assert.deepEqual(capacity, { cpu: '4', memory: '8388608Ki', pods: '110', 'ephemeral-storage': '104857600Ki' });
    assert.equal(allocatable.memory, `${8388608 - 102400}Ki`);
    assert.equal(allocatable['ephemeral-storage'], String(Math.floor(100 * 2 ** 30 * 0.9)));
    assert.equal(allocatable.cpu, '4');
  });

  it('reads this host: cpus, memory and the data directory filesystem', () => {
    const facts = hostFacts(tmpdir());
    assert.ok(facts.cpus >= 1);
    assert.ok(facts.memoryBytes > 2 ** 20);
    assert.ok(facts.diskBytes > 0);
  });

  it('reports a Hostname address, the given internal IP, and Kubernetes-style nodeInfo', () => {
    const addresses = nodeAddresses('192.0.2.7');
    assert.deepEqual(addresses[0], { type: 'InternalIP', address: '192.0.2.7' });
    assert.equal(addresses[1]?.type, 'Hostname');
    const info = nodeInfo('docker://28.2.2', 'v1.32.0+skiff');
    assert.match(info.architecture, /^(amd64|arm64)$/);
    assert.equal(info.operatingSystem, 'linux');
    assert.equal(info.containerRuntimeVersion, 'docker://28.2.2');
    assert.ok(info.kernelVersion.length > 0);
  });
});
