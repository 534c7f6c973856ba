/**
 * SPDY/3.1 frame layouts (draft 3.1 §2.2, §2.6): an 8-byte header, then a body. Control
 * frames start with the control bit, version 3 and a type; data frames with a 31-bit
 * stream id. Header blocks are carried opaque here (see spdy-headers.ts).
 */

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;

export const TYPE_SYN_STREAM = 1;
export const TYPE_SYN_REPLY = 2;
export const TYPE_RST_STREAM = 3;
export const TYPE_PING = 6;
export const TYPE_GOAWAY = 7;
export const TYPE_HEADERS = 8;
export const TYPE_WINDOW_UPDATE = 9;

/** RST_STREAM status codes used here (draft 3.1 §2.6.3). */
export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;
export const RST_INTERNAL_ERROR = 6;

export type SpdyFrame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; flags: number; body: Buffer };

const HEADER_BYTES = 8;
const STREAM_ID_MASK = 0x7fffffff;

/** Splits a byte stream into frames; bytes of an incomplete frame wait for the next push. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  /** Adds `chunk` and returns every frame now complete, in order. */
  push(chunk: Buffer): SpdyFrame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: SpdyFrame[] = [];
    while (this.#buffer.length >= HEADER_BYTES) {
      const b = this.#buffer;
      const length = b.readUIntBE(5, 3);
      if (b.length < HEADER_BYTES + length) break;
      const flags = b[4] ?? 0;
      const body = Buffer.from(b.subarray(HEADER_BYTES, HEADER_BYTES + length));
      const word = b.readUInt32BE(0);
      if ((word & 0x80000000) !== 0) {
        const version = (word >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new Error(`Cannot read SPDY frame as its version is ${version}, not ${SPDY_VERSION}`);
        frames.push({ kind: 'control', type: word & 0xffff, flags, body });
      } else {
        frames.push({ kind: 'data', streamId: word & STREAM_ID_MASK, flags, data: body });
      }
      this.#buffer = b.subarray(HEADER_BYTES + length);
    }
    return frames;
  }
}

/** A data frame for `streamId`. Payloads over 16 MiB must be split by the caller. */
export function dataFrame(streamId: number, flags: number, data: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  header[4] = flags;
  header.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([header, data]);
}

/** A control frame of `type` around `body`. */
export function controlFrame(type: number, flags: number, body: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  header.writeUInt16BE(type, 2);
  header[4] = flags;
  header.writeUIntBE(body.length, 5, 3);
  return Buffer.concat([header, body]);
}

function words(...values: number[]): Buffer {
  const body = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => body.writeUInt32BE(v >>> 0, 4 * i));
  return body;
}

export function synReplyFrame(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  return controlFrame(TYPE_SYN_REPLY, flags, Buffer.concat([words(streamId & STREAM_ID_MASK), headerBlock]));
}

export function synStreamFrame(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  // Associated stream 0, priority 0, slot 0.
  return controlFrame(TYPE_SYN_STREAM, flags, Buffer.concat([words(streamId & STREAM_ID_MASK, 0), Buffer.alloc(2), headerBlock]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  return controlFrame(TYPE_RST_STREAM, 0, words(streamId & STREAM_ID_MASK, status));
}

export function pingFrame(id: number): Buffer {
  return controlFrame(TYPE_PING, 0, words(id));
}

export function goAwayFrame(lastStreamId: number, status: number): Buffer {
  return controlFrame(TYPE_GOAWAY, 0, words(lastStreamId & STREAM_ID_MASK, status));
}

/** The stream id that opens a SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS or WINDOW_UPDATE body. */
export function bodyStreamId(body: Buffer): number {
  return body.length >= 4 ? body.readUInt32BE(0) & STREAM_ID_MASK : 0;
}

/** Where the compressed header block starts inside a control frame body of `type`. */
export function headerBlockOffset(type: number): number {
  return type === TYPE_SYN_STREAM ? 10 : 4;
}

/** Serialises name/value pairs as an uncompressed SPDY/3 header block; repeated values join with NUL. */
export function encodeHeaderBlock(headers: Record<string, string | readonly string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [words(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(typeof value === 'string' ? value : value.join('\0'), 'utf8');
    parts.push(words(n.length), n, words(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed header block; names come back lower-cased, values split on NUL. */
export function decodeHeaderBlock(block: Buffer): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const need = (offset: number, n: number) => {
    if (offset + n > block.length) throw new Error(`Cannot read SPDY header block as it ends at byte ${block.length}, before ${offset + n}`);
  };
  need(0, 4);
  const count = block.readUInt32BE(0);
  let offset = 4;
  for (let i = 0; i < count; i++) {
    need(offset, 4);
    const nameLength = block.readUInt32BE(offset);
    need(offset + 4, nameLength + 4);
    const name = block.toString('utf8', offset + 4, offset + 4 + nameLength).toLowerCase();
    offset += 4 + nameLength;
    const valueLength = block.readUInt32BE(offset);
    need(offset + 4, valueLength);
    const value = block.toString('utf8', offset + 4, offset + 4 + valueLength);
    offset += 4 + valueLength;
    headers.set(name, [...(headers.get(name) ?? []), ...value.split('\0')]);
  }
  return headers;
}
