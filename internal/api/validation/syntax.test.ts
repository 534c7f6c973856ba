import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuantity } from './quantity.ts';
import { cidr, dns1035Label, envVarName, ianaServiceName, ipAddress, qualifiedName } from './syntax.ts';

test('quantities parse decimal, binary and exponent suffixes and reject units Kubernetes does not know', () => {
  assert.equal(parseQuantity('500m'), 0.5);
  assert.equal(parseQuantity('1Gi'), 2 ** 30);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity(2), 2);
  for (const bad of ['1GB', 'abc', '', ' 1', '1 Gi']) assert.equal(parseQuantity(bad), undefined, bad);
});

test('qualified names allow one DNS prefix and a short name part', () => {
  assert.deepEqual(qualifiedName('app.kubernetes.io/name'), []);
  assert.deepEqual(qualifiedName('a/b/c').length, 1);
  assert.equal(qualifiedName(`x/${'a'.repeat(64)}`)[0], 'name part must be no more than 63 characters');
  assert.match(qualifiedName('Bad_Prefix/name')[0] ?? '', /^prefix part a lowercase RFC 1123 subdomain/);
});

test('service names must start with a letter, port names need one', () => {
  assert.equal(dns1035Label('1abc').length, 1);
  assert.deepEqual(ianaServiceName('http'), []);
  assert.deepEqual(ianaServiceName('8080'), ['must contain at least one letter (a-z)']);
});

test('env names may be any printable ASCII except "="', () => {
  assert.deepEqual(envVarName('my.var-1 x'), []);
  assert.equal(envVarName('A=B').length, 1);
  assert.equal(envVarName('').length, 1);
});

test('IPs and CIDRs are checked by family', () => {
  assert.deepEqual(ipAddress('fd00::1'), []);
  assert.equal(ipAddress('10.0.0').length, 1);
  assert.deepEqual(cidr('10.42.0.0/16'), []);
  assert.equal(cidr('fd00::/129').length, 1);
  assert.equal(cidr('10.42.0.0').length, 1);
});
