/**
 * The certificate a control-plane server presents on the Raft peer port, both when it
 * serves and when it calls another server: one leaf for both ends, so a member has one
 * identity. The group marks it as a Raft member; an admin or node certificate from the same
 * CA lacks it and is refused on the peer port.
 */
import type { CertificateAuthority } from './ca.ts';
import { InvalidArgumentError } from './errors.ts';
import { issueLeaf, requireText, subjectAltNameExtension, type CertificatePair } from './issue.ts';
import type { Identity } from './tls.ts';
import { LEAF_VALIDITY_DAYS } from './validity.ts';
import { x509 } from './x509.ts';

/** The group (certificate O) every Raft member's peer certificate carries. */
export const PEER_GROUP = 'system:skiff-servers';

/** The user name (certificate CN) of a member is this prefix followed by its Raft node id. */
export const PEER_USER_PREFIX = 'system:skiff-server:';

export interface PeerCertificateOptions {
  /** The member's Raft node id. */
  id: string;
  /** The DNS names and IPs its peer URL may use, in any mix. */
  names: Iterable<string>;
  /** Default 365. */
  validityDays?: number;
  /** Default the current time. */
  now?: Date;
}

/** Issues a member's peer certificate: serverAuth and clientAuth, CN `system:skiff-server:<id>`, O PEER_GROUP. */
export async function issuePeerCertificate(
  ca: CertificateAuthority,
  options: PeerCertificateOptions,
): Promise<CertificatePair> {
  // Ids end up in a certificate name and in log lines: keep them to one visible word.
  if (!/^[\x21-\x7e]+$/.test(options.id)) {
    throw new InvalidArgumentError(
      `Cannot issue a peer certificate for node id ${JSON.stringify(options.id)}: it must be non-empty printable ASCII without spaces`,
    );
  }
  return issueLeaf(ca, {
    subject: [{ O: [PEER_GROUP] }, { CN: [requireText(`${PEER_USER_PREFIX}${options.id}`, 'common name')] }],
    usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    extra: [subjectAltNameExtension(options.names, 'peer certificate')],
    validityDays: options.validityDays ?? LEAF_VALIDITY_DAYS,
    now: options.now ?? new Date(),
  });
}

/** The Raft node id an authenticated identity speaks for, or undefined when it is not a member. */
export function peerIdOf(identity: Identity): string | undefined {
  if (!identity.groups.includes(PEER_GROUP)) return undefined;
  if (!identity.user.startsWith(PEER_USER_PREFIX)) return undefined;
  const id = identity.user.slice(PEER_USER_PREFIX.length);
  return id === '' ? undefined : id;
}
