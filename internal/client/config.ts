/** How to reach an API server: the URL, the trust root and the credentials. */

/** Connection settings; build one directly or from a kubeconfig with `loadKubeconfig`. */
export interface ClientConfig {
  /** Base URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** PEM of the CA the server's certificate must chain to; omitted = the system roots. */
  ca?: string;
  /** PEM of a client certificate, with `key`. */
  cert?: string;
  key?: string;
  /** Bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Skip server certificate verification (kubeconfig's insecure-skip-tls-verify). */
  insecureSkipTlsVerify?: boolean;
  /** TLS server name to verify instead of the URL's host. */
  tlsServerName?: string;
  /** User-Agent header of every request. */
  userAgent?: string;
  /** Requests per second allowed on average (default 50; <= 0 turns the limit off). */
  qps?: number;
  /** Requests allowed at once after a quiet spell (default 100). */
  burst?: number;
}
