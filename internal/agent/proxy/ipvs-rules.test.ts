/** The IPVS generator: virtual services, ipvsadm-restore text and updates, and the refusal without ip_vs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandRunner } from './command-runner.ts';
import { serviceFixture as service, sliceFixture as slice, testNode } from './fixtures.ts';
import { checkIpvsSupport, ProxyModeError } from './ipvs-applier.ts';
import { buildIpvsServices, ipvsBoundAddresses, ipvsUpdateText, parseIpvsadmSave } from './ipvs-rules.ts';
import { servicePortsOf } from './model.ts';

const nodePort = { type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] };
const endpoints = [{ ip: '10.42.0.5', node: 'n1' }, { ip: '10.42.1.5', node: 'n2' }, { ip: '10.42.1.6', node: 'n2', ready: false }];

test('a NodePort service becomes a virtual service on its cluster IP and on each node address, with its ready endpoints as NAT real servers', () => {
  const services = buildIpvsServices(servicePortsOf(service('web', { clusterIP: '10.43.0.10', ...nodePort }), [slice('web', endpoints)]), testNode);
  assert.equal(ipvsUpdateText([], services), [
    '-A -t 10.43.0.10:80 -s rr',
    '-a -t 10.43.0.10:80 -r 10.42.0.5:8080 -m -w 1',
    '-a -t 10.43.0.10:80 -r 10.42.1.5:8080 -m -w 1',
    '-A -t 127.0.0.1:30080 -s rr',
    '-a -t 127.0.0.1:30080 -r 10.42.0.5:8080 -m -w 1',
    '-a -t 127.0.0.1:30080 -r 10.42.1.5:8080 -m -w 1',
    '-A -t 192.0.2.1:30080 -s rr',
    '-a -t 192.0.2.1:30080 -r 10.42.0.5:8080 -m -w 1',
    '-a -t 192.0.2.1:30080 -r 10.42.1.5:8080 -m -w 1',
    '',
  ].join('\n'));
  assert.deepEqual(ipvsBoundAddresses(services, testNode), ['10.43.0.10']);
});

test('ClientIP affinity becomes persistence, and Local policies keep only this node\'s endpoints', () => {
  const spec = { clusterIP: '10.43.0.10', ...nodePort, externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } };
  const lb = service('web', { ...spec, type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '198.51.100.9' }] } });
  const text = ipvsUpdateText([], buildIpvsServices(servicePortsOf(lb, [slice('web', endpoints)]), testNode));
  assert.equal(text, [
    '-A -t 10.43.0.10:80 -s rr -p 60',
    '-a -t 10.43.0.10:80 -r 10.42.0.5:8080 -m -w 1',
    '-A -t 127.0.0.1:80 -s rr -p 60',
    '-a -t 127.0.0.1:80 -r 10.42.0.5:8080 -m -w 1',
    '-A -t 127.0.0.1:30080 -s rr -p 60',
    '-a -t 127.0.0.1:30080 -r 10.42.0.5:8080 -m -w 1',
    '-A -t 192.0.2.1:80 -s rr -p 60',
    '-a -t 192.0.2.1:80 -r 10.42.0.5:8080 -m -w 1',
    '-A -t 192.0.2.1:30080 -s rr -p 60',
    '-a -t 192.0.2.1:30080 -r 10.42.0.5:8080 -m -w 1',
    '-A -t 198.51.100.9:80 -s rr -p 60',
    '-a -t 198.51.100.9:80 -r 10.42.0.5:8080 -m -w 1',
    '',
  ].join('\n'));
});

test('headless and ExternalName services get no virtual service; UDP ports use -u', () => {
  assert.deepEqual(buildIpvsServices(servicePortsOf(service('h', { clusterIP: 'None' }), []), testNode), []);
  const dns = service('dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', protocol: 'UDP', port: 53 }] });
  assert.equal(ipvsUpdateText([], buildIpvsServices(servicePortsOf(dns, []), testNode)), '-A -u 10.43.0.10:53 -s rr\n');
});

test('an update writes only the difference to what ipvsadm-save reports', () => {
  const current = parseIpvsadmSave([
    '-A -t 10.43.0.10:80 -s rr',
    '-a -t 10.43.0.10:80 -r 10.42.0.5:8080 -m -w 1',
    '-a -t 10.43.0.10:80 -r 10.42.0.7:8080 -m -w 1',
    '-A -t 10.43.0.99:80 -s rr',
    '-A -u 10.43.0.11:53 -s wrr',
  ].join('\n'));
  const desired = buildIpvsServices([
    ...servicePortsOf(service('web', { clusterIP: '10.43.0.10' }), [slice('web', endpoints)]),
    ...servicePortsOf(service('dns', { clusterIP: '10.43.0.11', ports: [{ name: 'dns', protocol: 'UDP', port: 53 }] }), []),
  ], testNode);
  assert.equal(ipvsUpdateText(current, desired), [
    '-D -t 10.43.0.99:80',
    '-d -t 10.43.0.10:80 -r 10.42.0.7:8080',
    '-a -t 10.43.0.10:80 -r 10.42.1.5:8080 -m -w 1',
    '-E -u 10.43.0.11:53 -s rr',
    '',
  ].join('\n'));
  assert.equal(ipvsUpdateText(desired, desired), '');
});

const runner = (code: number, stderr = ''): CommandRunner => ({ run: async () => ({ code, stdout: '', stderr }) });

test('IPVS mode is refused with one line naming the fix where the kernel has no ip_vs', async () => {
  await assert.rejects(checkIpvsSupport(runner(0), '/nonexistent/ip_vs'), (error: unknown) => {
    assert.ok(error instanceof ProxyModeError);
    assert.match(error.message, /^Cannot use --proxy-mode ipvs as this kernel has no IP Virtual Server support \(\/nonexistent\/ip_vs is missing\): .*--proxy-mode iptables$/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
});

test('IPVS mode is refused when ipvsadm fails even though the kernel file exists', async () => {
  await assert.rejects(checkIpvsSupport(runner(2, "Can't initialize ipvs: Protocol not available\n"), '/proc/self/status'), /'ipvsadm -Ln' fails \(Can't initialize ipvs: Protocol not available\)/);
  await checkIpvsSupport(runner(0), '/proc/self/status');
});
