/** One DNS message exchange with an upstream resolver, over UDP or TCP, bounded by a timeout. */
import { createSocket } from 'node:dgram';
import { isIP, Socket } from 'node:net';
import type { Upstream } from './resolv-conf.ts';

const describe = (upstream: Upstream): string => `${isIP(upstream.address) === 6 ? `[${upstream.address}]` : upstream.address}:${upstream.port}`;

/**
 * Sends `query` over UDP and resolves with the first datagram from that upstream carrying the
 * query's id (anything else arriving on the socket is ignored); rejects after `timeoutMs`.
 */
export function udpExchange(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIP(upstream.address) === 6 ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    let done = false;
    const finish = (error: Error | null, reply?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.close();
      if (error !== null) reject(error);
      else if (reply !== undefined) resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error(`Cannot resolve through ${describe(upstream)} over UDP: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => finish(new Error(`Cannot resolve through ${describe(upstream)} over UDP: ${error.message}`)));
    socket.on('message', (message, from) => {
      if (from.port !== upstream.port || message.length < 12 || message.readUInt16BE(0) !== id) return;
      finish(null, message);
    });
    socket.send(query, upstream.port, upstream.address);
  });
}

/** Sends `query` over TCP (two-byte length prefix) and resolves with the reply; rejects after `timeoutMs`. */
export function tcpExchange(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const finish = (error: Error | null, reply?: Buffer): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error !== null) reject(error);
      else if (reply !== undefined) resolve(reply);
    };
    const fail = (why: string) => finish(new Error(`Cannot resolve through ${describe(upstream)} over TCP: ${why}`));
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('error', (error) => fail(error.message));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length >= 2 + length) finish(null, received.subarray(2, 2 + length));
    });
    socket.on('end', () => fail('the connection closed before a whole answer arrived'));
    socket.connect(upstream.port, upstream.address, () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
  });
}
