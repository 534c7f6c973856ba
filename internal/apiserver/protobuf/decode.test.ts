import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindDefinition } from '../../api/schema/registry.ts';
import type { Json, JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { decodeProtobufObject } from './decode.ts';
import { b, by, concat, d, e, envelope, fixtures, m, s, v } from './test-fixtures.ts';

const decode = (body: Uint8Array): JsonObject => decodeProtobufObject(body, { definitions: fixtures });

/** Object metadata as Go writes it: every non-pointer field, empty or not. */
function objectMeta(name: string, ...more: Uint8Array[]): Uint8Array {
  return m(1, s(1, name), s(2, ''), s(3, ''), s(4, ''), s(5, ''), s(6, ''), v(7, 0), m(8), ...more);
}

/** What `kubectl create deployment web --image=nginx --replicas=2 --port=80` sends, in protobuf. */
const deploymentBody = envelope(
  'apps/v1',
  'Deployment',
  concat(
    objectMeta('web', e(11, 'app', 'web')),
    m(
      2,
      v(1, 2),
      m(2, e(1, 'app', 'web')),
      m(
        3,
        m(1, s(1, ''), m(8), e(11, 'app', 'web')),
        m(
          2,
          m(2, s(1, 'nginx'), s(2, 'nginx'), m(6, s(1, ''), v(2, 0), v(3, 80), s(4, '')), m(8), s(13, ''), s(14, '')),
          s(3, ''),
          s(6, ''),
          b(11, false),
        ),
      ),
      m(4, s(1, '')),
      v(5, 0),
      b(7, false),
    ),
    m(3, v(1, 0), v(2, 0)),
  ),
);

const serviceBody = envelope(
  'v1',
  'Service',
  concat(
    objectMeta('web'),
    m(
      2,
      m(1, s(1, 'http'), s(2, 'TCP'), v(3, 80), m(4, v(1, 0), v(2, 8080), s(3, '')), v(5, 0)),
      m(1, s(1, 'metrics'), s(2, 'TCP'), v(3, 9090), m(4, v(1, 1), v(2, 0), s(3, 'metrics')), v(5, 0)),
      e(2, 'app', 'web'),
      s(3, ''),
      s(4, 'ClusterIP'),
    ),
  ),
);

const configMapBody = envelope(
  'v1',
  'ConfigMap',
  concat(objectMeta('settings'), e(2, 'mode', 'fast'), e(2, 'empty', ''), m(3, s(1, 'blob'), by(2, new Uint8Array([0, 1, 2, 255])))),
);

function isBadRequest(error: unknown): boolean {
  return error instanceof ApiError && error.code === 400 && error.reason === 'BadRequest';
}

describe('decoding Kubernetes protobuf request bodies', () => {
  it('decodes a Deployment as kubectl create deployment sends it, dropping what JSON would omit', () => {
    assert.deepEqual(decode(deploymentBody), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', generation: 0, labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ hostPort: 0, containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: { observedGeneration: 0, replicas: 0 },
    });
  });

  it('keeps an explicit zero replica count', () => {
    const body = envelope('apps/v1', 'Deployment', concat(objectMeta('web'), m(2, v(1, 0))));
    assert.deepEqual(decode(body).spec, { replicas: 0 });
  });

  it('decodes ConfigMap data and binaryData, with bytes as base64 and empty map values kept', () => {
    const object = decode(configMapBody);
    assert.deepEqual(object.data, { mode: 'fast', empty: '' });
    assert.deepEqual(object.binaryData, { blob: 'AAEC/w==' });
  });

  it('decodes Secret data bytes as base64', () => {
    const body = envelope('v1', 'Secret', concat(objectMeta('creds'), m(2, s(1, 'password'), by(2, new TextEncoder().encode('hunter2'))), s(3, 'Opaque')));
    assert.deepEqual(decode(body), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', generation: 0 }, data: { password: 'aHVudGVyMg==' }, type: 'Opaque' });
  });

  it('decodes a Namespace, keeping empty nested messages as {}', () => {
    const body = envelope('v1', 'Namespace', concat(objectMeta('team-a'), m(2), m(3, s(1, ''))));
    assert.deepEqual(decode(body), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', generation: 0 }, spec: {}, status: {} });
  });

  it('decodes Service ports with numeric and named IntOrString target ports', () => {
    const spec = decode(serviceBody).spec;
    assert.deepEqual(spec, {
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 0 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics', nodePort: 0 },
      ],
      selector: { app: 'web' },
      type: 'ClusterIP',
    });
  });

  it('decodes a Job, keeping false for a boolean whose default is true', () => {
    const template = m(6, m(1, s(1, '')), m(2, m(2, s(1, 'pi'), s(2, 'perl'), m(3), s(13, ''), s(14, '')), s(3, 'Never')));
    const body = envelope('batch/v1', 'Job', concat(objectMeta('pi'), m(2, v(1, 1), v(2, 3), template, v(7, 0), b(10, false))));
    assert.deepEqual(decode(body).spec, {
      parallelism: 1,
      completions: 3,
      template: { metadata: {}, spec: { containers: [{ name: 'pi', image: 'perl', command: [''] }], restartPolicy: 'Never' } },
      backoffLimit: 0,
      suspend: false,
    });
  });

  it('renders times in RFC 3339 and parses managedFields fieldsV1 JSON', () => {
    const fieldsV1 = new TextEncoder().encode('{"f:metadata":{"f:labels":{}}}');
    const entry = m(17, s(1, 'kubectl'), s(2, 'Apply'), s(3, 'v1'), m(4, v(1, 1704164645)), s(6, 'FieldsV1'), m(7, by(1, fieldsV1)));
    const body = envelope('v1', 'ConfigMap', m(1, s(1, 'c'), m(8, v(1, 1704164645), v(2, 999)), entry));
    const metadata = decode(body).metadata as JsonObject;
    assert.equal(metadata.creationTimestamp, '2024-01-02T03:04:05Z');
    assert.deepEqual(metadata.managedFields, [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
    ]);
  });

  it('renders MicroTime with microseconds', () => {
    const body = envelope('example.k8s.io/v1', 'Node', m(4, v(1, 1704164645), v(2, 123456789)));
    assert.equal(decode(body).seen, '2024-01-02T03:04:05.123456Z');
  });

  it('decodes RawExtension JSON and nested protobuf objects', () => {
    const json = by(1, new TextEncoder().encode('{"spec":{"x":1}}'));
    assert.deepEqual(decode(envelope('apps/v1', 'ControllerRevision', concat(objectMeta('r'), m(2, json), v(3, 4)))).data, { spec: { x: 1 } });
    const nested = envelope('v1', 'Namespace', objectMeta('inner'));
    assert.deepEqual(decode(envelope('apps/v1', 'ControllerRevision', m(2, by(1, nested)))).data, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'inner', generation: 0 },
    });
  });

  it('accepts repeated scalars both unpacked and packed, and doubles', () => {
    // Varints 3 and 4 are one byte each.
    const packed = by(5, new Uint8Array([3, 4]));
    const body = envelope('example.k8s.io/v1', 'Node', concat(v(5, 1), v(5, 2), packed, d(3, 0.5)));
    assert.deepEqual(decode(body), { apiVersion: 'example.k8s.io/v1', kind: 'Node', weights: [1, 2, 3, 4], ratio: 0.5 });
  });

  it('skips fields it does not know, of any wire type', () => {
    const group = new Uint8Array([(40 << 3) | 3, (1 << 3) | 0, 7, (40 << 3) | 4]);
    const fixed32 = new Uint8Array([(41 << 3) | 5, 1, 2, 3, 4]);
    const body = envelope('v1', 'Namespace', concat(objectMeta('x'), group, fixed32, s(99, 'future')));
    assert.deepEqual(decode(body).metadata, { name: 'x', generation: 0 });
  });
});

describe('refusing malformed protobuf bodies with 400 BadRequest', () => {
  const refuses = (body: Uint8Array, message: RegExp): void => {
    assert.throws(() => decode(body), (error: unknown) => isBadRequest(error) && message.test((error as Error).message));
  };

  it('refuses a body without the k8s magic', () => {
    refuses(new TextEncoder().encode('{"kind":"Pod"}'), /magic/);
    refuses(new Uint8Array([0x6b, 0x38]), /magic/);
  });

  it('refuses a kind the server does not know', () => {
    refuses(envelope('v1', 'Widget', new Uint8Array()), /no kind "Widget" is registered for version "v1"/);
    refuses(envelope('a/b/c', 'Pod', new Uint8Array()), /apiVersion/);
    refuses(envelope('', '', new Uint8Array()), /apiVersion and kind/);
  });

  it('refuses a body cut in the middle of the object', () => {
    refuses(deploymentBody.subarray(0, deploymentBody.length - 30), /past the end|index out of range/);
  });

  it('refuses a known field sent with the wrong wire type', () => {
    refuses(envelope('v1', 'Namespace', m(1, v(1, 5))), /ObjectMeta.name has wire type 0, expected 2/);
  });

  it('refuses a length prefix far beyond the body without allocating it', () => {
    const huge = concat(new Uint8Array([(1 << 3) | 2]), new Uint8Array([0xf0, 0xff, 0xff, 0xff, 0x0f]));
    refuses(envelope('v1', 'Namespace', huge), /runs past/);
  });

  it('refuses nesting deeper than the limit but decodes nesting within it', () => {
    const nest = (depth: number): Uint8Array => {
      let inner: Uint8Array = v(2, 1);
      for (let i = 0; i < depth; i += 1) inner = m(1, inner);
      return envelope('example.k8s.io/v1', 'Node', inner);
    };
    refuses(nest(150), /nesting deeper than 100/);
    let node = decode(nest(50)) as Json;
    for (let i = 0; i < 50; i += 1) node = (node as JsonObject).child ?? null;
    assert.deepEqual(node, { weight: 1 });
  });

  it('either decodes or refuses with 400 every prefix, mutation and random buffer', () => {
    // A fixed-seed generator so a failure reproduces.
    let seed = 0x2545f491;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const bodies: Uint8Array[] = [];
    for (const base of [deploymentBody, serviceBody, configMapBody]) {
      for (let cut = 0; cut < base.length; cut += 7) bodies.push(base.subarray(0, cut));
      for (let i = 0; i < 150; i += 1) {
        const copy = base.slice();
        for (let k = 0; k <= random(4); k += 1) copy[4 + random(copy.length - 4)] = random(256);
        bodies.push(copy);
      }
    }
    for (let i = 0; i < 200; i += 1) {
      const noise = Uint8Array.from({ length: random(64) }, () => random(256));
      bodies.push(i % 2 === 0 ? concat(new Uint8Array([0x6b, 0x38, 0x73, 0]), noise) : noise);
    }
    let decoded = 0;
    for (const body of bodies) {
      try {
        decode(body);
        decoded += 1;
      } catch (error) {
        assert.ok(isBadRequest(error), `unexpected ${String(error)} for ${Buffer.from(body).toString('hex')}`);
      }
    }
    assert.ok(decoded > 0 && decoded < bodies.length);
  });
});

describe('decoding with the built-in registry', () => {
  const has = (group: string, version: string, kind: string): boolean => kindDefinition(group, version, kind) !== undefined;

  it('decodes the Deployment body with the real apps/v1 definitions', () => {
    assert.ok(has('apps', 'v1', 'Deployment'), 'apps/v1 Deployment is defined');
    const object = decodeProtobufObject(deploymentBody);
    const spec = object.spec as JsonObject;
    assert.equal(spec.replicas, 2);
    assert.deepEqual(spec.selector, { matchLabels: { app: 'web' } });
    const pod = (spec.template as JsonObject).spec as JsonObject;
    const container = (pod.containers as JsonObject[])[0];
    assert.equal(container?.image, 'nginx');
    assert.equal((container?.ports as JsonObject[])[0]?.containerPort, 80);
    assert.deepEqual((object.metadata as JsonObject).labels, { app: 'web' });
  });

  it('decodes Service target ports and ConfigMap binary data with the real core definitions', () => {
    assert.ok(has('', 'v1', 'Service'), 'core/v1 Service is defined');
    const ports = (decodeProtobufObject(serviceBody).spec as JsonObject).ports as JsonObject[];
    assert.deepEqual(ports.map((p) => p.targetPort), [8080, 'metrics']);
    assert.deepEqual(decodeProtobufObject(configMapBody).binaryData, { blob: 'AAEC/w==' });
  });
  it('decodes structs Go embeds inline (a Volume\'s source, a ConfigMap reference) into their parent, as JSON has them', () => {
    assert.ok(kindDefinition('', 'v1', 'Pod'), 'core/v1 Pod is defined');
    const pod = concat(
      m(1, s(1, 'p')),
      m(2, m(1, s(1, 'cfg'), m(2, m(19, m(1, s(1, 'settings')), v(3, 420)))), m(2, s(1, 'c'), s(2, 'busybox'))),
    );
    const object = decodeProtobufObject(envelope('v1', 'Pod', pod));
    assert.deepEqual((object.spec as JsonObject).volumes, [{ name: 'cfg', configMap: { name: 'settings', defaultMode: 420 } }]);
  });
});
