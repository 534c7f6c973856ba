import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../apiserver/objects.ts';
import { defaulted, summary, typeOf } from './fixtures.ts';
import { validateCreate, validateUpdate } from './index.ts';

const cmType = typeOf('ConfigMap');
const secretType = typeOf('Secret');
const nsType = typeOf('Namespace');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('a ConfigMap with text and binary data passes validation', () => {
  assert.deepEqual(validateCreate(cmType, defaulted('ConfigMap', '', { data: { 'app.conf': 'x=1' }, binaryData: { 'logo.png': b64('png') } })), []);
});

const cmCases: Array<[string, JsonObject, string[]]> = [
  ['a key with a slash', { data: { 'a/b': '1' } }, ['data[a/b] FieldValueInvalid']],
  ['a key in both data and binaryData', { data: { a: '1' }, binaryData: { a: b64('1') } }, ['data[a] FieldValueInvalid']],
  ['more than 1 MiB of data', { data: { a: 'x'.repeat(1024 * 1024 + 1) } }, ['data FieldValueTooLong']],
];

for (const [name, body, expected] of cmCases) {
  test(`a ConfigMap with ${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(cmType, defaulted('ConfigMap', '', body))), expected);
  });
}

test('an immutable ConfigMap may not change its data or become mutable', () => {
  const old = defaulted('ConfigMap', '', { data: { a: '1' }, immutable: true });
  assert.deepEqual(validateUpdate(cmType, defaulted('ConfigMap', '', { data: { a: '1' }, immutable: true, metadata: { name: 'x', namespace: 'default', labels: { l: 'v' } } }), old), []);
  assert.deepEqual(summary(validateUpdate(cmType, defaulted('ConfigMap', '', { data: { a: '2' } }), old)), ['data FieldValueForbidden', 'immutable FieldValueForbidden']);
});

test('a Secret defaults to Opaque and folds stringData into data', () => {
  const secret = defaulted('Secret', '', { stringData: { password: 'hunter2' } });
  assert.equal(secret.type, 'Opaque');
  assert.deepEqual(secret.data, { password: b64('hunter2') });
  assert.equal(secret.stringData, undefined);
  assert.deepEqual(validateCreate(secretType, secret), []);
});

const secretCases: Array<[string, JsonObject, string[]]> = [
  ['a value that is not base64', { data: { a: 'not base64!' } }, ['data[a] FieldValueInvalid']],
  ['type TLS without a key', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('cert') } }, ['data[tls.key] FieldValueRequired']],
  ['type dockerconfigjson with bad JSON', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{') } }, ['data[.dockerconfigjson] FieldValueInvalid']],
  ['type dockerconfigjson without its key', { type: 'kubernetes.io/dockerconfigjson', data: {} }, ['data[.dockerconfigjson] FieldValueRequired']],
  ['type basic-auth without credentials', { type: 'kubernetes.io/basic-auth' }, ['data[password] FieldValueRequired', 'data[username] FieldValueRequired']],
];

for (const [name, body, expected] of secretCases) {
  test(`a Secret with ${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(secretType, defaulted('Secret', '', body))), expected);
  });
}

test('a Secret may not change its type', () => {
  const old = defaulted('Secret', '', { data: { a: b64('1') } });
  const next = defaulted('Secret', '', { type: 'example.com/custom', data: { a: b64('1') } });
  assert.deepEqual(summary(validateUpdate(secretType, next, old)), ['type FieldValueInvalid']);
});

test('a Namespace is labelled with its name, finalized by kubernetes and Active', () => {
  const ns = defaulted('Namespace', '', {});
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'x' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(validateCreate(nsType, ns), []);
});

test('a Namespace name must be a DNS label and a namespace may not carry a namespace', () => {
  const ns = defaulted('Namespace', '', {});
  ns.metadata.name = 'a.b';
  ns.metadata.namespace = 'default';
  assert.deepEqual(summary(validateCreate(nsType, ns)), ['metadata.name FieldValueInvalid', 'metadata.namespace FieldValueForbidden']);
});
