/** What `skiff server` does once its flags are read: start the control plane and run until signalled. */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../agent/run.ts';
import { startServer } from '../../server/run.ts';
import { buildInfo } from '../build-info.ts';
import { nthAddress, parseIpv4Cidr } from '../../util/ip.ts';
import { createLogger, type LogLevel } from '../../util/log.ts';
import type { Invocation } from '../command.ts';
import type { serverFlags } from './server.ts';

export async function runServerCommand({ settings }: Invocation<typeof serverFlags>): Promise<number> {
  const log = createLogger(logLevelOf(settings['log-level']));
  const server = await startServer(
    {
      dataDir: settings['data-dir'],
      kubeconfigPath: settings['write-kubeconfig'],
      tlsSans: settings['tls-san'],
      bindAddress: settings['bind-address'],
      port: settings['https-listen-port'],
      clusterCidr: settings['cluster-cidr'],
      serviceCidr: settings['service-cidr'],
      clusterDns: settings['cluster-dns'],
      clusterDomain: settings['cluster-domain'],
      nodeName: settings['node-name'] || hostname(),
      compactIntervalMs: settings['datastore-compact-interval'],
      compactWindow: settings['datastore-compact-window'],
    },
    log,
  );
  let agent: RunningAgent | undefined;
  if (!settings['disable-agent']) {
    const nodeName = settings['node-name'] || hostname();
    const kubeconfigPath = join(settings['data-dir'], 'agent', 'kubeconfig');
    await server.writeNodeKubeconfig(nodeName, kubeconfigPath);
    agent = await startAgent(
      {
        kubeconfigPath,
        nodeName,
        dataDir: settings['data-dir'],
        labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' },
        podCidr: firstNodeSubnet(settings['cluster-cidr']),
        kubeletVersion: `v1.32.0+skiff-${buildInfo().version}`,
      },
      log.with({ component: 'agent' }),
    );
  }
  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGTERM', 'SIGINT'] as const) process.once(name, () => resolve(name));
  });
  log.info('stopping', { signal });
  await agent?.stop();
  await server.stop();
  return 0;
}

function logLevelOf(value: string): LogLevel {
  if (value === 'error' || value === 'warn' || value === 'info' || value === 'debug') return value;
  throw new Error(`unknown log level ${value}`);
}

/** The server's own node takes the first /24 of the cluster CIDR. */
function firstNodeSubnet(clusterCidr: string): string {
  const cidr = parseIpv4Cidr(clusterCidr);
  if (cidr === null) throw new Error(`Cannot use --cluster-cidr ${clusterCidr}: not an IPv4 CIDR`);
  return `${nthAddress(cidr, 0)}/24`;
}
