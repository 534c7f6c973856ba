/**
 * Raft peer traffic over HTTPS with mutual TLS (the peer port, 6444 by default). Each member
 * runs one PeerTransport: it serves the peer port for the others and keeps one queue per
 * peer for its own outgoing messages. Sending never blocks and never throws: Raft
 * tolerates lost messages, so delivery trouble comes back as onUnreachable /
 * onSnapshotStatus, always asynchronously (never from inside send()), so a driver may
 * report them to Raft without re-entering its own Ready handling.
 */
import { Agent } from 'node:https';
import type { Readable } from 'node:stream';
import type { Logger } from '../../util/log.ts';
import type { Message, NodeId } from '../raft/types.ts';
import { encodeFrame, encodeMessages } from './codec.ts';
import { postMessages, postSnapshot, PeerRequestError, type PeerRequestOptions } from './peer-request.ts';
import { PeerSender } from './peer-sender.ts';
import { startPeerServer, type PeerServer } from './peer-server.ts';
import { DEFAULT_MAX_BATCH_BYTES, type PeerTls } from './protocol.ts';

export interface PeerTransportOptions {
  /** This member's Raft node id (the id in its peer certificate). */
  id: NodeId;
  /** The cluster CA and this member's issuePeerCertificate pair, PEM. */
  tls: PeerTls;
  /** Listen address; port 0 picks a free one. */
  host: string;
  port: number;
  /** A batch from `from` arrived, already authenticated and addressed to this member. */
  onMessages(from: NodeId, messages: Message[]): void;
  /**
   * A snapshot is streaming in: consume `data` fully and resolve once it is durably saved.
   * The sender then learns it succeeded; a rejection is reported back with its message.
   */
  onSnapshot(message: Message, data: Readable): Promise<void>;
  /** A batch to this peer could not be delivered (or the peer is unknown). */
  onUnreachable?(id: NodeId): void;
  /** Whether `id` was removed from the cluster: its messages are refused with 410 Gone. */
  isRemoved?(id: NodeId): boolean;
  /** Peer `by` refused this member's messages with 410 Gone: this member was removed. */
  onRemoved?(by: NodeId): void;
  /** How a sendSnapshot ended: true once the peer saved it. */
  onSnapshotStatus?(id: NodeId, ok: boolean): void;
  log?: Logger;
  /** Closes the transport when aborted. */
  signal?: AbortSignal;
  /** Largest batch body sent or accepted. Default 64 MiB. */
  maxBatchBytes?: number;
  /** Messages queued per peer before the oldest are dropped. Default 4096. */
  maxQueuedMessages?: number;
  /** Bytes queued per peer before the oldest messages are dropped. Default 128 MiB. */
  maxQueuedBytes?: number;
  /** A message POST fails after this long without progress. Default 5 s. */
  requestTimeoutMs?: number;
  /** A snapshot transfer (either way) fails after this long without progress. Default 60 s. */
  snapshotIdleTimeoutMs?: number;
}

const silent: Logger = { error() {}, warn() {}, info() {}, debug() {}, with: () => silent };

interface Peer {
  url: URL;
  sender: PeerSender;
}

/** One member's end of the Raft peer network: a server for incoming traffic and a queue per peer. */
export class PeerTransport {
  /** The port the peer server listens on. */
  readonly port: number;
  readonly #options: PeerTransportOptions;
  readonly #log: Logger;
  readonly #server: PeerServer;
  readonly #agent: Agent;
  readonly #peers = new Map<NodeId, Peer>();
  readonly #snapshots = new Map<NodeId, AbortController>();
  #closed = false;

  private constructor(options: PeerTransportOptions, server: PeerServer, agent: Agent, log: Logger) {
    this.#options = options;
    this.#server = server;
    this.#agent = agent;
    this.#log = log;
    this.port = server.port;
  }

  /** Starts serving the peer port; resolves once listening. */
  static async start(options: PeerTransportOptions): Promise<PeerTransport> {
    const log = (options.log ?? silent).with({ component: 'raft-transport', member: options.id });
    const server = await startPeerServer({
      id: options.id,
      tls: options.tls,
      host: options.host,
      port: options.port,
      onMessages: options.onMessages,
      onSnapshot: options.onSnapshot,
      ...(options.isRemoved === undefined ? {} : { isRemoved: options.isRemoved }),
      maxBatchBytes: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      idleTimeoutMs: options.snapshotIdleTimeoutMs ?? 60_000,
      log,
    });
    // One pool for all peers; the peer's URL host is what its certificate must name.
    const agent = new Agent({
      keepAlive: true,
      ca: options.tls.caPem,
      cert: options.tls.certPem,
      key: options.tls.keyPem,
      minVersion: 'TLSv1.3',
    });
    const transport = new PeerTransport(options, server, agent, log);
    if (options.signal?.aborted) await transport.close();
    else options.signal?.addEventListener('abort', () => void transport.close(), { once: true });
    return transport;
  }

  /** Adds a peer or moves it to `url` (https://host:port); throws on a URL that is not https. */
  setPeer(id: NodeId, url: string): void {
    const parsed = parsePeerUrl(id, url);
    if (id === this.#options.id) throw new Error(`Cannot add member ${id} as a peer of itself`);
    const existing = this.#peers.get(id);
    if (existing !== undefined) {
      existing.url = parsed;
      return;
    }
    const peer: Peer = { url: parsed, sender: this.#newSender(id, () => peer.url) };
    this.#peers.set(id, peer);
  }

  /** Forgets a peer: its queue is dropped and transfers to it are abandoned. */
  removePeer(id: NodeId): void {
    this.#peers.get(id)?.sender.stop();
    this.#peers.delete(id);
    this.#snapshots.get(id)?.abort();
  }

  /** Queues messages to their peers (by `to`); never blocks, never throws. `snap` messages need sendSnapshot. */
  send(messages: readonly Message[]): void {
    if (this.#closed) return;
    const byPeer = new Map<NodeId, Buffer[]>();
    for (const message of messages) {
      if (message.type === 'snap') {
        this.#log.error('a snap message needs its data: use sendSnapshot', { to: message.to });
        this.#later(() => this.#options.onSnapshotStatus?.(message.to, false));
        continue;
      }
      let frame: Buffer;
      try {
        frame = encodeFrame(message);
      } catch (error) {
        this.#log.error('dropping a message that cannot be encoded', { type: message.type, to: message.to, error });
        continue;
      }
      const frames = byPeer.get(message.to);
      if (frames === undefined) byPeer.set(message.to, [frame]);
      else frames.push(frame);
    }
    for (const [id, frames] of byPeer) {
      const peer = this.#peers.get(id);
      if (peer === undefined) {
        this.#log.debug('dropping messages to an unknown peer', { to: id, messages: frames.length });
        this.#later(() => this.#options.onUnreachable?.(id));
        continue;
      }
      peer.sender.enqueue(frames);
    }
  }

  /** Streams the data `open` gives beside a `snap` message; the outcome goes to onSnapshotStatus. */
  sendSnapshot(message: Message, open: () => Promise<Readable>): void {
    if (this.#closed) return;
    const to = message.to;
    const peer = this.#peers.get(to);
    const fail = (reason: string): void => {
      this.#log.warn('cannot send a snapshot', { to, reason });
      this.#later(() => this.#options.onSnapshotStatus?.(to, false));
    };
    if (message.type !== 'snap' || message.snapshot === undefined) return fail(`a ${message.type} message is no snapshot`);
    if (peer === undefined) return fail('unknown peer');
    if (this.#snapshots.has(to)) return fail('a snapshot is already being sent to this peer');
    let header: string;
    try {
      header = encodeMessages([message]).toString('base64');
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    const abort = new AbortController();
    this.#snapshots.set(to, abort);
    const request: PeerRequestOptions = {
      agent: this.#agent,
      url: peer.url,
      idleTimeoutMs: this.#options.snapshotIdleTimeoutMs ?? 60_000,
      signal: abort.signal,
    };
    void (async () => {
      let ok = false;
      try {
        const data = await open();
        if (abort.signal.aborted) data.destroy();
        await postSnapshot(request, header, data);
        ok = true;
        this.#log.info('snapshot sent', { to, index: message.snapshot?.index });
      } catch (error) {
        if (!abort.signal.aborted) this.#log.warn('sending a snapshot failed', { to, error });
      } finally {
        if (this.#snapshots.get(to) === abort) this.#snapshots.delete(to);
        if (!this.#closed) this.#options.onSnapshotStatus?.(to, ok);
      }
    })();
  }

  /** Stops serving and sending: queues are dropped, transfers cut, and no callback follows. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.sender.stop();
    this.#peers.clear();
    for (const abort of this.#snapshots.values()) abort.abort();
    this.#snapshots.clear();
    this.#agent.destroy();
    await this.#server.close();
  }

  #newSender(id: NodeId, url: () => URL): PeerSender {
    return new PeerSender({
      post: (body, signal) =>
        postMessages(
          { agent: this.#agent, url: url(), idleTimeoutMs: this.#options.requestTimeoutMs ?? 5_000, signal },
          body,
        ),
      onFailure: (error, messages) => {
        if (this.#closed) return;
        if (error instanceof PeerRequestError && error.status === 410) {
          this.#log.debug('peer says this member was removed from the cluster', { peer: id, error });
          this.#options.onRemoved?.(id);
          return;
        }
        this.#log.debug('peer unreachable', { to: id, messages, error });
        this.#options.onUnreachable?.(id);
      },
      onDrop: (messages) => this.#log.debug('peer queue full: dropped the oldest messages', { to: id, messages }),
      maxQueuedMessages: this.#options.maxQueuedMessages ?? 4096,
      maxQueuedBytes: this.#options.maxQueuedBytes ?? 128 * 1024 * 1024,
      maxBatchBytes: this.#options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      minBackoffMs: 50,
      maxBackoffMs: 1_000,
    });
  }

  // Callbacks never run inside send(): the caller may be in the middle of handling a Ready.
  #later(callback: () => void): void {
    queueMicrotask(() => {
      if (!this.#closed) callback();
    });
  }
}

function parsePeerUrl(id: NodeId, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Cannot use ${JSON.stringify(url)} as the peer URL of member ${id}: it is not a URL`);
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '' || parsed.pathname !== '/') {
    throw new Error(`Cannot use ${JSON.stringify(url)} as the peer URL of member ${id}: it must be https://host:port`);
  }
  return parsed;
}
