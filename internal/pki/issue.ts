/** Leaf certificates signed by the cluster CA: serving certificates and client identities. */
import { InvalidArgumentError } from './errors.ts';
import type { CertificateAuthority } from './ca.ts';
import { generateKeyPair } from './keys.ts';
import { subjectAltNames } from './names.ts';
import { LEAF_VALIDITY_DAYS, randomSerialNumber, validityWindow } from './validity.ts';
import { crypto, keyAlgorithm, x509 } from './x509.ts';

/** A certificate and its private key, both PEM. */
export interface CertificatePair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServingCertificateOptions {
  /** Default `skiff-apiserver`. */
  commonName?: string;
  /** DNS names and IPs, in any mix: each is sorted into the right SAN type. */
  names: Iterable<string>;
  /** Default 365. */
  validityDays?: number;
  /** Default the current time. */
  now?: Date;
}

export interface ClientCertificateOptions {
  /** The user name the API server sees, e.g. `system:node:pi-1`. */
  commonName: string;
  /** The groups the API server sees, e.g. `system:nodes`. Default none. */
  organizations?: readonly string[];
  /** Default 365. */
  validityDays?: number;
  /** Default the current time. */
  now?: Date;
}

/** Issues a serverAuth certificate for `names`, signed by `ca`, never valid beyond the CA. */
export async function issueServingCertificate(
  ca: CertificateAuthority,
  options: ServingCertificateOptions,
): Promise<CertificatePair> {
  return issueLeaf(ca, {
    subject: [{ CN: [requireText(options.commonName ?? 'skiff-apiserver', 'common name')] }],
    usages: [x509.ExtendedKeyUsage.serverAuth],
    extra: [subjectAltNameExtension(options.names, 'serving certificate')],
    validityDays: options.validityDays ?? LEAF_VALIDITY_DAYS,
    now: options.now ?? new Date(),
  });
}

/** Issues a clientAuth certificate whose CN is the user and whose O values are its groups. */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  options: ClientCertificateOptions,
): Promise<CertificatePair> {
  const organizations = (options.organizations ?? []).map((o) => requireText(o, 'organization'));
  const subject: x509.JsonName = [];
  if (organizations.length > 0) subject.push({ O: organizations });
  subject.push({ CN: [requireText(options.commonName, 'common name')] });
  return issueLeaf(ca, {
    subject,
    usages: [x509.ExtendedKeyUsage.clientAuth],
    extra: [],
    validityDays: options.validityDays ?? LEAF_VALIDITY_DAYS,
    now: options.now ?? new Date(),
  });
}

/** The SAN extension for `names` (DNS names and IPs in any mix); fails when there are none. */
export function subjectAltNameExtension(names: Iterable<string>, what: string): x509.SubjectAlternativeNameExtension {
  const sans = subjectAltNames(names);
  if (sans.dnsNames.length + sans.ips.length === 0) {
    throw new InvalidArgumentError(`Cannot issue a ${what} without names: pass at least one DNS name or IP`);
  }
  const altNames: x509.JsonGeneralName[] = [
    ...sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  return new x509.SubjectAlternativeNameExtension(altNames, false);
}

/** Signs a leaf for `subject` with the given extended key usages, never valid beyond the CA. */
export async function issueLeaf(
  ca: CertificateAuthority,
  leaf: {
    subject: x509.JsonName;
    usages: readonly x509.ExtendedKeyUsage[];
    extra: x509.Extension[];
    validityDays: number;
    now: Date;
  },
): Promise<CertificatePair> {
  if (!Number.isInteger(leaf.validityDays) || leaf.validityDays < 1) {
    throw new InvalidArgumentError(
      `Cannot issue a certificate valid for ${leaf.validityDays} days: use a whole number of at least 1`,
    );
  }
  const issuer = new x509.X509Certificate(ca.certPem);
  if (issuer.notAfter <= leaf.now) {
    throw new InvalidArgumentError(
      `Cannot issue a certificate as the CA ${issuer.subject} expired on ${issuer.notAfter.toISOString()}`,
    );
  }
  const { privateKey, publicKey } = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: leaf.subject,
      issuer: issuer.subjectName,
      ...validityWindow(leaf.now, leaf.validityDays, issuer.notAfter),
      publicKey,
      signingKey: ca.key.cryptoKey,
      signingAlgorithm: keyAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([...leaf.usages], false),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
        await authorityKeyIdentifier(issuer),
        ...leaf.extra,
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: privateKey.pem };
}

// Points at the CA's own subject key identifier, so chain builders can find the issuer by key.
async function authorityKeyIdentifier(issuer: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = issuer.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski !== null) return new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);
  return x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey, false, crypto);
}

/** `value`, checked to be non-empty text without surrounding spaces (`what` names it in the error). */
export function requireText(value: string, what: string): string {
  if (value.trim() === '' || value !== value.trim()) {
    throw new InvalidArgumentError(
      `Cannot issue a certificate with ${what} ${JSON.stringify(value)}: it must be non-empty text without surrounding spaces`,
    );
  }
  return value;
}
