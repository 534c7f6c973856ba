import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { encodeFrame, offeredSubprotocols, WebSocketConnection, websocketAccept } from './websocket.ts';

/** A client frame: masked, as RFC 6455 requires from clients. */
function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i & 3] ?? 0)));
  const server = encodeFrame(opcode, masked);
  const headerLength = server.length - payload.length;
  const header = Buffer.from(server.subarray(0, headerLength));
  if (!fin) header[0] = (header[0] ?? 0) & 0x7f;
  header[1] = (header[1] ?? 0) | 0x80;
  return Buffer.concat([header, mask, masked]);
}

function harness() {
  const written: Buffer[] = [];
  const socket = new Duplex({ read() {}, write(chunk: Buffer, _e, cb) { written.push(chunk); cb(); } });
  const messages: Buffer[] = [];
  let closed = 0;
  const req = { headers: { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } } as unknown as IncomingMessage;
  const ws = new WebSocketConnection(req, socket, Buffer.alloc(0), 'v5.channel.k8s.io', { message: (m) => messages.push(m), closed: () => closed++ });
  return { ws, socket, written, messages, closed: () => closed };
}

/** Lets the socket deliver what was pushed into it. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('websocket', () => {
  test('the accept key is the one RFC 6455 gives for its sample nonce', () => {
    assert.equal(websocketAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  test('the handshake names the chosen subprotocol', () => {
    const { written } = harness();
    const response = written[0]?.toString() ?? '';
    assert.match(response, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(response, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    assert.match(response, /Sec-WebSocket-Protocol: v5\.channel\.k8s\.io\r\n\r\n$/);
  });

  test('masked frames split across reads and fragmented messages arrive whole', async () => {
    const { socket, messages } = harness();
    const big = Buffer.alloc(70_000, 7);
    const bytes = Buffer.concat([clientFrame(2, Buffer.from([1, 104, 105])), clientFrame(2, big.subarray(0, 300), false), clientFrame(0, big.subarray(300))]);
    for (let i = 0; i < bytes.length; i += 1000) socket.push(bytes.subarray(i, i + 1000));
    await settle();
    assert.deepEqual(messages[0], Buffer.from([1, 104, 105]));
    assert.deepEqual(messages[1], big);
    assert.equal(messages.length, 2);
  });

  test('a ping is answered with a pong carrying the same payload', async () => {
    const { socket, written } = harness();
    socket.push(clientFrame(9, Buffer.from('hb')));
    await settle();
    assert.deepEqual(written.at(-1), encodeFrame(10, Buffer.from('hb')));
  });

  test('a close from the client is echoed and reported once', async () => {
    const h = harness();
    h.socket.push(clientFrame(8, Buffer.from([0x03, 0xe8])));
    await settle();
    assert.deepEqual(h.written.at(-1), encodeFrame(8, Buffer.from([0x03, 0xe8])));
    h.ws.send(Buffer.from('late'));
    assert.equal(h.closed(), 1);
    assert.deepEqual(h.written.at(-1), encodeFrame(8, Buffer.from([0x03, 0xe8])));
  });

  test('offered subprotocols are read from one or several headers', () => {
    const req = { headers: { 'sec-websocket-protocol': 'v5.channel.k8s.io, v4.channel.k8s.io,channel.k8s.io' } } as unknown as IncomingMessage;
    assert.deepEqual(offeredSubprotocols(req), ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io']);
  });
});
