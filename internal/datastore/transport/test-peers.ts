/** Test members on 127.0.0.1 with real peer certificates from a fresh CA, recording what reaches them. */
import type { TestContext } from 'node:test';
import type { Readable } from 'node:stream';
import { createCertificateAuthority, type CertificateAuthority } from '../../pki/ca.ts';
import { issuePeerCertificate } from '../../pki/peer.ts';
import type { Logger } from '../../util/log.ts';
import type { Message, NodeId } from '../raft/types.ts';
import { PeerTransport, type PeerTransportOptions } from './peer-transport.ts';
import type { PeerTls } from './protocol.ts';

export interface TestMember {
  id: NodeId;
  transport: PeerTransport;
  url: string;
  /** Every onMessages call, in order. */
  batches: { from: NodeId; messages: Message[] }[];
  unreachable: NodeId[];
  snapshotStatus: { id: NodeId; ok: boolean }[];
  /** Every log line's message and fields, for checking why something failed. */
  logs: string[];
}

export async function testCa(): Promise<CertificateAuthority> {
  return createCertificateAuthority();
}

/** Peer credentials for `id`, valid for 127.0.0.1 unless other names are given. */
export async function peerTls(ca: CertificateAuthority, id: NodeId, names: string[] = ['127.0.0.1']): Promise<PeerTls> {
  const pair = await issuePeerCertificate(ca, { id, names });
  return { caPem: ca.certPem, ...pair };
}

/** Starts a member that records what it receives; it is closed after the test. */
export async function startMember(
  t: TestContext,
  tls: PeerTls,
  id: NodeId,
  overrides: Partial<PeerTransportOptions> = {},
): Promise<TestMember> {
  const logs: string[] = [];
  const member: Omit<TestMember, 'transport' | 'url'> = { id, batches: [], unreachable: [], snapshotStatus: [], logs };
  const transport = await PeerTransport.start({
    id,
    tls,
    host: '127.0.0.1',
    port: 0,
    onMessages: (from, messages) => member.batches.push({ from, messages }),
    onSnapshot: async (_message: Message, data: Readable) => {
      data.resume();
      await new Promise((resolve) => data.once('end', resolve));
    },
    onUnreachable: (peer) => member.unreachable.push(peer),
    onSnapshotStatus: (peer, ok) => member.snapshotStatus.push({ id: peer, ok }),
    log: recordingLogger(logs),
    ...overrides,
  });
  t.after(() => transport.close());
  return { ...member, transport, url: `https://127.0.0.1:${transport.port}` };
}

/** Polls until `condition` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A message with every field at its zero value except those given. */
export function message(overrides: Partial<Message> & Pick<Message, 'from' | 'to'>): Message {
  return {
    type: 'heartbeat', term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0,
    ...overrides,
  };
}

function recordingLogger(lines: string[], base: Record<string, unknown> = {}): Logger {
  const record = (message: string, fields: Record<string, unknown> = {}): void => {
    const all = { ...base, ...fields };
    const error = all.error instanceof Error ? all.error.message : all.error;
    lines.push(`${message} ${JSON.stringify({ ...all, error })}`);
  };
  return { error: record, warn: record, info: record, debug: record, with: (fields) => recordingLogger(lines, { ...base, ...fields }) };
}
