/**
 * Wire-level reading on top of protobufjs's Reader, bounded to a message's end:
 * every length-delimited value is checked against the enclosing message before
 * it is touched, so a hostile length prefix fails fast instead of allocating.
 */
import protobuf from 'protobufjs/minimal.js';
import { badRequest } from '../status.ts';

export type Reader = protobuf.Reader;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;

export function readerOver(bytes: Uint8Array): Reader {
  // Reader, not Reader.create: a BufferReader would hand back Buffers that share memory.
  return new protobuf.Reader(bytes);
}

/** A malformed body: the API edge answers 400 BadRequest. */
export function malformed(what: string): Error {
  return badRequest(`cannot decode protobuf body: ${what}`);
}

/** Reads a length prefix and returns the end offset of the value, which must lie within `limit`. */
export function lengthDelimited(reader: Reader, limit: number): number {
  const length = reader.uint32();
  const stop = reader.pos + length;
  if (stop > limit) throw malformed(`length ${length} at offset ${reader.pos} runs past the end of its message`);
  return stop;
}

/** The bytes of a length-delimited value, without copying. */
export function readBytes(reader: Reader, limit: number): Uint8Array {
  const stop = lengthDelimited(reader, limit);
  const bytes = reader.buf.subarray(reader.pos, stop);
  reader.pos = stop;
  return bytes;
}

const utf8 = new TextDecoder('utf-8');

export function readString(reader: Reader, limit: number): string {
  return utf8.decode(readBytes(reader, limit));
}

/** A signed 64-bit varint as a JSON number (exact up to 2^53, as JSON clients read it anyway). */
export function readInt64(reader: Reader): number {
  const value = reader.int64();
  // high is the signed upper word, low the unsigned lower one.
  return typeof value === 'number' ? value : value.high * 0x1_0000_0000 + (value.low >>> 0);
}

/**
 * Visits every field of the message that ends at `stop`. `visit` reads the value of
 * fields it knows and returns true; other fields are skipped, since newer clients
 * may send fields this server does not know.
 */
export function eachField(reader: Reader, stop: number, visit: (field: number, wire: number) => boolean): void {
  while (reader.pos < stop) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw malformed(`field number 0 at offset ${reader.pos}`);
    if (!visit(field, wire)) reader.skipType(wire);
    if (reader.pos > stop) throw malformed(`field ${field} runs past the end of its message`);
  }
}

/** Fails unless the field arrived with the wire type its declared type uses. */
export function expectWire(field: string, wire: number, expected: number): void {
  if (wire !== expected) throw malformed(`field ${field} has wire type ${wire}, expected ${expected}`);
}
