import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from '../command.ts';
import { decodeCommand, encodeCommand, encodeProposalRef, isProposalRef, peekCommandId } from './command-codec.ts';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('Raft entry command codec', () => {
  it('gives back a transaction with text, binary and empty values, in compares and in both branches', () => {
    const command: Command = {
      type: 'txn',
      txn: {
        compare: [
          { key: '/a', target: 'value', result: '=', value: new Uint8Array([0xff, 0x00, 0xfe]) },
          { key: '/b', target: 'mod', result: '<', value: 7 },
        ],
        success: [
          { type: 'put', key: '/a', value: text('{"kind":"ConfigMap","data":{"line":"one\\ntwo"}}'), lease: 3 },
          { type: 'put', key: '/c', value: new Uint8Array(0) },
          { type: 'delete', key: '/d/', prefix: true },
        ],
        failure: [{ type: 'get', key: '/a' }, { type: 'put', key: '/é', value: text('ü\n') }],
      },
    };
    const data = encodeCommand({ id: 'm1.x.0000000001', command });
    assert.deepEqual(decodeCommand(data), { id: 'm1.x.0000000001', command });
    assert.equal(peekCommandId(data), 'm1.x.0000000001');
  });

  it('keeps the proposal readable: a line of JSON, then the values as they are', () => {
    const value = text('{"kind":"Secret"}');
    const data = encodeCommand({ id: 'p', command: { type: 'txn', txn: { compare: [], success: [{ type: 'put', key: '/k', value }], failure: [] } } });
    const [head, rest] = Buffer.from(data).toString('utf8').split('\n');
    assert.deepEqual(JSON.parse(head ?? ''), {
      id: 'p',
      command: { type: 'txn', txn: { compare: [], success: [{ type: 'put', key: '/k', value: { $v: 0 } }], failure: [] } },
      sizes: [value.byteLength],
    });
    assert.equal(rest, '{"kind":"Secret"}');
  });

  it('gives back commands without byte values as they were', () => {
    const commands: Command[] = [
      { type: 'lease-grant', ttlSeconds: 30, now: 1_700_000_000_000 },
      { type: 'lease-keepalive', id: 4, now: 5 },
      { type: 'lease-revoke', id: 4 },
      { type: 'lease-expire', now: 9 },
      { type: 'compact', revision: 12 },
    ];
    for (const command of commands) assert.deepEqual(decodeCommand(encodeCommand({ id: '', command })), { id: '', command });
  });

  it('refuses damaged data with an error that names the problem', () => {
    const good = encodeCommand({ id: 'p', command: { type: 'txn', txn: { compare: [], success: [{ type: 'put', key: '/k', value: text('abc') }], failure: [] } } });
    assert.throws(() => decodeCommand(good.subarray(0, good.byteLength - 1)), /value sizes beyond its end/);
    assert.throws(() => decodeCommand(Buffer.concat([good, Buffer.from('x')])), /1 bytes after its values/);
    assert.throws(() => decodeCommand(text('{"id":"p","command":{"type":"txn"')), /JSON/);
    assert.throws(() => decodeCommand(text('{"id":"p"}\n')), /not a proposal/);
    const badRef = text('{"id":"p","command":{"type":"txn","txn":{"compare":[],"success":[{"type":"put","key":"/k","value":{"$v":1}}],"failure":[]}},"sizes":[0]}\n');
    assert.throws(() => decodeCommand(badRef), /refers to no value/);
  });

  it('tells a proposal by reference from a whole one and from a leader\'s empty entry', () => {
    const ref = encodeProposalRef('m0.x.0000000007');
    assert.equal(isProposalRef(ref), true);
    assert.equal(peekCommandId(ref), 'm0.x.0000000007');
    assert.throws(() => decodeCommand(ref), /a proposal by reference, without its command/);
    assert.equal(isProposalRef(encodeCommand({ id: 'm0.x.0000000007', command: { type: 'compact', revision: 3 } })), false);
    assert.equal(isProposalRef(new Uint8Array(0)), false);
  });

  it('still decodes entries logged by earlier versions (one JSON line, byte values as $t text or $b base64)', () => {
    const old = text(
      '{"id":"m0.x.0000000003","command":{"type":"txn","txn":{"compare":[],"success":[{"type":"put","key":"/k","value":{"$t":"{\\"a\\":1}"}},{"type":"put","key":"/b","value":{"$b":"/wD+"}}],"failure":[]}}}',
    );
    assert.equal(isProposalRef(old), false);
    assert.equal(peekCommandId(old), 'm0.x.0000000003');
    assert.deepEqual(decodeCommand(old), {
      id: 'm0.x.0000000003',
      command: {
        type: 'txn',
        txn: { compare: [], success: [{ type: 'put', key: '/k', value: text('{"a":1}') }, { type: 'put', key: '/b', value: new Uint8Array([0xff, 0x00, 0xfe]) }], failure: [] },
      },
    });
    assert.deepEqual(decodeCommand(text('{"id":"","command":{"type":"compact","revision":4}}')), { id: '', command: { type: 'compact', revision: 4 } });
  });
});
