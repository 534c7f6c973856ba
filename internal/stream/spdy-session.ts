/**
 * The server end of a SPDY/3.1 connection carrying client-opened streams, as kubectl
 * port-forward uses it. Incoming frames are handled strictly in arrival order and
 * outgoing frames leave in the order they were queued, because header blocks share
 * one compression context per direction and a stream's data must follow its reply.
 */
import { Duplex } from 'node:stream';
import {
  bodyStreamId,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  FrameReader,
  goAwayFrame,
  pingFrame,
  headerBlockOffset,
  RST_CANCEL,
  RST_PROTOCOL_ERROR,
  rstStreamFrame,
  type SpdyFrame,
  synReplyFrame,
  TYPE_GOAWAY,
  TYPE_PING,
  TYPE_RST_STREAM,
  TYPE_HEADERS,
  TYPE_SYN_REPLY,
  TYPE_SYN_STREAM,
} from './spdy-frames.ts';
import { HeaderCompressor, HeaderDecompressor } from './spdy-headers.ts';

/** Largest DATA payload sent in one frame; keeps frames well under the 24-bit limit and interleaving fair. */
const MAX_DATA_CHUNK = 32 * 1024;

/** One client-opened stream: its request headers, and a Duplex over its data. */
export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly #session: SpdySession;

  constructor(session: SpdySession, id: number, headers: Map<string, string[]>) {
    super({ allowHalfOpen: true });
    this.#session = session;
    this.id = id;
    this.headers = headers;
  }

  /** The first value of request header `name` (lower case). */
  header(name: string): string | undefined {
    return this.headers.get(name)?.[0];
  }

  /** Accepts the stream; data written afterwards reaches the client. */
  reply(headers: Record<string, string> = {}): Promise<void> {
    return this.#session.queueReply(this.id, headers);
  }

  /** Aborts the stream in both directions with RST_STREAM `status`. */
  reset(status = RST_CANCEL): void {
    this.#session.queueReset(this.id, status);
    this.#session.forget(this.id);
    this.push(null);
    this.destroy();
  }

  override _read(): void {
    // Data is pushed as frames arrive; SPDY/3.1 flow control is not enforced by the peer used here.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#session.queueData(this.id, 0, chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#session.queueData(this.id, FLAG_FIN, Buffer.alloc(0)).then(() => callback(), callback);
  }
}

export interface SpdySessionHandlers {
  /** A client opened `stream`; call `stream.reply()` to accept it or `reset()` to refuse. */
  stream(stream: SpdyStream): void;
  /** The connection ended, for whatever reason. Called once. */
  closed?(): void;
}

/** The server side of one SPDY/3.1 connection over `transport`. */
export class SpdySession {
  readonly #transport: Duplex;
  readonly #handlers: SpdySessionHandlers;
  readonly #reader = new FrameReader();
  readonly #compressor = new HeaderCompressor();
  readonly #decompressor = new HeaderDecompressor();
  readonly #streams = new Map<number, SpdyStream>();
  #incoming: Promise<void> = Promise.resolve();
  #outgoing: Promise<void> = Promise.resolve();
  #lastStreamId = 0;
  #closed = false;

  constructor(transport: Duplex, handlers: SpdySessionHandlers) {
    this.#transport = transport;
    this.#handlers = handlers;
    transport.on('data', (chunk: Buffer) => this.#receive(chunk));
    transport.on('end', () => this.close());
    transport.on('close', () => this.close());
    transport.on('error', () => this.close());
  }

  /** Ends every stream and the transport; safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of this.#streams.values()) stream.destroy();
    this.#streams.clear();
    this.#compressor.close();
    this.#decompressor.close();
    if (!this.#transport.destroyed) this.#transport.end(goAwayFrame(this.#lastStreamId, 0));
    this.#handlers.closed?.();
  }

  queueReply(streamId: number, headers: Record<string, string>): Promise<void> {
    return this.#queue(async () => synReplyFrame(streamId, 0, await this.#compressor.compress(encodeHeaderBlock(headers))));
  }

  async queueData(streamId: number, flags: number, data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.length; offset += MAX_DATA_CHUNK) {
      const end = Math.min(offset + MAX_DATA_CHUNK, data.length);
      await this.#queue(() => dataFrame(streamId, end === data.length ? flags : 0, data.subarray(offset, end)));
    }
    if (data.length === 0) await this.#queue(() => dataFrame(streamId, flags, data));
  }

  queueReset(streamId: number, status: number): void {
    void this.#queue(() => rstStreamFrame(streamId, status)).catch(() => undefined);
  }

  forget(streamId: number): void {
    this.#streams.delete(streamId);
  }

  /** Appends a frame to the send order; resolves once the transport took it (waiting out backpressure). */
  #queue(frame: () => Buffer | Promise<Buffer>): Promise<void> {
    const next = this.#outgoing.then(async () => {
      if (this.#closed || this.#transport.destroyed) throw new Error('Cannot send on a closed SPDY connection');
      const bytes = await frame();
      if (!this.#transport.write(bytes)) await new Promise<void>((resolve) => this.#transport.once('drain', resolve));
    });
    this.#outgoing = next.catch(() => undefined);
    return next;
  }

  #receive(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.#reader.push(chunk);
    } catch {
      return this.close();
    }
    for (const frame of frames) {
      this.#incoming = this.#incoming.then(() => this.#handle(frame)).catch(() => this.close());
    }
  }

  async #handle(frame: SpdyFrame): Promise<void> {
    if (this.#closed) return;
    if (frame.kind === 'data') {
      const stream = this.#streams.get(frame.streamId);
      if (stream === undefined) return;
      if (frame.data.length > 0) stream.push(frame.data);
      if ((frame.flags & FLAG_FIN) !== 0) stream.push(null);
      return;
    }
    switch (frame.type) {
      case TYPE_SYN_STREAM: {
        const id = bodyStreamId(frame.body);
        // The header block must be inflated even for a refused stream: the context is shared.
        const headers = decodeHeaderBlock(await this.#decompressor.decompress(frame.body.subarray(headerBlockOffset(frame.type))));
        if (id <= this.#lastStreamId || id % 2 === 0) return this.queueReset(id, RST_PROTOCOL_ERROR);
        this.#lastStreamId = id;
        const stream = new SpdyStream(this, id, headers);
        this.#streams.set(id, stream);
        stream.once('close', () => this.forget(id));
        if ((frame.flags & FLAG_FIN) !== 0) stream.push(null);
        this.#handlers.stream(stream);
        return;
      }
      case TYPE_RST_STREAM: {
        const stream = this.#streams.get(bodyStreamId(frame.body));
        this.forget(bodyStreamId(frame.body));
        stream?.destroy();
        return;
      }
      case TYPE_PING:
        // Pings from the client carry odd ids and are echoed unchanged.
        if (frame.body.length === 4) await this.#queue(() => pingFrame(frame.body.readUInt32BE(0)));
        return;
      case TYPE_SYN_REPLY:
      case TYPE_HEADERS:
        // Nothing here needs these headers, but inflating keeps the shared context in step.
        await this.#decompressor.decompress(frame.body.subarray(headerBlockOffset(frame.type)));
        return;
      case TYPE_GOAWAY:
        return this.close();
      default:
        // SETTINGS, WINDOW_UPDATE and unknown types carry nothing port-forward needs.
        return;
    }
  }
}
