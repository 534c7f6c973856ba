/**
 * Objects every cluster has from its first start: the system namespaces, a `default`
 * ServiceAccount in each, and the `kubernetes` Service in `default` that points at the API
 * (its endpoints are kept by ApiEndpoints).
 */
import type { StorageRegistry } from '../apiserver/registry.ts';
import type { ResourceStorage } from '../apiserver/rest.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { jsonEqual } from '../api/validation/field.ts';
import { ApiError } from '../apiserver/status.ts';
import type { Ipv4Cidr } from '../util/ip.ts';
import { nthAddress } from '../util/ip.ts';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface BootstrapOptions {
  serviceCidr: Ipv4Cidr;
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
}

/** Creates `body` in `default`, or rewrites the stored object when its content differs. */
export async function upsert(storage: ResourceStorage, name: string, body: Record<string, unknown> & { metadata: Record<string, unknown> }): Promise<void> {
  let current: KubeObject;
  try {
    current = await storage.get('default', name);
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) return createIfMissing(() => storage.create('default', body));
    throw error;
  }
  const { metadata: _wanted, ...content } = body;
  const differs = Object.entries(content).some(([key, value]) => !jsonEqual(current[key], value));
  if (!differs) return;
  await storage.update('default', name, { ...current, ...content });
}

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (error instanceof ApiError && error.code === 409) return;
    throw error;
  }
}
