/**
 * `skiff server` start-up, in order: data directory, certificates, datastore, API
 * server, default objects, admin kubeconfig. Returns once the API serves.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createApiServer, type Identity } from '../apiserver/app.ts';
import { forbiddenPath, unauthorized } from '../apiserver/status.ts';
import { StorageRegistry } from '../apiserver/registry.ts';
import { createLifecycle } from '../apiserver/admission/lifecycle.ts';
import { withDefaultTolerationSeconds } from '../apiserver/admission/default-tolerations.ts';
import { LeaseRenewals } from '../apiserver/lease-renewals.ts';
import { existsSync } from 'node:fs';
import type { MvccStore } from '../datastore/mvcc/store.ts';
import type { ReplicatedNode } from '../datastore/replicated/node.ts';
import { openServerDatastore } from './datastore.ts';
import { memberId } from './member-id.ts';
import { datastoreStatusRoutes } from './datastore-status.ts';
import { removeDeletedServers } from './server-removal.ts';
import { ensureServerToken, installJoinedCa, requestServerJoin, saveServerToken, serverJoinRoutes, type ServerJoinResponse } from './server-join.ts';
import { ensureServerCertificates, kubeconfigYaml, peerIdentity, tlsCredentials, writeKubeconfig } from '../pki/index.ts';
import { issueNodeCredentials, type NodeCredentials } from './node-credentials.ts';
import { PodCidrAllocator } from './pod-cidrs.ts';
import { buildInfo } from '../cli/build-info.ts';
import type { Logger } from '../util/log.ts';
import { hostIpv4Addresses, nthAddress, parseIpv4Cidr } from '../util/ip.ts';
import { bootstrapCluster } from './bootstrap.ts';
import { ApiEndpoints } from './api-endpoints.ts';
import { GarbageCollector } from '../controllers/garbage-collector.ts';
import { NamespaceFinalizer } from '../controllers/namespace-finalizer.ts';
import { loadTokenFile } from './tokens.ts';
import { createJoinService } from './join-service.ts';
import { podStreamRoute } from '../stream/upgrade.ts';
import { rejectUpgrade } from '../stream/reject.ts';
import { ApiError } from '../apiserver/status.ts';
import { NodeProxy } from './node-proxy.ts';
import { loopbackClient } from './loopback.ts';
import { controlPlaneComponents } from './components.ts';
import { realClock, sleep, type ApiClient } from '../client/index.ts';
import { SnapshotService } from './snapshots/snapshot-service.ts';
import { snapshotRoutes } from './snapshots/snapshot-route.ts';
import { defaultSnapshotDir } from './snapshots/datastore-file.ts';

export interface ServerConfig {
  dataDir: string;
  kubeconfigPath: string;
  tlsSans: readonly string[];
  bindAddress: string;
  port: number;
  clusterCidr: string;
  serviceCidr: string;
  /** `low-high`, default 30000-32767. */
  nodePortRange?: string;
  clusterDns: string;
  clusterDomain: string;
  /** Empty: the host name. */
  nodeName: string;
  compactIntervalMs: number;
  compactWindow: number;
  /** Node lifecycle: how long a node may go without renewing its Lease before it is Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Seconds of the not-ready/unreachable tolerations new pods get (default 300 each). */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  /** Do not run the scheduler (pods then need spec.nodeName or another scheduler). */
  disableScheduler?: boolean;
  /** Do not run the controllers (workloads, endpoints, nodes, garbage collection, namespaces). */
  disableControllerManager?: boolean;
  /** Serve the Raft peer port so that other servers can join (HA). */
  clusterInit?: boolean;
  /** A server token: join the HA control plane it names (ignored once this server is a member). */
  joinToken?: string;
  /** Raft peer port (default 6444). */
  peerPort?: number;
  /** Applied Raft entries between compactions of the Raft log (default 10,000). */
  raftCompactEntries?: number;
  /** Where datastore snapshots go (default `<data-dir>/server/db/snapshots`). */
  snapshotDir?: string;
  /** Cron schedule of datastore snapshots; empty or absent: none. */
  snapshotScheduleCron?: string;
  /** Scheduled snapshots of this node kept (default 5). */
  snapshotRetention?: number;
}

export interface RunningServer {
  /** The API URL the admin kubeconfig points at. */
  url: string;
  port: number;
  registry: StorageRegistry;
  store: MvccStore;
  /** This server's datastore member. */
  datastore: ReplicatedNode;
  /** Credentials and pod subnet for this machine's own agent (the embedded one). */
  ownNodeCredentials(nodeName: string, addresses: readonly string[]): Promise<NodeCredentials & { server: string; podCidr: string }>;
  /** Stops serving and closes the datastore; running containers are not touched. */
  stop(): Promise<void>;
}

/** Starts the control plane; resolves once the API answers requests. */
export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const started = performance.now();
  const serverDir = join(config.dataDir, 'server');
  await mkdir(join(serverDir, 'db'), { recursive: true, mode: 0o700 });

  const nodeName = config.nodeName || osHostname();
  const member = memberId(join(serverDir, 'db'), nodeName);
  const peerPort = config.peerPort ?? 6444;
  // Other servers must reach the peer port: a host address when serving on all addresses.
  const peerAddress = config.bindAddress === '0.0.0.0' ? (hostIpv4Addresses()[0] ?? '127.0.0.1') : config.bindAddress;
  const alreadyMember = existsSync(join(serverDir, 'db', 'state.db'));
  const joining = config.joinToken !== undefined && !alreadyMember;
  // A server that ever was part of an HA control plane keeps the server token.
  const clustered = config.clusterInit === true || config.joinToken !== undefined || existsSync(join(serverDir, 'server-token'));
  let joined: ServerJoinResponse | undefined;
  if (joining && config.joinToken !== undefined) {
    joined = await requestServerJoin(config.joinToken, { id: member, peerUrl: `https://${peerAddress}:${peerPort}` });
    await installJoinedCa(join(serverDir, 'tls'), joined);
    await saveServerToken(serverDir, config.joinToken);
    log.info('joined the control plane as a learner', { member, members: Object.keys(joined.members) });
  }
  const serviceCidr = parseIpv4Cidr(config.serviceCidr);
  if (serviceCidr === null) throw new Error(`Cannot use --service-cidr as it is not an IPv4 CIDR: ${config.serviceCidr}`);
  const certificates = await ensureServerCertificates({
    dir: join(serverDir, 'tls'),
    hostname: nodeName,
    // The address it serves on, when one is given: clients and other servers connect to it.
    ips: config.bindAddress === '0.0.0.0' ? hostIpv4Addresses() : [...new Set([config.bindAddress, ...hostIpv4Addresses()])],
    dnsNames: config.tlsSans,
    serviceIp: nthAddress(serviceCidr, 1),
    clusterDomain: config.clusterDomain,
  });
  for (const report of certificates.report) log.info('certificate', { ...report });
  for (const warning of certificates.warnings) log.warn(warning);

  const datastore = await openServerDatastore({
    serverDir,
    nodeName,
    ca: certificates.ca,
    advertise: peerAddress,
    bindAddress: config.bindAddress,
    peerPort,
    clustered,
    joining,
    memberId: member,
    ...(joined === undefined ? {} : { peers: joined.members }),
    compactIntervalMs: config.compactIntervalMs,
    compactWindow: config.compactWindow,
    ...(config.raftCompactEntries === undefined ? {} : { raftCompactEntries: config.raftCompactEntries }),
    log,
  });
  const store = datastore.store;
  if (joining) await waitForVoter(datastore.node, log);
  await waitForLeader(datastore.node, log);
  const tokens = await loadTokenFile(join(serverDir, 'tokens.csv'));
  const [nodePortMin = 30000, nodePortMax = 32767] = (config.nodePortRange ?? '30000-32767').split('-').map(Number);
  const lifecycle = withDefaultTolerationSeconds(createLifecycle({
    network: { serviceCidr, reservedIps: [config.clusterDns], nodePortMin, nodePortMax },
    registry: () => registry,
  }), { notReady: config.defaultNotReadyTolerationSeconds ?? 300, unreachable: config.defaultUnreachableTolerationSeconds ?? 300 });
  const registry: StorageRegistry = new StorageRegistry({ store, now: Date.now, lifecycle, leaseRenewals: new LeaseRenewals(undefined, () => !clustered) });
  const podCidrs = new PodCidrAllocator(registry, config.clusterCidr);
  const advertise = config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress;
  // Port 0 (tests) is known once listening; the app reads it lazily.
  let port = config.port;

  const identities = new WeakMap<TLSSocket, Identity | null>();
  // Like kube-apiserver's union of authenticators: a verified client certificate first, then a bearer token.
  const identityOf = (req: IncomingMessage): Identity | null => {
    const socket = req.socket as TLSSocket;
    // A TLS connection's certificate never changes: parse it once per connection, not per request.
    let fromCertificate = identities.get(socket);
    if (fromCertificate === undefined) {
      const peer = peerIdentity(socket);
      fromCertificate = peer === undefined ? null : { user: peer.user, groups: [...peer.groups] };
      identities.set(socket, fromCertificate);
    }
    if (fromCertificate !== null) return fromCertificate;
    const header = req.headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] === undefined ? null : tokens.authenticate(match[1]);
  };
  const authenticate = (c: Context<{ Bindings: HttpBindings }>): Identity | null => identityOf(c.env.incoming);
  const nodeProxy = new NodeProxy({ registry, caPem: certificates.ca.certPem, client: certificates.kubeletClient });
  const app = createApiServer({
    store,
    registry,
    authenticate,
    serverAddress: () => `${advertise}:${port}`,
    gitVersion: `v1.32.0+skiff-${buildInfo().version}`,
    publicRoutes: createJoinService({ registry, ca: certificates.ca, podCidrs }),
    podLogs: (c, namespace, name) => nodeProxy.logs(c, namespace, name),
    nodeProxy: (c, node, path) => nodeProxy.node(c, node, path),
  });
  const snapshots = new SnapshotService({ source: store, dir: config.snapshotDir || defaultSnapshotDir(config.dataDir), nodeName, clock: realClock, log: log.with({ component: 'snapshots' }) });
  app.route('/', snapshotRoutes(snapshots, authenticate));
  app.route('/', datastoreStatusRoutes(() => datastore.node));
  app.route('/', serverJoinRoutes({ registry, ca: certificates.ca, node: () => datastore.node }));

  const https = createServer({ ...tlsCredentials(certificates.ca.certPem, certificates.serving), requestCert: true, rejectUnauthorized: false });
  https.on('request', getRequestListener(app.fetch));
  // exec/attach/portforward switch protocols: checked here, then tunnelled to the pod's node agent.
  https.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const route = podStreamRoute(req.url ?? '/');
    if (route === null) return rejectUpgrade(socket, new ApiError(404, 'NotFound', `Cannot upgrade ${req.url ?? ''} as it is not a pod streaming endpoint`));
    const identity = identityOf(req);
    if (identity === null) return rejectUpgrade(socket, unauthorized());
    // Streams into pods are for cluster admins only until RBAC is enforced.
    if (!identity.groups.includes('system:masters')) {
      return rejectUpgrade(socket, forbiddenPath(identity.user, 'create', req.url ?? '', 'only members of system:masters may open streams into pods until RBAC is enforced'));
    }
    nodeProxy.upgrade(req, socket, head, route.pod, route.subresource);
  });
  https.keepAliveTimeout = 65_000;
  let endpoints: ApiEndpoints;
  try {
    port = await listen(https, config.port, config.bindAddress);
    // Pods reach the API through the kubernetes Service, so its endpoint must be an address
    // other network namespaces can reach: a host address rather than loopback when serving on all.
    const apiAddress = config.bindAddress === '0.0.0.0' ? (hostIpv4Addresses()[0] ?? advertise) : advertise;
    await bootstrapCluster(registry, { serviceCidr, apiPort: port });
    endpoints = new ApiEndpoints({ registry, store, self: { ip: apiAddress, port }, shared: clustered, log: log.with({ component: 'api endpoints' }) });
    await endpoints.register();
    const adminKubeconfig = kubeconfigYaml({ server: `https://${advertise}:${port}`, caPem: certificates.ca.certPem, clientCertPem: certificates.admin.certPem, clientKeyPem: certificates.admin.keyPem });
    await writeKubeconfig(config.kubeconfigPath, adminKubeconfig);
    // Commands run on this machine (skiff token …) find the API through the data directory.
    await writeKubeconfig(adminKubeconfigPath(config.dataDir), adminKubeconfig);
    if (config.clusterInit === true) {
      const token = await ensureServerToken({ registry, serverDir, caPem: certificates.ca.certPem, address: `${peerAddress}:${port}` });
      log.info('HA control plane: other servers join with the server token', { file: join(serverDir, 'server-token'), join: `skiff server join ${token}` });
    }
  } catch (error) {
    https.close();
    await datastore.close();
    throw error;
  }
  const controllers = new AbortController();
  const running: Promise<void>[] = [];
  const runController = (name: string, run: (signal: AbortSignal) => Promise<void>): void => {
    running.push(run(controllers.signal).catch((error: unknown) => log.error(`${name} stopped`, { error })));
  };
  if (!config.disableControllerManager) {
    runController('garbage collector', (signal) => new GarbageCollector(registry, store, log).run(signal));
    runController('namespace finalizer', (signal) => new NamespaceFinalizer(registry, store, log).run(signal));
  }
  runController('api endpoints', (signal) => endpoints.run(signal));
  runController('server removal', (signal) => removeDeletedServers({ registry, store, node: datastore.node, log: log.with({ component: 'datastore' }), signal }));
  runController('snapshot schedule', (signal) => snapshots.runSchedule({ cron: config.snapshotScheduleCron ?? '', retention: config.snapshotRetention ?? 5 }, signal));
  const url = `https://${advertise}:${port}`;
  const loopbacks: ApiClient[] = [];
  const wanted = controlPlaneComponents.filter((c) => (c.name === 'scheduler' ? !config.disableScheduler : !config.disableControllerManager));
  // Each component's identity is issued at once, side by side: start-up waits for the slowest, not the sum.
  const clients = await Promise.all(wanted.map((component) => loopbackClient({ ca: certificates.ca, url, version: `v1.32.0+skiff-${buildInfo().version}` }, component.identity)));
  for (const [index, component] of wanted.entries()) {
    const api = clients[index];
    if (api === undefined) continue;
    loopbacks.push(api);
    const componentLog = log.with({ component: component.name });
    runController(component.name, async (signal) => {
      while (!signal.aborted) {
        try {
          const settings = { nodeMonitorGracePeriodMs: config.nodeMonitorGracePeriodMs };
          await component.run({ api, registry, log: componentLog, nodeName, settings, signal });
        } catch (error) {
          if (signal.aborted) return;
          componentLog.error('stopped with an error; restarting in 5 s', { error });
        }
        await sleep(realClock, 5_000, signal);
      }
    });
  }
  log.info('API server ready', { url, kubeconfig: config.kubeconfigPath, startupMs: Math.round(performance.now() - started), tokens: tokens.size });

  return {
    url,
    port,
    registry,
    store,
    datastore: datastore.node,
    async ownNodeCredentials(nodeName, addresses) {
      const [credentials, podCidr] = await Promise.all([issueNodeCredentials(certificates.ca, nodeName, addresses), podCidrs.allocate(nodeName)]);
      return { ...credentials, server: url, podCidr };
    },
    async stop() {
      // The others need not wait out an election timeout (leadership transfer, Raft §3.10).
      if (!(await datastore.node.handOffLeadership())) {
        if (Object.keys(datastore.node.members).length > 1) log.warn('stopping while leading the datastore: no voter took over leadership in time');
      }
      controllers.abort();
      // Other servers take this one out of the kubernetes Service at once.
      await endpoints.unregister().catch((error: unknown) => log.warn('could not withdraw this server from the kubernetes Service endpoints (they drop it once its lease expires)', { error: String(error) }));
      // Components finish their last writes (a leader gives up its Lease) while the API still serves; a hung one is not waited for long.
      await Promise.race([Promise.allSettled(running), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      for (const api of loopbacks) api.close();
      await new Promise<void>((resolve) => {
        https.close(() => resolve());
        https.closeAllConnections();
      });
      await datastore.close();
    },
  };
}

/** Where the server keeps a copy of the admin kubeconfig for local commands. */
export function adminKubeconfigPath(dataDir: string): string {
  return join(dataDir, 'server', 'cred', 'admin.kubeconfig');
}

/** Listens and resolves to the port in use. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(new Error(`Cannot listen on ${host}:${port}: ${error.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** A joining server waits to be a voter (the leader promotes it once its log caught up). */
async function waitForVoter(node: ReplicatedNode, log: Logger): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!node.status().conf.voters.includes(node.id)) {
    if (Date.now() > deadline) throw new Error(`Cannot finish joining: datastore member ${node.id} was not promoted to voter within 120 s (is the leader reachable on its peer port?)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log.info('datastore member promoted to voter', { member: node.id });
}

/**
 * Start-up waits for a datastore leader: after a power cut the first server up has no
 * quorum until another one is back, and writes fail until then.
 */
async function waitForLeader(node: ReplicatedNode, log: Logger): Promise<void> {
  let next = Date.now() + 10_000;
  while (node.leader === '') {
    if (Date.now() > next) {
      log.warn('waiting for a datastore leader: a quorum of the servers must be up', { member: node.id, voters: node.status().conf.voters.length });
      next = Date.now() + 10_000;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
