/**
 * One client message in, one reply out: names under the cluster zone (and reverse names of
 * cluster addresses) are answered from the resolver, everything else is forwarded. UDP
 * replies larger than the client accepts are cut to the question with the TC bit set, so
 * the client asks again over TCP.
 */
import {
  AUTHENTIC_DATA, AUTHORITATIVE_ANSWER, CHECKING_DISABLED, decode, DNSSEC_OK, encode, RECURSION_AVAILABLE, RECURSION_DESIRED, TRUNCATED_RESPONSE,
  type Answer, type DecodedPacket, type OptAnswer, type Question, type RecordType,
} from 'dns-packet';
import type { Resolution } from './resolver.ts';
import type { Forwarder } from './forwarder.ts';

/** The cluster side of the handler (ClusterResolver, or a stand-in in tests). */
export interface ClusterAnswers {
  resolve(name: string, type: RecordType): Resolution | null;
}

export interface QueryHandlerOptions {
  resolver: ClusterAnswers;
  forwarder: Forwarder;
  /**
   * False until the cluster caches have been read once: until then a name the cluster
   * does not know gets SERVFAIL (try again) rather than NXDOMAIN, as CoreDNS does.
   */
  ready?: () => boolean;
  /** Told about failures the client only sees as SERVFAIL (ForwardError: no upstream answered). */
  onError?: (error: unknown, question: Question) => void;
}

export type Transport = 'udp' | 'tcp';

const rcodes = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** The largest UDP reply sent to an EDNS client, the size DNS Flag Day 2020 settled on. */
const maxUdpPayload = 1232;

interface Sections {
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
}

/** The reply to one client message, or null when nothing should be sent back. */
export async function handleQuery(message: Buffer, transport: Transport, options: QueryHandlerOptions): Promise<Buffer | null> {
  let query: DecodedPacket;
  try {
    query = decode(message);
  } catch {
    // Unreadable: say so when at least the header (and so the id) is there.
    if (message.length < 12 || (message.readUInt16BE(2) & 0x8000) !== 0) return null;
    return encode({ type: 'response', id: message.readUInt16BE(0), flags: rcodes.FORMERR, questions: [] });
  }
  if (query.type !== 'query') return null;
  const opcode = (query as DecodedPacket & { opcode?: string }).opcode;
  if (opcode !== 'QUERY') return finish(query, transport, rcodes.NOTIMP, 0, {});
  const question = query.questions?.length === 1 ? query.questions[0] : undefined;
  if (question === undefined) return finish(query, transport, rcodes.FORMERR, 0, {});
  if (question.type === 'AXFR' || question.type === 'IXFR') return finish(query, transport, rcodes.REFUSED, 0, {});
  const opt = ednsOf(query);
  const flags = { dnssecOk: opt?.flag_do === true, checkingDisabled: query.flag_cd };
  try {
    const local = (question.class ?? 'IN') === 'IN' ? options.resolver.resolve(question.name, question.type) : null;
    if (local === null) {
      const upstream = await options.forwarder.resolve(question, flags);
      return finish(query, transport, upstream.rcode, upstream.authenticData ? AUTHENTIC_DATA : 0, upstream);
    }
    if (local.rcode === 'NXDOMAIN' && options.ready?.() === false) return finish(query, transport, rcodes.SERVFAIL, 0, {});
    const answers = [...local.answers];
    if (local.chase !== undefined) {
      const followed = await options.forwarder.resolve({ name: local.chase.name, type: local.chase.type, class: 'IN' }, flags);
      answers.push(...followed.answers);
    }
    const authorities = answers.length === 0 ? local.authorities : [];
    return finish(query, transport, rcodes[local.rcode], AUTHORITATIVE_ANSWER, { answers, authorities, additionals: local.additionals });
  } catch (error) {
    options.onError?.(error, question);
    return finish(query, transport, rcodes.SERVFAIL, 0, {});
  }
}

function ednsOf(query: DecodedPacket): OptAnswer | undefined {
  const opt = query.additionals?.find((r) => r.type === 'OPT');
  return opt?.type === 'OPT' ? opt : undefined;
}

/** Encodes the reply, with an OPT record when the client sent one, truncated to what a UDP client accepts. */
function finish(query: DecodedPacket, transport: Transport, rcode: number, extraFlags: number, sections: Sections): Buffer {
  const opt = ednsOf(query);
  const ours: Answer[] = opt === undefined
    ? []
    : [{ type: 'OPT', name: '.', udpPayloadSize: maxUdpPayload, extendedRcode: 0, ednsVersion: 0, flags: opt.flag_do ? DNSSEC_OK : 0, flag_do: opt.flag_do, options: [] }];
  const flags = RECURSION_AVAILABLE | (query.flag_rd ? RECURSION_DESIRED : 0) | (query.flag_cd ? CHECKING_DISABLED : 0) | (rcode & 0xf) | extraFlags;
  const base = { type: 'response' as const, id: query.id ?? 0, questions: query.questions ?? [] };
  const full = encode({ ...base, flags, answers: sections.answers ?? [], authorities: sections.authorities ?? [], additionals: [...(sections.additionals ?? []), ...ours] });
  if (transport === 'tcp') return full;
  const limit = opt === undefined ? 512 : Math.max(512, Math.min(opt.udpPayloadSize, maxUdpPayload));
  if (full.length <= limit) return full;
  return encode({ ...base, flags: flags | TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: ours });
}
