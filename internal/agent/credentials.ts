/**
 * What a node keeps from joining, under `<data-dir>/agent/`: the kubeconfig (client
 * certificate), the serving certificate of its agent API, and `node.json` (node name, server,
 * pod subnet). A restarted agent reuses them instead of joining again, so a node keeps
 * working after its join token expired and starts even while the server is unreachable.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKubeconfig } from '../client/index.ts';
import { caHash, kubeconfigYaml, RENEW_BEFORE_DAYS, writeKubeconfig, type CertificatePair } from '../pki/index.ts';
import { writeFileAtomic } from '../pki/files.ts';

export interface AgentCredentials {
  server: string;
  nodeName: string;
  kubeconfigPath: string;
  caPem: string;
  /** The agent API's serving certificate. */
  serving: CertificatePair;
  podCidr: string;
}

export interface IssuedCredentials {
  server: string;
  nodeName: string;
  caPem: string;
  client: CertificatePair;
  serving: CertificatePair;
  podCidr: string;
}

const paths = (dataDir: string) => {
  const dir = join(dataDir, 'agent');
  return {
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    servingCert: join(dir, 'tls', 'kubelet-serving.crt'),
    servingKey: join(dir, 'tls', 'kubelet-serving.key'),
    node: join(dir, 'node.json'),
  };
};

/** Writes what joining produced; `node.json` last, so a half-written set is never reused. */
export async function saveCredentials(dataDir: string, issued: IssuedCredentials): Promise<AgentCredentials> {
  const p = paths(dataDir);
  await mkdir(join(p.dir, 'tls'), { recursive: true, mode: 0o700 });
  await writeKubeconfig(p.kubeconfig, kubeconfigYaml({
    server: issued.server,
    caPem: issued.caPem,
    clientCertPem: issued.client.certPem,
    clientKeyPem: issued.client.keyPem,
    userName: `system:node:${issued.nodeName}`,
  }));
  await writeFileAtomic(p.servingKey, issued.serving.keyPem, 0o600);
  await writeFileAtomic(p.servingCert, issued.serving.certPem, 0o644);
  await writeFileAtomic(p.node, `${JSON.stringify({ nodeName: issued.nodeName, server: issued.server, podCidr: issued.podCidr })}\n`, 0o600);
  return { server: issued.server, nodeName: issued.nodeName, kubeconfigPath: p.kubeconfig, caPem: issued.caPem, serving: issued.serving, podCidr: issued.podCidr };
}

/**
 * The credentials of an earlier join, when they fit: same node name, same server (when one
 * is asked for), same CA (when a hash is given), and both certificates good for more than
 * the renewal margin at `now`. Otherwise undefined, with the reason in `why`.
 */
export async function loadCredentials(
  dataDir: string,
  want: { nodeName: string; server?: string; caHash?: string; now?: Date },
): Promise<{ credentials?: AgentCredentials; why: string }> {
  const p = paths(dataDir);
  let node: { nodeName?: unknown; server?: unknown; podCidr?: unknown };
  let serving: CertificatePair;
  let caPem: string;
  let clientCertPem: string;
  try {
    node = JSON.parse(await readFile(p.node, 'utf8')) as typeof node;
    serving = { certPem: await readFile(p.servingCert, 'utf8'), keyPem: await readFile(p.servingKey, 'utf8') };
    const kubeconfig = loadKubeconfig({ path: p.kubeconfig });
    caPem = kubeconfig.ca ?? '';
    clientCertPem = kubeconfig.cert ?? '';
  } catch (error) {
    return { why: `no earlier join to reuse (${(error as Error).message})` };
  }
  if (typeof node.nodeName !== 'string' || typeof node.server !== 'string' || typeof node.podCidr !== 'string') return { why: `${p.node} is incomplete` };
  if (node.nodeName !== want.nodeName) return { why: `the earlier join was as node ${node.nodeName}` };
  if (want.server !== undefined && node.server !== want.server) return { why: `the earlier join was to ${node.server}` };
  try {
    if (want.caHash !== undefined && caHash(caPem) !== want.caHash) return { why: 'the token is for another cluster CA than the earlier join' };
    const now = want.now ?? new Date();
    const margin = RENEW_BEFORE_DAYS * 24 * 3600 * 1000;
    for (const [what, pem] of [['client', clientCertPem], ['serving', serving.certPem]] as const) {
      const until = new Date(new X509Certificate(pem).validTo);
      if (until.getTime() - now.getTime() < margin) return { why: `the node's ${what} certificate expires on ${until.toISOString()}` };
    }
  } catch (error) {
    return { why: `the stored certificates cannot be read (${(error as Error).message})` };
  }
  return { credentials: { server: node.server, nodeName: node.nodeName, kubeconfigPath: p.kubeconfig, caPem, serving, podCidr: node.podCidr }, why: 'reused' };
}
