/**
 * The receiving side of the peer port. Every request must come with a certificate from the
 * cluster CA that names a Raft member (PEER_GROUP); an admin or node certificate from the
 * same CA is refused, so nothing but a member can put messages into this member's Raft. A
 * member may only speak for itself (`from` must be its certificate's id), and only to this
 * member (`to` must be this member's id). A batch is checked whole before any of it is
 * handed over, so a refused batch delivers nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { PEER_GROUP, peerIdentity, peerIdOf } from '../../pki/index.ts';
import type { Logger } from '../../util/log.ts';
import type { Message, NodeId } from '../raft/types.ts';
import { decodeMessages, MessageCodecError } from './codec.ts';
import { MESSAGES_PATH, SNAPSHOT_MESSAGE_HEADER, SNAPSHOT_PATH } from './protocol.ts';
import type { PeerTransportOptions } from './peer-transport.ts';

/** The transport's own options that the serving side uses, as documented there. */
export interface PeerServerOptions extends Pick<PeerTransportOptions, 'id' | 'tls' | 'host' | 'port' | 'onMessages' | 'onSnapshot' | 'isRemoved'> {
  /** Largest message batch body accepted; larger ones get 413. */
  maxBatchBytes: number;
  /** A connection with no activity for this long is closed (a stalled snapshot upload). */
  idleTimeoutMs: number;
  log: Logger;
}

export interface PeerServer {
  readonly port: number;
  /** Stops listening, cuts open connections and waits for running snapshot handlers. */
  close(): Promise<void>;
}

/** A refusal with the HTTP status to answer it with. */
class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Listens on host:port; resolves once listening. */
export async function startPeerServer(options: PeerServerOptions): Promise<PeerServer> {
  const { id, log } = options;
  const handlers = new Set<Promise<void>>();
  const server = createServer({
    key: options.tls.keyPem,
    cert: options.tls.certPem,
    ca: options.tls.caPem,
    // Unverified clients still reach the HTTP layer, so they get a 401 that says why.
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
  });
  // A snapshot may take long to stream: limit idleness instead of total time.
  server.requestTimeout = 0;
  server.setTimeout(options.idleTimeoutMs);
  // Longer than a sender's idle gaps between heartbeats, so kept-alive sockets stay useful.
  server.keepAliveTimeout = 30_000;

  /** The member the request comes from, checked against each message it carries. */
  const authenticate = (req: IncomingMessage): NodeId => {
    const identity = peerIdentity(req.socket as TLSSocket);
    if (identity === undefined) throw new Refusal(401, 'a client certificate issued by the cluster CA is required on the peer port');
    const peer = peerIdOf(identity);
    if (peer === undefined) {
      throw new Refusal(403, `user ${JSON.stringify(identity.user)} may not send Raft messages: only members of ${PEER_GROUP} may`);
    }
    return peer;
  };
  const checkAddressing = (peer: NodeId, messages: readonly Message[]): void => {
    for (const message of messages) {
      if (message.from !== peer) {
        throw new Refusal(403, `member ${peer} may not send a ${message.type} message from ${JSON.stringify(message.from)}`);
      }
      if (message.to !== id) {
        throw new Refusal(400, `a ${message.type} message to ${JSON.stringify(message.to)} reached member ${id}`);
      }
    }
  };

  const receiveMessages = async (req: IncomingMessage, peer: NodeId): Promise<void> => {
    const messages = decode(await readBody(req, options.maxBatchBytes));
    checkAddressing(peer, messages);
    const snap = messages.find((m) => m.type === 'snap');
    if (snap !== undefined) throw new Refusal(400, `a snap message must be posted to ${SNAPSHOT_PATH} with its data`);
    options.onMessages(peer, messages);
  };

  const receiveSnapshot = async (req: IncomingMessage, peer: NodeId): Promise<void> => {
    const header = req.headers[SNAPSHOT_MESSAGE_HEADER];
    if (typeof header !== 'string') throw new Refusal(400, `a snapshot needs its message in the ${SNAPSHOT_MESSAGE_HEADER} header`);
    const messages = decode(Buffer.from(header, 'base64'));
    const message = messages[0];
    if (messages.length !== 1 || message === undefined || message.type !== 'snap' || message.snapshot === undefined) {
      throw new Refusal(400, `the ${SNAPSHOT_MESSAGE_HEADER} header must hold exactly one snap message with its snapshot metadata`);
    }
    checkAddressing(peer, messages);
    const handled = options.onSnapshot(message, req);
    handlers.add(handled);
    try {
      await handled;
    } finally {
      handlers.delete(handled);
    }
    // A handler that stopped early saved less than was sent, or the sender was cut off.
    if (!req.readableEnded) throw new Error('the snapshot handler returned before reading the whole snapshot');
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const peer = authenticate(req);
      if (options.isRemoved?.(peer) === true) throw new Refusal(410, `member ${peer} was removed from the cluster`);
      const path = new URL(req.url ?? '/', 'https://peer').pathname;
      const receive = path === MESSAGES_PATH ? receiveMessages : path === SNAPSHOT_PATH ? receiveSnapshot : undefined;
      if (receive === undefined) throw new Refusal(404, `no such path on the peer port: ${path}`);
      if (req.method !== 'POST') throw new Refusal(405, `${path} takes POST, not ${req.method ?? ''}`);
      await receive(req, peer);
      res.writeHead(204).end();
    })().catch((error: unknown) => {
      const status = error instanceof Refusal ? error.status : 500;
      const text = error instanceof Error ? error.message : String(error);
      if (status >= 500) log.warn('peer request failed', { path: req.url, error: text });
      else log.debug('peer request refused', { path: req.url, status, error: text });
      if (res.headersSent || res.destroyed) return void res.destroy();
      // An unread body (a refused snapshot upload) is not worth receiving: close afterwards.
      const headers = { 'content-type': 'text/plain; charset=utf-8', ...(req.complete ? {} : { connection: 'close' }) };
      res.writeHead(status, headers).end(`${text}\n`);
      req.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error('peer server error', { error }));
  server.on('tlsClientError', (error) => log.debug('peer TLS handshake failed', { error }));

  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.allSettled([...handlers]);
      await closed;
    },
  };
}

function decode(body: Uint8Array): Message[] {
  try {
    return decodeMessages(body);
  } catch (error) {
    if (error instanceof MessageCodecError) throw new Refusal(400, error.message);
    throw error;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): Refusal => new Refusal(413, `a message batch may be at most ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    // Events rather than async iteration: leaving an iterator early destroys the socket,
    // and the sender should still get the 413.
    const onData = (chunk: Buffer): void => {
      total += chunk.byteLength;
      if (total <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, total)));
    req.once('error', reject);
  });
}
