import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from './errors.ts';
import { canonicalIp, diffNames, subjectAltNames } from './names.ts';

test('IPs are spelled one way: IPv6 compressed and lower-case, IPv4 as given', () => {
  assert.equal(canonicalIp('10.43.0.1'), '10.43.0.1');
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalIp(' ::1 '), '::1');
  assert.equal(canonicalIp('::ffff:192.168.1.1'), '::ffff:c0a8:101');
  assert.equal(canonicalIp('pi-1'), undefined);
  assert.equal(canonicalIp('10.43.0.256'), undefined);
});

test('names are sorted into DNS names and IPs, lower-cased, without trailing dots or duplicates', () => {
  assert.deepEqual(subjectAltNames(['Pi-1', 'pi-1.', '127.0.0.1', 'fd00::1', '*.apps.example', '127.0.0.1']), {
    dnsNames: ['*.apps.example', 'pi-1'],
    ips: ['127.0.0.1', 'fd00::1'],
  });
});

test('a name with spaces, an empty name, or a malformed label is refused', () => {
  for (const bad of ['bad name', '', 'a..b', '-a.example', 'a'.repeat(64)]) {
    assert.throws(() => subjectAltNames([bad]), InvalidArgumentError, JSON.stringify(bad));
  }
});

test('the difference of two name sets lists what is missing and what is no longer wanted', () => {
  const have = subjectAltNames(['a.example', '10.0.0.1']);
  const wanted = subjectAltNames(['a.example', '10.0.0.2']);
  assert.deepEqual(diffNames(have, wanted), { missing: ['10.0.0.2'], extra: ['10.0.0.1'] });
  assert.deepEqual(diffNames(have, have), { missing: [], extra: [] });
});
