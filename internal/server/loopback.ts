/**
 * Clients for the control-plane components that run inside `skiff server` (scheduler,
 * controllers): each talks to its own API server over loopback HTTPS with a client
 * certificate for its own identity, issued at start-up and kept only in memory, so
 * every change they make goes through the same admission, validation and watch as a
 * user's.
 */
import { ApiClient, type ClientConfig } from '../client/index.ts';
import { issueClientCertificate, type CertificateAuthority } from '../pki/index.ts';

export interface LoopbackOptions {
  ca: CertificateAuthority;
  /** e.g. https://127.0.0.1:6443 */
  url: string;
  version: string;
}

/**
 * A client for `component` (e.g. `kube-scheduler`), acting as `system:<component>`.
 * The identity is in system:masters until RBAC is enforced.
 */
export async function loopbackClient(options: LoopbackOptions, component: string, config: Partial<ClientConfig> = {}): Promise<ApiClient> {
  const pair = await issueClientCertificate(options.ca, { commonName: `system:${component}`, organizations: ['system:masters'] });
  return new ApiClient({
    server: options.url,
    ca: options.ca.certPem,
    cert: pair.certPem,
    key: pair.keyPem,
    userAgent: `${component}/${options.version}`,
    // In-process components are trusted to pace themselves; the default limit would throttle bulk work.
    qps: 0,
    ...config,
  });
}
