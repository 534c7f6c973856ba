/**
 * Names outside the cluster go to the host's resolvers: tried in order, each for a bounded
 * time, over UDP with a TCP retry when the answer was truncated. Answers are cached, and
 * identical questions asked while one is out share its answer.
 */
import { randomInt } from 'node:crypto';
import { CHECKING_DISABLED, decode, DNSSEC_OK, encode, RECURSION_DESIRED, type Question } from 'dns-packet';
import type { Upstream } from './resolv-conf.ts';
import { ResponseCache, type UpstreamAnswer } from './response-cache.ts';
import { tcpExchange, udpExchange } from './upstream-exchange.ts';

export interface ForwarderOptions {
  /** The resolvers to ask, in order; read on every miss so changes apply at once. */
  upstreams: () => readonly Upstream[];
  /** How long one upstream gets before the next is tried, ms; default 2000. */
  attemptTimeoutMs?: number;
  /** Answer cache; default a new ResponseCache with its defaults. */
  cache?: ResponseCache;
}

/** Options of the asking client that change what an upstream answers. */
export interface ForwardFlags {
  dnssecOk: boolean;
  checkingDisabled: boolean;
}

/** No upstream gave a usable answer (all timed out, failed, or there are none). */
export class ForwardError extends Error {
  override readonly name = 'ForwardError';
}

const SERVFAIL = 2;
const REFUSED = 5;
const AUTHENTIC_DATA_BIT = 1 << 5;

/** The cache key of a question: names compare without case. */
export function questionKey(question: Question, flags: ForwardFlags): string {
  return `${question.name.replace(/\.$/, '').toLowerCase()}|${question.type}|${question.class ?? 'IN'}|${flags.dnssecOk ? 'do' : ''}${flags.checkingDisabled ? 'cd' : ''}`;
}

/** Resolves questions through upstream resolvers with a cache; see the module comment. */
export class Forwarder {
  readonly #options: ForwarderOptions;
  readonly #cache: ResponseCache;
  readonly #inFlight = new Map<string, Promise<UpstreamAnswer>>();

  constructor(options: ForwarderOptions) {
    this.#options = options;
    this.#cache = options.cache ?? new ResponseCache();
  }

  /** The upstream answer to `question` (cached while fresh); ForwardError when no upstream answered. */
  resolve(question: Question, flags: ForwardFlags): Promise<UpstreamAnswer> {
    const key = questionKey(question, flags);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#ask(question, flags).then((answer) => {
        this.#cache.put(key, answer);
        return answer;
      }).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  async #ask(question: Question, flags: ForwardFlags): Promise<UpstreamAnswer> {
    const upstreams = this.#options.upstreams();
    if (upstreams.length === 0) throw new ForwardError(`Cannot resolve ${question.name}: no upstream resolvers are configured`);
    const timeoutMs = this.#options.attemptTimeoutMs ?? 2000;
    const failures: string[] = [];
    let refusal: UpstreamAnswer | undefined;
    for (const upstream of upstreams) {
      const query = encode({
        type: 'query',
        id: randomInt(0x10000),
        flags: RECURSION_DESIRED | (flags.checkingDisabled ? CHECKING_DISABLED : 0),
        questions: [{ name: question.name, type: question.type, class: question.class ?? 'IN' }],
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: flags.dnssecOk ? DNSSEC_OK : 0, flag_do: flags.dnssecOk, options: [] }],
      });
      try {
        let reply = parseReply(await udpExchange(query, upstream, timeoutMs), question);
        if (reply.truncated) reply = parseReply(await tcpExchange(query, upstream, timeoutMs), question);
        // A failing or refusing upstream is not the last word while another may answer.
        if (reply.answer.rcode === SERVFAIL || reply.answer.rcode === REFUSED) {
          refusal = reply.answer;
          continue;
        }
        return reply.answer;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    if (refusal !== undefined) return refusal;
    throw new ForwardError(failures.join('; '));
  }
}

function parseReply(message: Buffer, question: Question): { truncated: boolean; answer: UpstreamAnswer } {
  let packet;
  try {
    packet = decode(message);
  } catch (error) {
    throw new Error(`Cannot use the upstream answer for ${question.name}: ${(error as Error).message}`);
  }
  const asked = packet.questions?.[0];
  if (packet.type !== 'response' || asked === undefined || asked.name.toLowerCase() !== question.name.replace(/\.$/, '').toLowerCase() || asked.type !== question.type) {
    throw new Error(`Cannot use the upstream answer for ${question.name}: it answers a different question`);
  }
  const flags = packet.flags ?? 0;
  return {
    truncated: packet.flag_tc,
    answer: {
      rcode: flags & 0xf,
      authenticData: (flags & AUTHENTIC_DATA_BIT) !== 0,
      answers: packet.answers ?? [],
      authorities: packet.authorities ?? [],
      // The upstream's EDNS record describes its link to us, not ours to the client.
      additionals: (packet.additionals ?? []).filter((r) => r.type !== 'OPT'),
    },
  };
}
