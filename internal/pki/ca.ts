/**
 * The cluster CA: a self-signed ECDSA P-256 certificate valid for 10 years, kept as
 * `<dir>/server-ca.crt` and `<dir>/server-ca.key`. It is loaded when present and created
 * only when neither file exists; anything else (one file missing, an unparsable file, a key
 * that does not match the certificate) is an error naming the file, because a new CA would
 * lock out every node that trusts the old one.
 */
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { CertificateFileError } from './errors.ts';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readOptional, writeFileAtomic } from './files.ts';
import { errorMessage, generateKeyPair, parsePrivateKey, type PrivateKey } from './keys.ts';
import { CA_VALIDITY_DAYS, randomSerialNumber, validityWindow } from './validity.ts';
import { crypto, keyAlgorithm, x509 } from './x509.ts';

export const CA_CERT_FILE = 'server-ca.crt';
export const CA_KEY_FILE = 'server-ca.key';

/** A CA that can sign certificates: its certificate (PEM and parsed) and its private key. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly certificate: X509Certificate;
  readonly key: PrivateKey;
}

/** Creates a new self-signed CA named `skiff-ca@<unix seconds of now>`, valid for 10 years. */
export async function createCertificateAuthority(options: { now?: Date } = {}): Promise<CertificateAuthority> {
  const now = options.now ?? new Date();
  const { privateKey, publicKey } = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: [{ CN: [`skiff-ca@${Math.floor(now.getTime() / 1000)}`] }],
      ...validityWindow(now, CA_VALIDITY_DAYS),
      keys: { privateKey: privateKey.cryptoKey, publicKey },
      signingAlgorithm: keyAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const certPem = cert.toString('pem') + '\n';
  return { certPem, certificate: new X509Certificate(certPem), key: privateKey };
}

/** Checks that `certPem` is a CA certificate and `keyPem` its key; errors name `certFile` or `keyFile`. */
export async function parseCertificateAuthority(
  certPem: string,
  keyPem: string,
  files: { certFile: string; keyFile: string },
): Promise<CertificateAuthority> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw new CertificateFileError(files.certFile, `not a PEM certificate (${errorMessage(error)})`);
  }
  if (!certificate.ca) {
    throw new CertificateFileError(
      files.certFile,
      `${certificate.subject} is not a CA certificate (basicConstraints CA is not set)`,
    );
  }
  const key = await parsePrivateKey(keyPem, files.keyFile);
  if (!certificate.checkPrivateKey(key.keyObject)) {
    throw new CertificateFileError(files.keyFile, `the key does not match the certificate in ${files.certFile}`);
  }
  return { certPem, certificate, key };
}

/** Loads the CA from `dir`, or returns undefined when neither of its files exists. */
export async function loadCertificateAuthority(dir: string): Promise<CertificateAuthority | undefined> {
  const certFile = join(dir, CA_CERT_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  const [certPem, keyPem] = await Promise.all([readOptional(certFile), readOptional(keyFile)]);
  if (certPem === undefined && keyPem === undefined) return undefined;
  const fix = 'restore it, or remove both files to create a new CA (every node must then rejoin)';
  if (certPem === undefined) throw new CertificateFileError(certFile, `it is missing while ${keyFile} exists; ${fix}`);
  if (keyPem === undefined) throw new CertificateFileError(keyFile, `it is missing while ${certFile} exists; ${fix}`);
  return parseCertificateAuthority(certPem, keyPem, { certFile, keyFile });
}

/** Writes the CA's key (mode 0600), then its certificate, into `dir` (mode 0700). */
export async function writeCertificateAuthority(dir: string, ca: CertificateAuthority): Promise<void> {
  await ensurePrivateDirectory(dir);
  // The certificate goes last: a crash in between leaves a key without a certificate,
  // which loading reports instead of mistaking it for a complete CA.
  await writeFileAtomic(join(dir, CA_KEY_FILE), ca.key.pem, PRIVATE_FILE_MODE);
  await writeFileAtomic(join(dir, CA_CERT_FILE), ca.certPem, PUBLIC_FILE_MODE);
}

/** Loads the CA from `dir`, creating and writing a new one only when neither file exists. */
export async function loadOrCreateCertificateAuthority(
  dir: string,
  options: { now?: Date } = {},
): Promise<{ ca: CertificateAuthority; created: boolean }> {
  const existing = await loadCertificateAuthority(dir);
  if (existing !== undefined) return { ca: existing, created: false };
  const ca = await createCertificateAuthority(options);
  await writeCertificateAuthority(dir, ca);
  return { ca, created: true };
}
