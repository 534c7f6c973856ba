export {
  CA_CERT_FILE,
  CA_KEY_FILE,
  createCertificateAuthority,
  loadCertificateAuthority,
  loadOrCreateCertificateAuthority,
  parseCertificateAuthority,
  writeCertificateAuthority,
  type CertificateAuthority,
} from './ca.ts';
export { CertificateFileError, InvalidArgumentError, PkiError, type PkiErrorCode } from './errors.ts';
export {
  issueClientCertificate,
  issueServingCertificate,
  type CertificatePair,
  type ClientCertificateOptions,
  type ServingCertificateOptions,
} from './issue.ts';
export { issuePeerCertificate, PEER_GROUP, PEER_USER_PREFIX, peerIdOf, type PeerCertificateOptions } from './peer.ts';
export { kubeconfigYaml, writeKubeconfig, type KubeconfigOptions } from './kubeconfig.ts';
export {
  ensureLeafCertificate,
  RENEW_BEFORE_DAYS,
  type CertificateReason,
  type CertificateReport,
  type LeafSpec,
} from './leaf.ts';
export {
  ADMIN_CERT_FILE,
  ADMIN_KEY_FILE,
  CA_WARN_DAYS,
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_SERVICE_IP,
  ensureServerCertificates,
  KUBELET_CLIENT_CERT_FILE,
  KUBELET_CLIENT_KEY_FILE,
  KUBELET_CLIENT_USER,
  SERVING_CERT_FILE,
  SERVING_KEY_FILE,
  servingCertificateNames,
  type ServerCertificateOptions,
  type ServerCertificates,
} from './server-certificates.ts';
export { caHash, peerIdentity, tlsCredentials, type Identity, type TlsCredentials } from './tls.ts';
