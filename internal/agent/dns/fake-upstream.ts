/**
 * A stand-in upstream resolver for tests: real UDP and TCP sockets on a local address,
 * answering from a table, recording every question, able to stay silent or to truncate
 * its UDP answers. Keeps tests away from real resolvers.
 */
import { decode, encode, TRUNCATED_RESPONSE, type Answer, type Question } from 'dns-packet';
import type { Transport } from './handler.ts';
import { listenDns, type DnsListener } from './listener.ts';

export interface FakeAnswer {
  /** Default 0 (NOERROR); 3 is NXDOMAIN. */
  rcode?: number;
  answers?: Answer[];
  authorities?: Answer[];
}

export interface FakeUpstreamOptions {
  /** Default 127.0.0.1. */
  address?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** The answer for a question; 'silent' sends nothing. Default: NXDOMAIN with an SOA of the `test` zone. */
  answer?: (question: Question) => FakeAnswer | 'silent';
  /** Answer over UDP with TC set and no records, so clients must ask over TCP. */
  truncateUdp?: boolean;
}

/** The SOA a fake denial carries: 60 s negative TTL. */
export const fakeSoa: Answer = {
  type: 'SOA', name: 'test', ttl: 60,
  data: { mname: 'ns.test', rname: 'hostmaster.test', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60 },
};

export class FakeUpstream {
  readonly questions: { name: string; type: string; transport: Transport }[] = [];
  readonly #listener: DnsListener;
  readonly address: string;

  private constructor(listener: DnsListener, address: string) {
    this.#listener = listener;
    this.address = address;
  }

  get port(): number {
    return this.#listener.port;
  }

  /** Starts answering; resolves once both sockets listen. */
  static async start(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const address = options.address ?? '127.0.0.1';
    const answerOf = options.answer ?? ((): FakeAnswer => ({ rcode: 3, authorities: [fakeSoa] }));
    let upstream: FakeUpstream | undefined;
    const listener = await listenDns({
      address,
      port: options.port ?? 0,
      handle: async (message, transport) => {
        const query = decode(message);
        const question = query.questions?.[0];
        if (question === undefined) return null;
        upstream?.questions.push({ name: question.name, type: question.type, transport });
        const answer = answerOf(question);
        if (answer === 'silent') return null;
        const base = { type: 'response' as const, id: query.id ?? 0, questions: [question] };
        if (options.truncateUdp && transport === 'udp') return encode({ ...base, flags: TRUNCATED_RESPONSE });
        return encode({ ...base, flags: (answer.rcode ?? 0) | (1 << 7), answers: answer.answers ?? [], authorities: answer.authorities ?? [] });
      },
    });
    upstream = new FakeUpstream(listener, address);
    return upstream;
  }

  close(): Promise<void> {
    return this.#listener.close();
  }
}
