/**
 * `kubectl port-forward` (protocol `portforward.k8s.io`): a SPDY/3.1 connection, reached
 * either through a WebSocket whose binary messages carry the SPDY bytes (subprotocol
 * `SPDY/3.1+portforward.k8s.io`, kubectl's default since 1.31) or through a plain
 * `Upgrade: SPDY/3.1` request. Each forwarded connection is a pair of client-opened
 * streams sharing a `requestid`: `streamtype: error` (server-to-client failure text)
 * and `streamtype: data` (the connection's bytes).
 */
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { rejectUpgrade, unsupportedUpgrade } from './reject.ts';
import { RST_PROTOCOL_ERROR } from './spdy-frames.ts';
import { SpdySession, type SpdyStream } from './spdy-session.ts';
import { isWebSocketUpgrade, offeredSubprotocols, WebSocketConnection } from './websocket.ts';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const PORT_FORWARD_WEBSOCKET_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

/** Opens a connection to `port` inside the pod; a rejection's message is shown to the client. */
export type DialPort = (port: number) => Promise<Duplex>;

/**
 * Serves one port-forward upgrade: refuses requests for neither transport with an HTTP
 * Status, otherwise switches protocols and forwards every stream pair through `dial`.
 */
export function servePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, dial: DialPort): void {
  const onSession = (transport: Duplex) => {
    const pairs = new Map<string, Pair>();
    new SpdySession(transport, { stream: (stream) => acceptStream(stream, pairs, dial) });
  };
  const offered = offeredSubprotocols(req);
  if (isWebSocketUpgrade(req) && offered.includes(PORT_FORWARD_WEBSOCKET_PROTOCOL)) {
    return onSession(websocketTunnel(req, socket, head));
  }
  const versions = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((v) => v.trim());
  if ((req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1' && versions.includes(PORT_FORWARD_PROTOCOL)) {
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
        `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
    );
    if (head.length > 0) socket.unshift(head);
    return onSession(socket);
  }
  rejectUpgrade(socket, unsupportedUpgrade('port-forward', [...offered, ...(req.headers.upgrade === undefined ? [] : [req.headers.upgrade])]));
}

/** A byte stream whose writes leave as binary WebSocket messages and whose reads are the messages received. */
function websocketTunnel(req: IncomingMessage, socket: Duplex, head: Buffer): Duplex {
  const tunnel = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      ws.send(chunk);
      callback();
    },
    final(callback) {
      ws.close(1000);
      callback();
    },
  });
  const ws = new WebSocketConnection(req, socket, head, PORT_FORWARD_WEBSOCKET_PROTOCOL, {
    message: (data) => tunnel.push(data),
    closed: () => {
      tunnel.push(null);
      tunnel.destroy();
    },
  });
  return tunnel;
}

interface Pair {
  port: number;
  error?: SpdyStream;
  data?: SpdyStream;
}

function acceptStream(stream: SpdyStream, pairs: Map<string, Pair>, dial: DialPort): void {
  const type = stream.header('streamtype');
  const port = Number(stream.header('port'));
  if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
    return stream.reset(RST_PROTOCOL_ERROR);
  }
  // Clients older than request ids pair a data stream with the error stream opened just before it.
  const requestId = stream.header('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
  const pair = pairs.get(requestId) ?? { port };
  if (pair[type] !== undefined || pair.port !== port) return stream.reset(RST_PROTOCOL_ERROR);
  pair[type] = stream;
  pairs.set(requestId, pair);
  void stream.reply().catch(() => stream.destroy());
  const { error, data } = pair;
  if (error === undefined || data === undefined) return;
  pairs.delete(requestId);
  void forward(port, error, data, dial);
}

/** Connects `data` to the pod's `port` until both sides ended; failures go to `error`. */
async function forward(port: number, error: SpdyStream, data: SpdyStream, dial: DialPort): Promise<void> {
  // The client never writes on the error stream; reading it lets its end-of-stream be seen.
  error.resume();
  let target: Duplex;
  try {
    target = await dial(port);
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    error.end(`error forwarding port ${port} to pod: ${message}`);
    data.end();
    return;
  }
  const finish = (failure?: Error) => {
    if (failure !== undefined && !error.writableEnded) error.write(`error forwarding port ${port} to pod: ${failure.message}`);
    if (!error.writableEnded) error.end();
    if (!data.writableEnded && !data.destroyed) data.end();
  };
  target.once('error', (failure: Error) => {
    finish(failure);
    target.destroy();
  });
  data.once('close', () => target.destroy());
  // Half-closes travel both ways: the client's FIN ends the target's input, the target's end
  // sends FIN, and the error stream's end tells the client this connection is over.
  data.pipe(target);
  target.on('data', (chunk: Buffer) => {
    if (!data.write(chunk)) {
      target.pause();
      data.once('drain', () => target.resume());
    }
  });
  target.once('end', () => finish());
}
