/**
 * `skiff agent` start-up, in order: credentials (join with a token, or those the
 * embedded agent of `skiff server` is handed), container runtime check, Node
 * registration, then the heartbeat and status loops. Pods are run by the kubelet.
 */
import Docker from 'dockerode';
import { ApiClient, Backoff, InformerFactory, loadKubeconfig, realClock, sleep } from '../client/index.ts';
import type { Logger } from '../util/log.ts';
import { isPlainObject, type KubeObject } from '../apiserver/objects.ts';
import { nthAddress, parseIpv4Cidr } from '../util/ip.ts';
import { ensurePauseImage, localPauseImage } from './pause-image.ts';
import { runPods } from './pods.ts';
import { importImageDirectory } from './image-directory.ts';
import { join } from 'node:path';
import { DockerRuntime } from './runtime/docker.ts';
import { startAgentApi } from './api/server.ts';
import type { CertificatePair } from '../pki/index.ts';
import { registerNode, reportStatus, runHeartbeat, statusReportIntervalMs, type NodeOptions } from './node-registration.ts';
import { nodeLocalDnsPorts, startProxy, type ProxyMode } from './proxy/index.ts';
import { runClusterDns } from './dns/index.ts';

export interface AgentConfig {
  kubeconfigPath: string;
  nodeName: string;
  dataDir: string;
  /** Extra Node labels (the server's own agent marks itself control-plane). */
  labels?: Record<string, string>;
  /** This node's pod subnet, e.g. 10.42.0.0/24. */
  podCidr: string;
  kubeletVersion: string;
  dockerSocket?: string;
  /** The cluster CA and this node's serving certificate, for the agent API. */
  caPem: string;
  serving: CertificatePair;
  /** Port of the agent API (logs, exec, port-forward); 0 picks a free one. */
  kubeletPort: number;
  /** How Service traffic is routed; default iptables. */
  proxyMode?: ProxyMode;
  /** On stop, remove this node's Service rules. */
  cleanup?: boolean;
  /** Cluster domain; default cluster.local. */
  clusterDomain?: string;
  /** Cluster IP of the DNS service; default 10.43.0.10. */
  clusterDnsAddress?: string;
  /** resolv.conf naming the resolvers cluster DNS forwards to; default $SKIFF_RESOLV_CONF, else /etc/resolv.conf. */
  resolvConf?: string;
}

export interface RunningAgent {
  nodeName: string;
  stop(): Promise<void>;
}

/** Registers this machine as a Node and keeps it reported; resolves once registered. */
export async function startAgent(config: AgentConfig, log: Logger): Promise<RunningAgent> {
  const kubeconfig = loadKubeconfig({ path: config.kubeconfigPath });
  const api = new ApiClient({ ...kubeconfig, userAgent: `skiff-agent/${config.kubeletVersion}` });
  const docker = new Docker({ socketPath: config.dockerSocket ?? '/var/run/docker.sock' });
  const nodeOptions = async (): Promise<NodeOptions> => {
    const base = { nodeName: config.nodeName, dataDir: config.dataDir, labels: config.labels, kubeletVersion: config.kubeletVersion };
    try {
      const version = await docker.version({ abortSignal: AbortSignal.timeout(3000) });
      return { ...base, runtimeVersion: `docker://${version.Version}` };
    } catch (error) {
      return {
        ...base,
        runtimeVersion: '',
        notReadyReason: { reason: 'ContainerRuntimeUnavailable', message: `the Docker daemon at ${config.dockerSocket ?? '/var/run/docker.sock'} does not answer: ${(error as Error).message}` },
      };
    }
  };
  const agentApi = await startAgentApi({
    runtime: new DockerRuntime({ socketPath: config.dockerSocket ?? '/var/run/docker.sock', pauseImage: localPauseImage }),
    scope: { 'io.skiff.node': config.nodeName },
    caPem: config.caPem,
    serving: config.serving,
    port: config.kubeletPort,
    nodeName: config.nodeName,
    dataDir: config.dataDir,
    log,
  });
  log.info('agent API serving', { port: agentApi.port });
  const first = { ...(await nodeOptions()), podCidr: config.podCidr, kubeletPort: agentApi.port };
  await registerNode(api, first, new Date()).catch(async (error: unknown) => {
    await agentApi.close();
    throw error;
  });
  log.info('node registered', { node: config.nodeName, ready: first.notReadyReason === undefined, runtime: first.runtimeVersion || 'unavailable' });

  // Service proxy: its own informers and rules; stopped last, so Services keep working while the rest stops.
  // It also sends the cluster DNS address to this node's own DNS server on the pod gateway.
  const podSubnet = parseIpv4Cidr(config.podCidr);
  const clusterDnsAddress = config.clusterDnsAddress ?? '10.43.0.10';
  const proxy = await startProxy({
    api,
    nodeName: config.nodeName,
    podCidr: config.podCidr,
    mode: config.proxyMode ?? 'iptables',
    cleanupOnStop: config.cleanup ?? false,
    nodeLocalServices: podSubnet === null ? [] : nodeLocalDnsPorts(clusterDnsAddress, nthAddress(podSubnet, 1), config.nodeName),
    log: log.with({ component: 'proxy' }),
  }).catch(async (error: unknown) => {
    await agentApi.close();
    throw error;
  });

  const stop = new AbortController();

  // Cluster DNS serves on this node's pod gateway, the address pods' resolv.conf names (see
  // the README); its Service cache also gives containers their service variables.
  const informers = new InformerFactory(api, { onError: (error) => log.debug('cluster cache watch', { error }) });
  const clusterDomain = config.clusterDomain ?? 'cluster.local';
  const dnsLoop = podSubnet === null ? Promise.resolve() : runClusterDns({
    informers,
    address: nthAddress(podSubnet, 1),
    domain: clusterDomain,
    serviceAddress: config.clusterDnsAddress,
    resolvConf: config.resolvConf ?? (process.env.SKIFF_RESOLV_CONF || undefined),
    log: log.with({ component: 'dns' }),
    signal: stop.signal,
  }).catch((error: unknown) => log.error('cluster DNS stopped', { error }));
  informers.start(stop.signal);

  const socketPath = config.dockerSocket ?? '/var/run/docker.sock';
  const podLoop = async (): Promise<void> => {
    const runtimeProblem = (await nodeOptions()).notReadyReason;
    if (runtimeProblem !== undefined) throw new Error(`pods cannot run on this node yet: ${runtimeProblem.message}`);
    const probe = new DockerRuntime({ socketPath, pauseImage: localPauseImage });
    const pause = await ensurePauseImage(probe, socketPath);
    const runtime = new DockerRuntime({ socketPath, pauseImage: pause.image, pauseCommand: pause.command });
    await importImageDirectory(runtime, join(config.dataDir, 'agent', 'images'), log);
    const subnet = parseIpv4Cidr(config.podCidr);
    if (subnet === null) throw new Error(`Cannot use pod subnet ${config.podCidr}: not an IPv4 CIDR`);
    await runPods({
      api,
      runtime,
      nodeName: config.nodeName,
      dataDir: config.dataDir,
      network: { name: `skiff-${config.nodeName}`, subnet: config.podCidr, gateway: nthAddress(subnet, 1) },
      services: informers.informer('Service'),
      clusterDns: { servers: [clusterDnsAddress], domain: clusterDomain },
      log,
      signal: stop.signal,
    });
  };
  const loops = [
    // A failure to set up (the pod network overlaps another, Docker went away) is retried:
    // the node must start running pods once the cause is fixed, without a restart.
    (async () => {
      const backoff = new Backoff({ initialMs: 5_000, maxMs: 60_000, jitter: 0 });
      while (!stop.signal.aborted) {
        const delayMs = backoff.next();
        try {
          await podLoop();
          return;
        } catch (error) {
          log.error(`pod loop stopped; retrying in ${delayMs / 1000} s`, { error });
        }
        if (!(await sleep(realClock, delayMs, stop.signal))) return;
      }
    })(),
    dnsLoop,
    informers.stopped(),
    runHeartbeat(api, config.nodeName, log, stop.signal),
    (async () => {
      let last = JSON.stringify(first);
      let lastReport = Date.now();
      let failing = false;
      const nodes = api.resource('Node', 'v1');
      while (await sleep(realClock, 10_000, stop.signal)) {
        const options = { ...(await nodeOptions()), podCidr: config.podCidr, kubeletPort: agentApi.port };
        const changed = JSON.stringify(options) !== last;
        // Like the kubelet, compare with what the API holds (a read, no disk write): after an
        // outage the node lifecycle controller has marked the node Unknown and it must be
        // Ready again at once, not at the next periodic report.
        const stale = !changed && !failing && (await nodes.get(null, config.nodeName).then(
          (node) => readyOf(node) !== (options.notReadyReason === undefined ? 'True' : 'False'),
          (error: unknown) => {
            // The report below is tried on its usual schedule; the heartbeat loop says when the server is away.
            log.debug('reading this node back failed', { error: String(error) });
            return false;
          },
        ));
        if (!changed && !stale && !failing && Date.now() - lastReport < statusReportIntervalMs) continue;
        try {
          await reportStatus(api, options, new Date());
          last = JSON.stringify(options);
          lastReport = Date.now();
          if (failing) log.info('node status reported again');
          failing = false;
        } catch (error) {
          // One line per outage: the heartbeat loop already says the server is away.
          if (!failing) log.warn('node status report failed; retrying every 10 s', { error });
          failing = true;
        }
      }
    })(),
  ];
  return {
    nodeName: config.nodeName,
    async stop() {
      stop.abort();
      await Promise.allSettled([...loops, agentApi.close()]);
      await proxy.stop();
      api.close();
    },
  };
}

/** The status of a Node's Ready condition, or '' when it has none. */
function readyOf(node: KubeObject): string {
  const status = isPlainObject(node.status) ? node.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const ready = conditions.find((c) => isPlainObject(c) && c.type === 'Ready');
  return isPlainObject(ready) && typeof ready.status === 'string' ? ready.status : '';
}
