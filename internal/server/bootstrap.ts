/**
 * Objects every cluster has from its first start: the system namespaces, a `default`
 * ServiceAccount in each, and the `kubernetes` Service in `default` that points at the API.
 */
import type { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError } from '../apiserver/status.ts';
import type { Ipv4Cidr } from '../util/ip.ts';
import { nthAddress } from '../util/ip.ts';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface BootstrapOptions {
  serviceCidr: Ipv4Cidr;
  apiAddress: string;
  apiPort: number;
}

/** Creates what is missing; objects that exist are left as they are. */
export async function bootstrapCluster(registry: StorageRegistry, options: BootstrapOptions): Promise<void> {
  const namespaces = registry.get('', 'v1', 'namespaces');
  const serviceAccounts = registry.get('', 'v1', 'serviceaccounts');
  for (const name of systemNamespaces) {
    await createIfMissing(() => namespaces.create(null, { metadata: { name } }));
    await createIfMissing(() => serviceAccounts.create(name, { metadata: { name: 'default' } }));
  }
  await createIfMissing(() =>
    registry.get('', 'v1', 'services').create('default', {
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: nthAddress(options.serviceCidr, 1),
        ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: options.apiPort }],
        sessionAffinity: 'None',
      },
    }),
  );
  await createIfMissing(() =>
    registry.get('', 'v1', 'endpoints').create('default', {
      metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: options.apiAddress }], ports: [{ name: 'https', port: options.apiPort, protocol: 'TCP' }] }],
    }),
  );
}

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (error instanceof ApiError && error.code === 409) return;
    throw error;
  }
}
