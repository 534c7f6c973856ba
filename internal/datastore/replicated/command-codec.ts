/**
 * The data of a normal Raft entry: one datastore command and the id of the request that
 * proposed it, so the member that proposed it can hand the outcome of applying it back to
 * its caller. A line of JSON (the proposal, each byte value in it replaced by `{"$v": i}`,
 * and `sizes`, the length of every byte value), then the byte values as they are, one
 * after the other. A log that outlives upgrades stays readable without the program that
 * wrote it (object values are JSON text themselves), and a value is copied once rather
 * than escaped into a string and out again.
 */
import type { Command } from '../command.ts';
import type { Compare, Op, TxnRequest } from '../types.ts';

export interface ProposedCommand {
  /** Unique per proposal across restarts and members ('' for none). */
  id: string;
  command: Command;
}

interface Ref {
  $v: number;
}

const decoder = new TextDecoder();
const newline = 0x0a;

/** The command with each byte value moved to `values` and replaced by a reference. */
function withRefs(command: Command, values: Uint8Array[]): unknown {
  if (command.type !== 'txn') return command;
  const ref = (value: Uint8Array): Ref => ({ $v: values.push(value) - 1 });
  const op = (item: Op): unknown => (item.type === 'put' ? { ...item, value: ref(item.value) } : item);
  const { compare, success, failure } = command.txn;
  return {
    type: 'txn',
    txn: {
      compare: compare.map((item) => (item.value instanceof Uint8Array ? { ...item, value: ref(item.value) } : item)),
      success: success.map(op),
      failure: failure.map(op),
    },
  };
}

export function encodeCommand(proposal: ProposedCommand): Uint8Array {
  const values: Uint8Array[] = [];
  const command = withRefs(proposal.command, values);
  const head = `${JSON.stringify({ id: proposal.id, command, sizes: values.map((value) => value.byteLength) })}\n`;
  const headBytes = Buffer.byteLength(head);
  let total = headBytes;
  for (const value of values) total += value.byteLength;
  const out = Buffer.allocUnsafe(total);
  out.write(head, 0, 'utf8');
  let offset = headBytes;
  for (const value of values) {
    out.set(value, offset);
    offset += value.byteLength;
  }
  return out;
}

function invalid(data: Uint8Array, why: string): Error {
  return new Error(`Cannot decode a Raft entry as a datastore command (${why}): ${decoder.decode(data.subarray(0, 80))}`);
}

/**
 * The encoding of earlier versions: one line of JSON with each byte value as
 * `{"$t": text}` (UTF-8) or `{"$b": base64}`. Entries logged by them are still decoded.
 */
function decodeJsonLine(data: Uint8Array): ProposedCommand {
  let value: Partial<ProposedCommand> | null;
  try {
    value = JSON.parse(decoder.decode(data), (_key, item: unknown) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 1) {
        const { $b, $t } = item as { $b?: unknown; $t?: unknown };
        if (typeof $t === 'string') return new Uint8Array(Buffer.from($t, 'utf8'));
        if (typeof $b === 'string') return new Uint8Array(Buffer.from($b, 'base64'));
      }
      return item;
    }) as Partial<ProposedCommand> | null;
  } catch (error) {
    throw invalid(data, error instanceof Error ? error.message : String(error));
  }
  if (typeof value?.id !== 'string' || typeof value.command?.type !== 'string') {
    throw invalid(data, isProposalRef(data) ? 'a proposal by reference, without its command' : 'not a proposal');
  }
  return { id: value.id, command: value.command };
}

export function decodeCommand(data: Uint8Array): ProposedCommand {
  const end = data.indexOf(newline);
  if (end < 0) return decodeJsonLine(data);
  let head: { id?: unknown; command?: { type?: unknown; txn?: TxnRequest }; sizes?: unknown };
  try {
    head = JSON.parse(decoder.decode(data.subarray(0, end))) as typeof head;
  } catch (error) {
    throw invalid(data, error instanceof Error ? error.message : String(error));
  }
  const { id, command, sizes } = head;
  if (typeof id !== 'string' || typeof command?.type !== 'string' || !Array.isArray(sizes)) throw invalid(data, 'not a proposal');
  const values: Uint8Array[] = [];
  let offset = end + 1;
  for (const size of sizes) {
    if (!Number.isSafeInteger(size) || (size as number) < 0 || offset + (size as number) > data.byteLength) throw invalid(data, 'value sizes beyond its end');
    values.push(new Uint8Array(data.buffer, data.byteOffset + offset, size as number));
    offset += size as number;
  }
  if (offset !== data.byteLength) throw invalid(data, `${data.byteLength - offset} bytes after its values`);
  const value = (item: unknown): Uint8Array => {
    const index = (item as Partial<Ref> | null)?.$v;
    const bytes = typeof index === 'number' ? values[index] : undefined;
    if (bytes === undefined) throw invalid(data, `a byte value refers to no value (${JSON.stringify(item)})`);
    return bytes;
  };
  if (command.type === 'txn' && command.txn !== undefined) {
    const op = (item: Op): Op => (item.type === 'put' ? { ...item, value: value(item.value) } : item);
    const txn = command.txn;
    command.txn = {
      compare: txn.compare.map((item): Compare => (typeof item.value === 'number' ? item : { ...item, value: value(item.value) })),
      success: txn.success.map(op),
      failure: txn.failure.map(op),
    };
  }
  return { id, command: command as Command };
}

/**
 * Entry data that names a proposal without its command: what a member with nobody to
 * send entries to proposes, since it applies most entries before they would be written
 * or sent. It must be replaced by encodeCommand() output before it leaves memory.
 */
export function encodeProposalRef(id: string): Uint8Array {
  return Buffer.from(`{"id":${JSON.stringify(id)}}`);
}

const refPrefix = Buffer.from('{"id":');

/**
 * Whether entry data is an encodeProposalRef(): short, one line, naming only an id (a
 * whole encoding has a newline; an entry of an earlier version names a command too; a
 * leader's empty entry is neither).
 */
export function isProposalRef(data: Uint8Array): boolean {
  if (data.byteLength < refPrefix.byteLength + 3 || data.byteLength > 512 || data[data.byteLength - 1] !== 0x7d) return false;
  if (!refPrefix.equals(data.subarray(0, refPrefix.byteLength)) || data.indexOf(newline) >= 0) return false;
  // An id is a JSON string with no quote inside: one closing quote, right before the brace.
  return data.indexOf(0x22, refPrefix.byteLength + 1) === data.byteLength - 2;
}

const idPrefix = '{"id":"';

/** The proposal id of encoded entry data, read without decoding the rest ('' for none). */
export function peekCommandId(data: Uint8Array): string {
  const head = decoder.decode(data.subarray(0, 160));
  if (!head.startsWith(idPrefix)) return '';
  const end = head.indexOf('"', idPrefix.length);
  return end < 0 ? '' : head.slice(idPrefix.length, end);
}
