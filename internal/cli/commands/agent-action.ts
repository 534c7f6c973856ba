/** What `skiff agent` and `skiff agent join <token>` do: join with the token, then run until signalled. */
import { hostname } from 'node:os';
import { joinCluster } from '../../agent/join.ts';
import { parseJoinToken } from '../../join/token.ts';
import { startAgent } from '../../agent/run.ts';
import { checkIpvsSupport, hostRunner, ProxyModeError } from '../../agent/proxy/index.ts';
import { UsageError } from '../usage-error.ts';
import { createLogger, type LogLevel } from '../../util/log.ts';
import { buildInfo } from '../build-info.ts';
import type { Invocation } from '../command.ts';
import type { agentFlags } from './agent.ts';

export async function runAgentCommand({ settings, args }: Invocation<typeof agentFlags>, token: string): Promise<number> {
  const level = settings['log-level'];
  const log = createLogger(level === 'error' || level === 'warn' || level === 'debug' ? (level as LogLevel) : 'info');
  const nodeName = settings['node-name'] || hostname();
  // A mistyped token is the first thing to point out: it is checked before anything else.
  parseJoinToken(token || args[0] || '');
  // An impossible proxy mode is a configuration mistake: refuse before joining, in one line.
  if (settings['proxy-mode'] === 'ipvs') {
    await checkIpvsSupport(hostRunner()).catch((error: unknown) => {
      throw error instanceof ProxyModeError ? new UsageError(error.message) : error;
    });
  }
  const joined = await joinCluster({ token: token || args[0] || '', server: settings.server || undefined, nodeName, dataDir: settings['data-dir'] });
  if (joined.joined) log.info('joined the cluster', { server: joined.server, node: nodeName, podCidr: joined.podCidr });
  else log.info('joined the cluster earlier: using the stored node credentials', { server: joined.server, node: nodeName, podCidr: joined.podCidr });
  const agent = await startAgent(
    {
      kubeconfigPath: joined.kubeconfigPath,
      nodeName,
      dataDir: settings['data-dir'],
      kubeletVersion: `v1.32.0+skiff-${buildInfo().version}`,
      podCidr: joined.podCidr,
      caPem: joined.caPem,
      serving: joined.serving,
      kubeletPort: settings['kubelet-port'],
      proxyMode: settings['proxy-mode'] === 'ipvs' ? 'ipvs' : 'iptables',
      cleanup: settings.cleanup,
    },
    log,
  );
  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGTERM', 'SIGINT'] as const) process.once(name, () => resolve(name));
  });
  // Containers keep running: only the agent stops.
  log.info('stopping', { signal });
  await agent.stop();
  return 0;
}
