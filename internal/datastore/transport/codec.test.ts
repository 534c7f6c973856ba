import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeConfChange, type Message } from '../raft/types.ts';
import { decodeMessages, encodeFrame, encodeMessages, joinFrames, MessageCodecError } from './codec.ts';

function message(overrides: Partial<Message>): Message {
  return {
    type: 'heartbeat', from: 'a', to: 'b', term: 0, logTerm: 0, index: 0,
    entries: [], commit: 0, reject: false, rejectHint: 0, ...overrides,
  };
}

const allBytes = new Uint8Array(256).map((_, i) => i);

const sample: Message[] = [
  message({
    type: 'app', term: 7, logTerm: 6, index: 41, commit: 40,
    entries: [
      { index: 42, term: 7, type: 'normal', data: allBytes },
      { index: 43, term: 7, type: 'normal', data: new Uint8Array(0) },
      { index: 44, term: 7, type: 'conf-change', data: encodeConfChange({ type: 'add-learner', id: 'c', context: 'https://10.0.0.3:6444' }) },
    ],
  }),
  message({ type: 'app-resp', from: 'b', to: 'a', term: 7, index: 30, reject: true, rejectHint: 12 }),
  message({ type: 'heartbeat', term: 7, commit: 40, context: 'read-17' }),
  message({ type: 'snap', term: 7, snapshot: { index: 100, term: 6, conf: { voters: ['a', 'b', 'c'], learners: ['d'] } } }),
  message({ type: 'vote', from: 'c', to: 'a', term: 8, logTerm: 7, index: 44 }),
];

test('a batch decodes to the messages it was encoded from, in order, binary payloads intact', () => {
  assert.deepEqual(decodeMessages(encodeMessages(sample)), sample);
});

test('an empty batch round-trips', () => {
  assert.deepEqual(decodeMessages(encodeMessages([])), []);
});

test('entry payloads travel raw: the body is barely larger than the payload', () => {
  const payload = new Uint8Array(1 << 20).fill(0xff);
  const body = encodeMessages([message({ type: 'app', entries: [{ index: 1, term: 1, type: 'normal', data: payload }] })]);
  assert.ok(body.byteLength < payload.byteLength + 200, `a 1 MiB entry took ${body.byteLength} bytes`);
  const decoded = decodeMessages(body)[0];
  assert.deepEqual(decoded?.entries[0]?.data, payload);
});

test('a heartbeat is encoded in under 100 bytes', () => {
  const body = encodeMessages([message({ type: 'heartbeat', from: 'srv-1', to: 'srv-2', term: 12, commit: 3456 })]);
  assert.ok(body.byteLength < 100, `${body.byteLength} bytes`);
});

test('decoded entry data does not alias the request body', () => {
  const body = encodeMessages(sample);
  const decoded = decodeMessages(body);
  body.fill(0);
  assert.deepEqual(decoded[0]?.entries[0]?.data, allBytes);
});

test('frames joined into a batch decode like an encoded batch', () => {
  assert.deepEqual(joinFrames(sample.map(encodeFrame)), encodeMessages(sample));
});

test('every truncation of a batch fails with a codec error instead of decoding part of it', () => {
  const body = encodeMessages(sample);
  for (let length = 0; length < body.byteLength; length++) {
    const cut = body.subarray(0, length);
    // Cutting exactly at a frame boundary is a shorter valid batch; anywhere else must fail.
    let decoded: Message[] | undefined;
    try {
      decoded = decodeMessages(cut);
    } catch (error) {
      assert.ok(error instanceof MessageCodecError, `length ${length}: ${String(error)}`);
      continue;
    }
    assert.deepEqual(decoded, sample.slice(0, decoded.length), `length ${length} decoded to something else`);
    assert.equal(encodeMessages(decoded).byteLength, length);
  }
});

test('input without the batch marker fails and says so', () => {
  assert.throws(() => decodeMessages(Buffer.from('{"type":"app"}')), /does not start with the batch marker 736b7201/);
  assert.throws(() => decodeMessages(new Uint8Array(0)), MessageCodecError);
});

test('random bytes after the marker fail cleanly', () => {
  for (let seed = 1; seed <= 200; seed++) {
    let state = seed;
    const garbage = new Uint8Array(64).map(() => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    const body = Buffer.concat([encodeMessages([]), garbage]);
    assert.throws(() => decodeMessages(body), MessageCodecError);
  }
});

test('a header with a wrong field is refused with the field named', () => {
  const frame = (header: unknown, data = Buffer.alloc(0)): Buffer => {
    const json = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(json.byteLength, 0);
    prefix.writeUInt32BE(data.byteLength, 4);
    return joinFrames([Buffer.concat([prefix, json, data])]);
  };
  assert.throws(() => decodeMessages(frame({ type: 'bogus', from: 'a', to: 'b' })), /unknown message type "bogus"/);
  assert.throws(() => decodeMessages(frame({ type: 'app', from: 'a', to: '' })), /"to" must be a non-empty string/);
  assert.throws(() => decodeMessages(frame({ type: 'app', from: 'a', to: 'b', term: -1 })), /"term" must be a non-negative integer, got -1/);
  assert.throws(() => decodeMessages(frame({ type: 'app', from: 'a', to: 'b', reject: 1 })), /"reject" must be a boolean/);
  assert.throws(() => decodeMessages(frame({ type: 'snap', from: 'a', to: 'b', snapshot: { index: 1 } })), /"snapshot" must be/);
  assert.throws(() => decodeMessages(frame({ type: 'app', from: 'a', to: 'b', entries: [[1, 1, 2, 0]] })), /entry 0 must be/);
  assert.throws(
    () => decodeMessages(frame({ type: 'app', from: 'a', to: 'b', entries: [[1, 1, 0, 3]] }, Buffer.from('abcd'))),
    /declare 3 data bytes but the frame carries 4/,
  );
  assert.throws(() => decodeMessages(frame([1, 2])), /not a JSON object/);
});

test('a message that cannot be represented fails at the sender', () => {
  assert.throws(() => encodeMessages([message({ term: Number.NaN })]), /Cannot encode a Raft message: "term" must be a non-negative integer/);
  assert.throws(() => encodeMessages([message({ to: '' })]), MessageCodecError);
});
