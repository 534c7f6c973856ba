import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidr, dnsName, hostOrIp, ipAddress, nodeName, port, serverUrl } from './validate.ts';

test('CIDRs must be network addresses with a prefix that fits the family', () => {
  for (const ok of ['10.42.0.0/16', '10.43.0.0/16', '0.0.0.0/0', '192.168.1.0/24', 'fd00::/8', '2001:db8::/32', '::/0']) {
    assert.equal(cidr(ok), undefined, ok);
  }
  for (const bad of ['10.42.0.0', '10.42.1.0/16', '10.42.0.0/33', '10.42.0.0/x', 'fd00::1/64', 'nope/8', '']) {
    assert.notEqual(cidr(bad), undefined, bad);
  }
});

test('IP addresses of either family are accepted and anything else is not', () => {
  assert.equal(ipAddress('10.43.0.10'), undefined);
  assert.equal(ipAddress('::1'), undefined);
  assert.notEqual(ipAddress('10.43.0.300'), undefined);
  assert.notEqual(ipAddress('localhost'), undefined);
});

test('ports run from 1 to 65535', () => {
  assert.equal(port(1), undefined);
  assert.equal(port(65535), undefined);
  assert.notEqual(port(0), undefined);
  assert.notEqual(port(65536), undefined);
});

test('names, SANs and server URLs follow DNS and https rules', () => {
  assert.equal(dnsName('cluster.local'), undefined);
  assert.notEqual(dnsName('-bad.local'), undefined);
  assert.equal(hostOrIp('skiff.example.com'), undefined);
  assert.equal(hostOrIp('192.0.2.10'), undefined);
  assert.notEqual(hostOrIp('bad name'), undefined);
  assert.equal(nodeName(''), undefined);
  assert.equal(nodeName('pi-01'), undefined);
  assert.notEqual(nodeName('Pi_01'), undefined);
  assert.equal(serverUrl('https://192.0.2.10:6443'), undefined);
  assert.notEqual(serverUrl('http://192.0.2.10:6443'), undefined);
  assert.notEqual(serverUrl('192.0.2.10:6443'), undefined);
});
