/**
 * One leaf certificate on disk, kept while it is still right and reissued when it is not.
 * "Right" means: both files parse, the key matches, the current CA signed it, it has at
 * least 90 days left, and it names what is wanted now. Reissuing is always safe for a leaf
 * (its trust comes from the CA), which is what keeps a cluster from locking itself out a
 * year after install.
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateAuthority } from './ca.ts';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readOptional, writeFileAtomic } from './files.ts';
import { issueClientCertificate, issueServingCertificate, type CertificatePair } from './issue.ts';
import { errorMessage, parsePrivateKey, type PrivateKey } from './keys.ts';
import { diffNames, subjectAltNames, type SubjectAltNames } from './names.ts';
import { daysLeft, LEAF_VALIDITY_DAYS } from './validity.ts';
import { x509 } from './x509.ts';

/** A leaf with less than this many days left is reissued. */
export const RENEW_BEFORE_DAYS = 90;

/** Why a certificate was created, renewed or kept. */
export type CertificateReason =
  | 'missing'
  | 'unreadable'
  | 'key-mismatch'
  | 'not-signed-by-ca'
  | 'expiring'
  | 'names-changed'
  | 'identity-changed'
  | 'valid';

/** What start-up did with one certificate, for the log. */
export interface CertificateReport {
  readonly certFile: string;
  readonly keyFile: string;
  readonly action: 'created' | 'renewed' | 'kept';
  readonly reason: CertificateReason;
  /** One line for humans, e.g. "expires 2027-03-01T00:00:00.000Z, in 42 days". */
  readonly detail: string;
}

/** The certificate a file pair should hold. */
export type LeafSpec =
  | { readonly kind: 'serving'; readonly commonName: string; readonly names: readonly string[] }
  | { readonly kind: 'client'; readonly commonName: string; readonly organizations: readonly string[] };

/** Loads the pair at `certFile`/`keyFile`, reissuing it from `ca` when it is missing or no longer right. */
export async function ensureLeafCertificate(
  ca: CertificateAuthority,
  options: { certFile: string; keyFile: string; spec: LeafSpec; now: Date; validityDays?: number },
): Promise<{ pair: CertificatePair; report: CertificateReport }> {
  const { certFile, keyFile, spec, now } = options;
  const [certPem, keyPem] = await Promise.all([readOptional(certFile), readOptional(keyFile)]);
  let problem: { reason: CertificateReason; detail: string };
  if (certPem !== undefined && keyPem !== undefined) {
    problem = await findProblem(ca, { certPem, keyPem, certFile, keyFile }, spec, now);
    if (problem.reason === 'valid') {
      return { pair: { certPem, keyPem }, report: { certFile, keyFile, action: 'kept', ...problem } };
    }
  } else {
    problem = { reason: 'missing', detail: `${certPem === undefined ? certFile : keyFile} does not exist` };
  }
  const validityDays = options.validityDays ?? LEAF_VALIDITY_DAYS;
  const pair =
    spec.kind === 'serving'
      ? await issueServingCertificate(ca, { commonName: spec.commonName, names: spec.names, validityDays, now })
      : await issueClientCertificate(ca, {
          commonName: spec.commonName,
          organizations: spec.organizations,
          validityDays,
          now,
        });
  // Key first: a crash between the two renames leaves a pair that does not match, which
  // the next start reissues.
  await writeFileAtomic(keyFile, pair.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(certFile, pair.certPem, PUBLIC_FILE_MODE);
  const action = problem.reason === 'missing' && certPem === undefined && keyPem === undefined ? 'created' : 'renewed';
  return { pair, report: { certFile, keyFile, action, ...problem } };
}

async function findProblem(
  ca: CertificateAuthority,
  files: { certPem: string; keyPem: string; certFile: string; keyFile: string },
  spec: LeafSpec,
  now: Date,
): Promise<{ reason: CertificateReason; detail: string }> {
  let cert: X509Certificate;
  let parsed: x509.X509Certificate;
  try {
    cert = new X509Certificate(files.certPem);
    parsed = new x509.X509Certificate(files.certPem);
  } catch (error) {
    return { reason: 'unreadable', detail: `${files.certFile} is not a PEM certificate (${errorMessage(error)})` };
  }
  let key: PrivateKey;
  try {
    key = await parsePrivateKey(files.keyPem, files.keyFile);
  } catch (error) {
    return { reason: 'unreadable', detail: errorMessage(error) };
  }
  if (!cert.checkPrivateKey(key.keyObject)) {
    return { reason: 'key-mismatch', detail: `${files.keyFile} is not the key of ${files.certFile}` };
  }
  if (!cert.checkIssued(ca.certificate) || !cert.verify(ca.certificate.publicKey)) {
    return {
      reason: 'not-signed-by-ca',
      detail: `issued by ${cert.issuer.replace(/\n/g, ', ')}, not by the current CA ${ca.certificate.subject}`,
    };
  }
  const expires = cert.validToDate;
  const left = daysLeft(expires, now);
  if (left < RENEW_BEFORE_DAYS) {
    return {
      reason: 'expiring',
      detail:
        left < 0
          ? `expired ${expires.toISOString()}`
          : `expires ${expires.toISOString()}, in ${left} days (renewal under ${RENEW_BEFORE_DAYS})`,
    };
  }
  const changed =
    spec.kind === 'serving'
      ? (identityChange(parsed, { commonName: spec.commonName, organizations: [] }) ?? namesChange(parsed, spec.names))
      : identityChange(parsed, spec);
  if (changed !== undefined) return changed;
  return { reason: 'valid', detail: `valid until ${expires.toISOString()}, ${left} days left` };
}

function namesChange(
  cert: x509.X509Certificate,
  wantedNames: readonly string[],
): { reason: CertificateReason; detail: string } | undefined {
  const wanted = subjectAltNames(wantedNames);
  let have: SubjectAltNames;
  try {
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    have = subjectAltNames((san?.names.items ?? []).map((n) => n.value));
  } catch (error) {
    return { reason: 'names-changed', detail: `its names cannot be read (${errorMessage(error)})` };
  }
  const { missing, extra } = diffNames(have, wanted);
  if (missing.length === 0 && extra.length === 0) return undefined;
  const parts = [];
  if (missing.length > 0) parts.push(`lacks ${missing.join(', ')}`);
  if (extra.length > 0) parts.push(`no longer needs ${extra.join(', ')}`);
  return { reason: 'names-changed', detail: parts.join('; ') };
}

function identityChange(
  cert: x509.X509Certificate,
  spec: { commonName: string; organizations: readonly string[] },
): { reason: CertificateReason; detail: string } | undefined {
  const commonNames = cert.subjectName.getField('CN');
  const organizations = [...cert.subjectName.getField('O')].sort();
  const wantedOrganizations = [...spec.organizations].sort();
  if (
    commonNames.length === 1 &&
    commonNames[0] === spec.commonName &&
    organizations.join('\n') === wantedOrganizations.join('\n')
  ) {
    return undefined;
  }
  const is = `CN=${commonNames.join('+')} O=[${organizations.join(', ')}]`;
  const wanted = `CN=${spec.commonName} O=[${wantedOrganizations.join(', ')}]`;
  return { reason: 'identity-changed', detail: `it is ${is}, wanted ${wanted}` };
}
