/** What node's TLS needs from this package, and what a verified client certificate means. */
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { InvalidArgumentError } from './errors.ts';
import type { CertificatePair } from './issue.ts';
import { errorMessage } from './keys.ts';
import { x509 } from './x509.ts';

/** The PEMs in the shape `https.createServer` (and `tls.connect`) take them. */
export interface TlsCredentials {
  readonly key: string;
  readonly cert: string;
  /** The CA that client certificates must chain to. */
  readonly ca: string;
}

/** The user a request is made as: CN is the user name, every O a group (as in Kubernetes). */
export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
}

/** Server credentials: the serving pair, with `caPem` as the trust root for client certificates. */
export function tlsCredentials(caPem: string, pair: CertificatePair): TlsCredentials {
  return { key: pair.keyPem, cert: pair.certPem, ca: caPem };
}

/**
 * The identity of the client at the other end of `socket`, or undefined when it sent no
 * certificate or one that did not verify against the server's `ca` (the caller answers 401).
 * Use with `requestCert: true, rejectUnauthorized: false` so unauthenticated clients still
 * reach the HTTP layer and get a proper answer.
 */
export function peerIdentity(socket: Pick<TLSSocket, 'authorized' | 'getPeerCertificate'>): Identity | undefined {
  if (!socket.authorized) return undefined;
  const peer = socket.getPeerCertificate();
  // With no client certificate node returns an empty object.
  if (peer === null || typeof peer !== 'object' || !Buffer.isBuffer(peer.raw)) return undefined;
  const subject = new x509.X509Certificate(peer.raw).subjectName;
  const user = subject.getField('CN').at(-1);
  if (user === undefined || user === '') return undefined;
  return { user, groups: subject.getField('O') };
}

/** The sha256 of the CA certificate's DER, hex: what a join token pins the server's CA to. */
export function caHash(caPem: string): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(caPem);
  } catch (error) {
    throw new InvalidArgumentError(
      `Cannot hash the CA certificate as it is not a PEM certificate: ${errorMessage(error)}`,
    );
  }
  return createHash('sha256').update(certificate.raw).digest('hex');
}
