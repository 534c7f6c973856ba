/** A DNS server socket pair: UDP and TCP (RFC 7766: length-prefixed, pipelined) on one address and port. */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Transport } from './handler.ts';

export interface DnsListenerOptions {
  address: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  port: number;
  /** The reply to a message, or null to send none. */
  handle(message: Buffer, transport: Transport): Promise<Buffer | null>;
  /** Told about failures of single exchanges; the listener keeps serving. */
  onError?(error: unknown): void;
  /** A TCP connection idle this long is closed, ms; default 10 000. */
  idleMs?: number;
}

export interface DnsListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Open TCP connections beyond this are refused, so a flood cannot exhaust the agent. */
const maxConnections = 256;

/** Binds UDP and TCP at address:port; rejects (with the socket error's code) when either cannot bind. */
export async function listenDns(options: DnsListenerOptions): Promise<DnsListener> {
  const udp = createSocket({ type: isIP(options.address) === 6 ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port, options.address, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;
  const connections = new Set<Socket>();
  const tcp = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    serveConnection(socket, options);
  });
  tcp.maxConnections = maxConnections;
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, options.address, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    udp.close();
    throw error;
  }
  serveDatagrams(udp, options);
  return {
    port,
    close: () => closeBoth(udp, tcp, connections),
  };
}

function serveDatagrams(udp: UdpSocket, options: DnsListenerOptions): void {
  udp.on('error', (error) => options.onError?.(error));
  udp.on('message', (message, from) => {
    options.handle(message, 'udp').then(
      (reply) => {
        if (reply !== null) udp.send(reply, from.port, from.address, (error) => error && options.onError?.(error));
      },
      (error: unknown) => options.onError?.(error),
    );
  });
}

function serveConnection(socket: Socket, options: DnsListenerOptions): void {
  let buffered = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.setTimeout(options.idleMs ?? 10_000, () => socket.end());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const message = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      options.handle(message, 'tcp').then(
        (reply) => {
          if (reply === null || socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([prefix, reply]));
        },
        (error: unknown) => options.onError?.(error),
      );
    }
  });
}

function closeBoth(udp: UdpSocket, tcp: Server, connections: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    udp.close();
    tcp.close(() => resolve());
    for (const socket of connections) socket.destroy();
  });
}
