/** What `skiff server` does once its flags are read: start the control plane and run until signalled. */
import { hostname } from 'node:os';
import { startAgent, type RunningAgent } from '../../agent/run.ts';
import { saveCredentials } from '../../agent/credentials.ts';
import { defaultAddresses } from '../../agent/join.ts';
import { startServer } from '../../server/run.ts';
import { buildInfo } from '../build-info.ts';
import { parseJoinToken } from '../../join/token.ts';
import { createLogger, type LogLevel } from '../../util/log.ts';
import type { Invocation } from '../command.ts';
import type { serverFlags } from './server.ts';

export async function runServerCommand({ settings }: Invocation<typeof serverFlags>, joinToken?: string): Promise<number> {
  const log = createLogger(logLevelOf(settings['log-level']));
  if (joinToken !== undefined) parseJoinToken(joinToken);
  const server = await startServer(
    {
      dataDir: settings['data-dir'],
      disableScheduler: settings['disable-scheduler'],
      disableControllerManager: settings['disable-controller-manager'],
      kubeconfigPath: settings['write-kubeconfig'],
      tlsSans: settings['tls-san'],
      bindAddress: settings['bind-address'],
      port: settings['https-listen-port'],
      clusterCidr: settings['cluster-cidr'],
      serviceCidr: settings['service-cidr'],
      nodePortRange: settings['service-node-port-range'],
      clusterDns: settings['cluster-dns'],
      clusterDomain: settings['cluster-domain'],
      nodeName: settings['node-name'] || hostname(),
      compactIntervalMs: settings['datastore-compact-interval'],
      compactWindow: settings['datastore-compact-window'],
      nodeMonitorGracePeriodMs: settings['node-monitor-grace-period'],
      defaultNotReadyTolerationSeconds: settings['default-not-ready-toleration-seconds'],
      defaultUnreachableTolerationSeconds: settings['default-unreachable-toleration-seconds'],
      snapshotDir: settings['snapshot-dir'],
      snapshotScheduleCron: settings['disable-snapshots'] ? '' : settings['snapshot-schedule-cron'],
      snapshotRetention: settings['snapshot-retention'],
      clusterInit: settings['cluster-init'],
      peerPort: settings['peer-port'],
      raftCompactEntries: settings['raft-compact-entries'],
      ...(joinToken === undefined ? {} : { joinToken }),
    },
    log,
  );
  let agent: RunningAgent | undefined;
  if (!settings['disable-agent']) {
    const nodeName = settings['node-name'] || hostname();
    const issued = await server.ownNodeCredentials(nodeName, defaultAddresses());
    const credentials = await saveCredentials(settings['data-dir'], { ...issued, nodeName });
    agent = await startAgent(
      {
        kubeconfigPath: credentials.kubeconfigPath,
        nodeName,
        dataDir: settings['data-dir'],
        labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' },
        podCidr: credentials.podCidr,
        kubeletVersion: `v1.32.0+skiff-${buildInfo().version}`,
        caPem: credentials.caPem,
        serving: credentials.serving,
        kubeletPort: settings['kubelet-port'],
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
