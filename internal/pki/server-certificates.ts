/**
 * Start-up's one call for the server's certificates: load or create the CA, then keep or
 * reissue each leaf (see leaf.ts), and say what was done so start-up can log it. The CA is
 * never replaced here; when it nears its end the result carries a warning instead.
 */
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { CA_CERT_FILE, CA_KEY_FILE, loadOrCreateCertificateAuthority, type CertificateAuthority } from './ca.ts';
import { CertificateFileError } from './errors.ts';
import { ensurePrivateDirectory } from './files.ts';
import type { CertificatePair } from './issue.ts';
import { ensureLeafCertificate, type CertificateReport } from './leaf.ts';
import { daysLeft } from './validity.ts';

export const SERVING_CERT_FILE = 'serving.crt';
export const SERVING_KEY_FILE = 'serving.key';
export const ADMIN_CERT_FILE = 'client-admin.crt';
export const ADMIN_KEY_FILE = 'client-admin.key';
export const KUBELET_CLIENT_CERT_FILE = 'client-kubelet.crt';
export const KUBELET_CLIENT_KEY_FILE = 'client-kubelet.key';
/** The only identity node agents accept on their API (logs, exec, port-forward). */
export const KUBELET_CLIENT_USER = 'skiff-apiserver-kubelet-client';

/** The first IP of the default service CIDR 10.43.0.0/16: the `kubernetes` Service. */
export const DEFAULT_SERVICE_IP = '10.43.0.1';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** A CA with less than this many days left produces a warning. */
export const CA_WARN_DAYS = 365;

export interface ServerCertificateOptions {
  /** Directory of the PEM files, e.g. `<data-dir>/server/tls`; created with mode 0700. */
  dir: string;
  /** This machine's host name. Default `os.hostname()`. */
  hostname?: string;
  /** This node's IPs. Default none (127.0.0.1 is always included). */
  ips?: readonly string[];
  /** Extra names (`--tls-san`); IPs given here are recognised as IPs. Default none. */
  dnsNames?: readonly string[];
  /** The first service IP. Default 10.43.0.1. */
  serviceIp?: string;
  /** Default `cluster.local`. */
  clusterDomain?: string;
  /** Default the current time; tests pass a later one to see renewal. */
  now?: Date;
}

export interface ServerCertificates {
  readonly ca: CertificateAuthority;
  readonly serving: CertificatePair;
  readonly admin: CertificatePair;
  /** The API server's identity towards node agents. */
  readonly kubeletClient: CertificatePair;
  /** One entry per certificate: CA, serving, admin client, kubelet client. */
  readonly report: readonly CertificateReport[];
  /** Things an operator must act on, e.g. a CA close to its end. */
  readonly warnings: readonly string[];
}

/** Every name the API serving certificate must carry, in no particular order. */
export function servingCertificateNames(options: Omit<ServerCertificateOptions, 'dir' | 'now'>): string[] {
  const domain = (options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '');
  return [
    options.hostname ?? osHostname(),
    'localhost',
    '127.0.0.1',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${domain}`,
    options.serviceIp ?? DEFAULT_SERVICE_IP,
    ...(options.ips ?? []),
    ...(options.dnsNames ?? []),
  ];
}

/**
 * Loads or creates the CA, the API serving certificate and the admin client certificate
 * in `dir`, reissuing a leaf that expires within 90 days, names the wrong hosts, or was
 * signed by another CA. Fails with CertificateFileError when the CA files are unusable.
 */
export async function ensureServerCertificates(options: ServerCertificateOptions): Promise<ServerCertificates> {
  const now = options.now ?? new Date();
  const { dir } = options;
  await ensurePrivateDirectory(dir);
  const { ca, created } = await loadOrCreateCertificateAuthority(dir, { now });
  const caLeft = daysLeft(ca.certificate.validToDate, now);
  const caReport: CertificateReport = {
    certFile: join(dir, CA_CERT_FILE),
    keyFile: join(dir, CA_KEY_FILE),
    action: created ? 'created' : 'kept',
    reason: created ? 'missing' : 'valid',
    detail: `${ca.certificate.subject}, valid until ${ca.certificate.validToDate.toISOString()}`,
  };
  if (caLeft < 0) {
    // Every certificate it signs would be rejected; only an operator can rotate the CA.
    throw new CertificateFileError(
      caReport.certFile,
      `the cluster CA expired on ${ca.certificate.validToDate.toISOString()}; rotate the CA and rejoin every node`,
    );
  }
  const warnings: string[] = [];
  if (caLeft < CA_WARN_DAYS) {
    warnings.push(
      `The cluster CA ${caReport.certFile} expires on ${ca.certificate.validToDate.toISOString()}, ` +
        `in ${caLeft} days: rotate it before then or every node will be locked out`,
    );
  }
  const serving = await ensureLeafCertificate(ca, {
    certFile: join(dir, SERVING_CERT_FILE),
    keyFile: join(dir, SERVING_KEY_FILE),
    spec: { kind: 'serving', commonName: 'skiff-apiserver', names: servingCertificateNames(options) },
    now,
  });
  const admin = await ensureLeafCertificate(ca, {
    certFile: join(dir, ADMIN_CERT_FILE),
    keyFile: join(dir, ADMIN_KEY_FILE),
    spec: { kind: 'client', commonName: 'system:admin', organizations: ['system:masters'] },
    now,
  });
  const kubeletClient = await ensureLeafCertificate(ca, {
    certFile: join(dir, KUBELET_CLIENT_CERT_FILE),
    keyFile: join(dir, KUBELET_CLIENT_KEY_FILE),
    spec: { kind: 'client', commonName: KUBELET_CLIENT_USER, organizations: [] },
    now,
  });
  return {
    ca,
    serving: serving.pair,
    admin: admin.pair,
    kubeletClient: kubeletClient.pair,
    report: [caReport, serving.report, admin.report, kubeletClient.report],
    warnings,
  };
}
