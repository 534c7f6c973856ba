/**
 * A server-side RFC 6455 WebSocket endpoint over an upgraded socket: the handshake and
 * the framing, nothing else. One implementation serves both exec (`v5.channel.k8s.io`)
 * and port-forward (`SPDY/3.1+portforward.k8s.io`, a subprotocol name common WebSocket
 * libraries refuse because it contains `/`).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
/** Far above anything exec or port-forward sends in one message; a bound keeps a peer from exhausting memory. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The `Sec-WebSocket-Accept` value proving the server read `key` (RFC 6455 §4.2.2). */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/** The subprotocols a client offers, in its order of preference. */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** True when `req` asks for a WebSocket upgrade this endpoint can accept. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket' && typeof req.headers['sec-websocket-key'] === 'string';
}

/** Encodes one unmasked, final server frame. */
export function encodeFrame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

export interface WebSocketHandlers {
  /** A complete binary or text message. */
  message(data: Buffer): void;
  /** The connection is gone: closed by either side or failed. Called once. */
  closed(): void;
}

/**
 * One accepted WebSocket connection. Control frames (ping, close) are answered here;
 * fragmented messages are reassembled before `message` sees them.
 */
export class WebSocketConnection {
  readonly protocol: string;
  readonly #socket: Duplex;
  readonly #handlers: WebSocketHandlers;
  #buffer: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #closeSent = false;
  #finished = false;

  /** Writes the 101 response choosing `protocol`, then reads frames from `socket` (starting with `head`). */
  constructor(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, handlers: WebSocketHandlers) {
    this.protocol = protocol;
    this.#socket = socket;
    this.#handlers = handlers;
    const key = req.headers['sec-websocket-key'];
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${websocketAccept(typeof key === 'string' ? key : '')}\r\n` +
        (protocol === '' ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`) +
        '\r\n',
    );
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('close', () => this.#finish());
    socket.on('error', () => this.#finish());
    socket.on('end', () => this.#finish());
    if (head.length > 0) this.#receive(head);
  }

  /** Sends one binary message; dropped once the connection is closing. */
  send(data: Uint8Array): void {
    if (this.#closeSent || this.#finished) return;
    this.#socket.write(encodeFrame(OPCODE_BINARY, data));
  }

  /** Sends a close frame with `code` and ends the socket once written. */
  close(code = 1000, reason = ''): void {
    if (this.#closeSent || this.#finished) return;
    this.#closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.#socket.end(encodeFrame(OPCODE_CLOSE, payload));
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (!this.#socket.destroyed) this.#socket.destroy();
    this.#handlers.closed();
  }

  #fail(code: number, reason: string): void {
    this.close(code, reason);
    this.#finish();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (!this.#finished) {
      const frame = this.#nextFrame();
      if (frame === null) return;
      this.#dispatch(frame.fin, frame.opcode, frame.payload);
    }
  }

  /** Takes one whole frame off the buffer, unmasked; null until enough bytes arrived. */
  #nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | null {
    const b = this.#buffer;
    if (b.length < 2) return null;
    const first = b[0] ?? 0;
    const second = b[1] ?? 0;
    let offset = 2;
    let length = second & 0x7f;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      const long = b.readBigUInt64BE(2);
      if (long > BigInt(MAX_MESSAGE_BYTES)) {
        this.#fail(1009, 'message too big');
        return null;
      }
      length = Number(long);
      offset = 10;
    }
    const masked = (second & 0x80) !== 0;
    const total = offset + (masked ? 4 : 0) + length;
    if (b.length < total) return null;
    const payload = Buffer.from(b.subarray(total - length, total));
    if (masked) {
      const mask = b.subarray(offset, offset + 4);
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
    }
    this.#buffer = b.subarray(total);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }

  #dispatch(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OPCODE_PING:
        if (!this.#closeSent) this.#socket.write(encodeFrame(OPCODE_PONG, payload));
        return;
      case OPCODE_PONG:
        return;
      case OPCODE_CLOSE:
        // Echo the peer's close (RFC 6455 §5.5.1), then the socket ends.
        this.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
        this.#finish();
        return;
      case OPCODE_TEXT:
      case OPCODE_BINARY:
      case OPCODE_CONTINUATION: {
        if ((opcode === OPCODE_CONTINUATION) !== this.#fragments.length > 0) return this.#fail(1002, 'unexpected continuation state');
        this.#fragmentBytes += payload.length;
        if (this.#fragmentBytes > MAX_MESSAGE_BYTES) return this.#fail(1009, 'message too big');
        this.#fragments.push(payload);
        if (!fin) return;
        const message = this.#fragments.length === 1 ? payload : Buffer.concat(this.#fragments);
        this.#fragments = [];
        this.#fragmentBytes = 0;
        this.#handlers.message(message);
        return;
      }
      default:
        this.#fail(1002, `unknown opcode ${opcode}`);
    }
  }
}
