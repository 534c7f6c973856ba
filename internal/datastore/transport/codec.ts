/**
 * The wire form of a batch of Raft messages. Entry payloads are most of the bytes and are
 * opaque, so they travel raw; everything else is a small JSON header per message:
 *
 *   batch := "skr" 0x01, then one frame per message
 *   frame := u32 header length, u32 data length (both big-endian), header JSON (UTF-8),
 *            the entries' data back to back
 *
 * The header lists each entry as [index, term, type (0 normal, 1 conf-change), data length];
 * scalar fields that are 0, false or absent are left out, which keeps a heartbeat to a few
 * dozen bytes. Decoding checks every length and field, so a truncated or foreign body is an
 * error naming what was wrong rather than a half-read message.
 */
import type { Entry, EntryType, Message, MessageType, SnapshotMeta } from '../raft/types.ts';

const MAGIC = Buffer.from([0x73, 0x6b, 0x72, 0x01]);
const FRAME_PREFIX = 8;

const MESSAGE_TYPES: ReadonlySet<string> = new Set<MessageType>([
  'prop', 'prevote', 'prevote-resp', 'vote', 'vote-resp', 'app', 'app-resp',
  'heartbeat', 'heartbeat-resp', 'snap', 'timeout-now', 'read-index', 'read-index-resp',
]);
const ENTRY_TYPES: readonly EntryType[] = ['normal', 'conf-change'];

type EntryHeader = [index: number, term: number, type: number, length: number];

interface Header {
  type: MessageType;
  from: string;
  to: string;
  term?: number;
  logTerm?: number;
  index?: number;
  commit?: number;
  reject?: boolean;
  rejectHint?: number;
  snapshot?: SnapshotMeta;
  context?: string;
  entries?: EntryHeader[];
}

/** A Raft message batch that cannot be encoded or decoded; the message says where and why. */
export class MessageCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageCodecError';
  }
}

/** One message as a frame (no batch marker); batches are the marker followed by frames. */
export function encodeFrame(message: Message): Buffer {
  const header: Header = { type: message.type, from: message.from, to: message.to };
  if (message.term !== 0) header.term = message.term;
  if (message.logTerm !== 0) header.logTerm = message.logTerm;
  if (message.index !== 0) header.index = message.index;
  if (message.commit !== 0) header.commit = message.commit;
  if (message.reject) header.reject = true;
  if (message.rejectHint !== 0) header.rejectHint = message.rejectHint;
  if (message.snapshot !== undefined) header.snapshot = message.snapshot;
  if (message.context !== undefined) header.context = message.context;
  let dataLength = 0;
  if (message.entries.length > 0) {
    header.entries = message.entries.map((entry) => {
      if (!(entry.data instanceof Uint8Array)) {
        throw new MessageCodecError(`Cannot encode entry ${entry.index} of a ${message.type} message: its data is not bytes`);
      }
      dataLength += entry.data.byteLength;
      return [entry.index, entry.term, ENTRY_TYPES.indexOf(entry.type), entry.data.byteLength];
    });
  }
  // The same checks as decoding, so a bad field fails at the sender with its value named.
  checkHeader(header, 'Cannot encode a Raft message');
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_PREFIX + json.byteLength + dataLength);
  frame.writeUInt32BE(json.byteLength, 0);
  frame.writeUInt32BE(dataLength, 4);
  json.copy(frame, FRAME_PREFIX);
  let offset = FRAME_PREFIX + json.byteLength;
  for (const entry of message.entries) {
    frame.set(entry.data, offset);
    offset += entry.data.byteLength;
  }
  return frame;
}

/** Frames (from encodeFrame) as one batch body. */
export function joinFrames(frames: readonly Buffer[]): Buffer {
  return Buffer.concat([MAGIC, ...frames]);
}

/** The batch body for `messages`, in order. Throws MessageCodecError on a malformed message. */
export function encodeMessages(messages: readonly Message[]): Buffer {
  return joinFrames(messages.map(encodeFrame));
}

/** The messages of a batch body, in order. Throws MessageCodecError on truncated or foreign input. */
export function decodeMessages(buffer: Uint8Array): Message[] {
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.byteLength < MAGIC.byteLength || !bytes.subarray(0, MAGIC.byteLength).equals(MAGIC)) {
    throw new MessageCodecError(
      `Cannot decode a Raft message batch of ${bytes.byteLength} bytes: it does not start with the batch marker ${MAGIC.toString('hex')} (got ${bytes.subarray(0, MAGIC.byteLength).toString('hex')})`,
    );
  }
  const messages: Message[] = [];
  let offset = MAGIC.byteLength;
  while (offset < bytes.byteLength) {
    const where = `Cannot decode message ${messages.length} of a Raft batch (at byte ${offset} of ${bytes.byteLength})`;
    if (bytes.byteLength - offset < FRAME_PREFIX) throw new MessageCodecError(`${where}: the frame prefix is truncated`);
    const headerLength = bytes.readUInt32BE(offset);
    const dataLength = bytes.readUInt32BE(offset + 4);
    const start = offset + FRAME_PREFIX;
    if (bytes.byteLength - start < headerLength + dataLength) {
      throw new MessageCodecError(
        `${where}: the frame declares ${headerLength} header and ${dataLength} data bytes but only ${bytes.byteLength - start} remain`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8', start, start + headerLength));
    } catch (error) {
      throw new MessageCodecError(`${where}: the header is not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const header = checkHeader(parsed, where);
    const entryHeaders = header.entries ?? [];
    const declared = entryHeaders.reduce((sum, e) => sum + e[3], 0);
    if (declared !== dataLength) {
      throw new MessageCodecError(`${where}: its entries declare ${declared} data bytes but the frame carries ${dataLength}`);
    }
    let dataOffset = start + headerLength;
    const entries: Entry[] = entryHeaders.map(([index, term, type, length]) => {
      // A copy, so a kept entry does not pin the whole request body in memory.
      const data = new Uint8Array(bytes.subarray(dataOffset, dataOffset + length));
      dataOffset += length;
      return { index, term, type: ENTRY_TYPES[type] ?? 'normal', data };
    });
    const message: Message = {
      type: header.type,
      from: header.from,
      to: header.to,
      term: header.term ?? 0,
      logTerm: header.logTerm ?? 0,
      index: header.index ?? 0,
      entries,
      commit: header.commit ?? 0,
      reject: header.reject ?? false,
      rejectHint: header.rejectHint ?? 0,
    };
    if (header.snapshot !== undefined) message.snapshot = header.snapshot;
    if (header.context !== undefined) message.context = header.context;
    messages.push(message);
    offset = dataOffset;
  }
  return messages;
}

function checkHeader(value: unknown, where: string): Header {
  const fail = (problem: string): never => {
    throw new MessageCodecError(`${where}: ${problem}`);
  };
  if (!isRecord(value)) return fail('the header is not a JSON object');
  const { type, from, to } = value;
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) return fail(`unknown message type ${JSON.stringify(type)}`);
  if (typeof from !== 'string') return fail(`"from" must be a string, got ${JSON.stringify(from)}`);
  if (typeof to !== 'string' || to === '') return fail(`"to" must be a non-empty string, got ${JSON.stringify(to)}`);
  for (const field of ['term', 'logTerm', 'index', 'commit', 'rejectHint'] as const) {
    if (value[field] !== undefined && !isCount(value[field])) {
      return fail(`"${field}" must be a non-negative integer, got ${JSON.stringify(value[field])}`);
    }
  }
  if (value.reject !== undefined && typeof value.reject !== 'boolean') {
    return fail(`"reject" must be a boolean, got ${JSON.stringify(value.reject)}`);
  }
  if (value.context !== undefined && typeof value.context !== 'string') {
    return fail(`"context" must be a string, got ${JSON.stringify(value.context)}`);
  }
  if (value.snapshot !== undefined && !isSnapshotMeta(value.snapshot)) {
    return fail(`"snapshot" must be {index, term, conf: {voters, learners}}, got ${JSON.stringify(value.snapshot)}`);
  }
  if (value.entries !== undefined) {
    if (!Array.isArray(value.entries)) return fail('"entries" must be an array');
    for (const [i, entry] of (value.entries as unknown[]).entries()) {
      const ok =
        Array.isArray(entry) &&
        entry.length === 4 &&
        isCount(entry[0]) &&
        isCount(entry[1]) &&
        (entry[2] === 0 || entry[2] === 1) &&
        isCount(entry[3]);
      if (!ok) return fail(`entry ${i} must be [index, term, type 0|1, length], got ${JSON.stringify(entry)}`);
    }
  }
  return value as unknown as Header;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isSnapshotMeta(value: unknown): value is SnapshotMeta {
  if (!isRecord(value) || !isCount(value.index) || !isCount(value.term) || !isRecord(value.conf)) return false;
  const ids = (list: unknown): boolean => Array.isArray(list) && list.every((id) => typeof id === 'string');
  return ids(value.conf.voters) && ids(value.conf.learners);
}
