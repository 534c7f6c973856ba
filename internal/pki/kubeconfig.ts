/** Kubeconfig files: the admin's (and later a node's) way to reach the API with a client certificate. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { PRIVATE_FILE_MODE, writeFileAtomic } from './files.ts';

export interface KubeconfigOptions {
  /** The API URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** Default `default`, as k3s names it. */
  clusterName?: string;
  /** Default `default`. */
  userName?: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** A standard kubeconfig with one cluster, one user and one context (all embedded, base64). */
export function kubeconfigYaml(options: KubeconfigOptions): string {
  const clusterName = options.clusterName ?? 'default';
  const userName = options.userName ?? 'default';
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: { server: options.server, 'certificate-authority-data': base64(options.caPem) },
      },
    ],
    users: [
      {
        name: userName,
        user: {
          'client-certificate-data': base64(options.clientCertPem),
          'client-key-data': base64(options.clientKeyPem),
        },
      },
    ],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: userName } }],
    'current-context': clusterName,
    preferences: {},
  });
}

/** Writes `yaml` to `path` with mode 0600 (it holds a private key), atomically, creating the parent directory. */
export async function writeKubeconfig(path: string, yaml: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, yaml, PRIVATE_FILE_MODE);
}
