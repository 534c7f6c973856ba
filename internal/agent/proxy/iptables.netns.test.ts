/**
 * The iptables proxy against the real kernel: rules built and applied in a throwaway
 * network namespace route real TCP connections (see netns-lab.ts for the topology).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { serviceFixture, sliceFixture, type EndpointFixture } from './fixtures.ts';
import { IptablesApplier, removeOrphanedRules } from './iptables-applier.ts';
import { cleanupAllProxyRules } from './proxy.ts';
import { buildIptablesRules } from './iptables-rules.ts';
import { servicePortsOf } from './model.ts';
import { clientAddress, NetnsLab, nodeClientSide, nodePodSide, podAddresses, podCidr, type Attempt } from './netns-lab.ts';
import type { NodeContext } from './types.ts';

const node: NodeContext = { nodeName: 'lab-node', addresses: ['127.0.0.1', nodePodSide, nodeClientSide], localPodCidr: podCidr, servesLoadBalancers: true };
const prefix = 'SKIFF-lab';
const [podA, podB, podC] = podAddresses;

function ports(objects: Array<{ service: KubeObject; slices: KubeObject[] }>) {
  return objects.flatMap(({ service, slices }) => servicePortsOf(service, slices));
}

function servers(attempts: Attempt[]): Set<string> {
  return new Set(attempts.map((a) => (a.ok ? a.server : `failed:${a.error}`)));
}

const local = (ip: string, extra: Partial<EndpointFixture> = {}): EndpointFixture => ({ ip, node: node.nodeName, ...extra });

describe('iptables proxy in a network namespace', () => {
  let lab: NetnsLab;
  let applier: IptablesApplier;
  const sync = async (objects: Array<{ service: KubeObject; slices: KubeObject[] }>, full = false) => {
    const rules = buildIptablesRules(ports(objects), node, prefix);
    return full ? applier.fullSync(rules) : applier.incrementalSync(rules);
  };

  before(async () => {
    lab = await NetnsLab.create(`skp${process.pid % 100000}`);
    await lab.serve(8080);
    applier = new IptablesApplier(lab.runner(lab.node), prefix);
  });
  after(async () => {
    await lab?.destroy();
  });

  test('a cluster IP and a node port reach a server on a pod address, from the node and from another machine', async () => {
    const web = { service: serviceFixture('web', { clusterIP: '10.96.0.10', type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] }), slices: [sliceFixture('web', [local(podA)])] };
    assert.equal((await sync([web], true)).kind, 'full');
    for (const [host, port, from] of [['10.96.0.10', 80, lab.node], ['127.0.0.1', 30080, lab.node], [nodePodSide, 30080, lab.node], [nodeClientSide, 30080, lab.client]] as const) {
      const [attempt] = await lab.connect(host, port, { from });
      assert.ok(attempt?.ok, `${host}:${port} from ${from}: ${JSON.stringify(attempt)}`);
      assert.equal(attempt.server, podA);
    }
    // Off-node traffic to a Cluster-policy node port is masqueraded: the pod sees the node, not the client.
    const [external] = await lab.connect(nodeClientSide, 30080, { from: lab.client });
    assert.ok(external?.ok);
    assert.equal(external.peer, nodePodSide);
  });

  test('a service without endpoints is refused at once, on its cluster IP and its node port', async () => {
    const empty = { service: serviceFixture('empty', { clusterIP: '10.96.0.11', type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30081 }] }), slices: [] };
    await sync([empty]);
    for (const [host, port, from] of [['10.96.0.11', 80, lab.node], [nodeClientSide, 30081, lab.client], ['127.0.0.1', 30081, lab.node]] as const) {
      const [attempt] = await lab.connect(host, port, { from, timeoutMs: 5000 });
      assert.ok(attempt !== undefined && !attempt.ok, `${host}:${port} answered`);
      assert.equal(attempt.error, 'ECONNREFUSED', `${host}:${port}`);
      assert.ok(attempt.ms < 1000, `refusal of ${host}:${port} took ${attempt.ms} ms`);
    }
  });

  test('connections spread over the ready endpoints only, and an unready endpoint gets none', async () => {
    const spread = { service: serviceFixture('spread', { clusterIP: '10.96.0.12' }), slices: [sliceFixture('spread', [local(podA), local(podB, { ready: false }), local(podC)])] };
    await sync([spread]);
    const attempts = await lab.connect('10.96.0.12', 80, { count: 40 });
    assert.deepEqual(servers(attempts), new Set([podA, podC]));
  });

  test('ClientIP affinity sends every connection of a client to the same endpoint', async () => {
    const sticky = { service: serviceFixture('sticky', { clusterIP: '10.96.0.13', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } }), slices: [sliceFixture('sticky', [local(podA), local(podB), local(podC)])] };
    await sync([sticky]);
    const attempts = await lab.connect('10.96.0.13', 80, { count: 25 });
    assert.equal(servers(attempts).size, 1, JSON.stringify([...servers(attempts)]));
    assert.ok(attempts.every((a) => a.ok));
  });

  test('an endpoint reaches itself through its cluster IP, masqueraded so the reply finds its way (hairpin)', async () => {
    const self = { service: serviceFixture('self', { clusterIP: '10.96.0.14' }), slices: [sliceFixture('self', [local(podA)])] };
    await sync([self]);
    const [attempt] = await lab.connect('10.96.0.14', 80, { from: lab.pods });
    assert.ok(attempt?.ok, JSON.stringify(attempt));
    assert.equal(attempt.server, podA);
    assert.equal(attempt.peer, nodePodSide);
  });

  test('externalTrafficPolicy Local keeps the client address, and drops external traffic where no endpoint is local', async () => {
    const keep = { service: serviceFixture('keep', { clusterIP: '10.96.0.15', type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30085 }] }), slices: [sliceFixture('keep', [local(podA)])] };
    const remote = { service: serviceFixture('remote', { clusterIP: '10.96.0.16', type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30086 }] }), slices: [sliceFixture('remote', [{ ip: podB, node: 'other-node' }])] };
    await sync([keep, remote]);
    const [kept] = await lab.connect(nodeClientSide, 30085, { from: lab.client });
    assert.ok(kept?.ok, JSON.stringify(kept));
    assert.equal(kept.peer, clientAddress);
    const [dropped] = await lab.connect(nodeClientSide, 30086, { from: lab.client, timeoutMs: 700 });
    assert.deepEqual(dropped?.ok === false ? dropped.error : dropped, 'timeout');
    // The cluster IP still reaches the remote endpoint (its policy is Cluster).
    const [internal] = await lab.connect('10.96.0.16', 80);
    assert.ok(internal?.ok && internal.server === podB, JSON.stringify(internal));
  });

  test('internalTrafficPolicy Local sends cluster IP traffic only to local endpoints and drops it when there is none', async () => {
    const mixed = { service: serviceFixture('mixed', { clusterIP: '10.96.0.17', internalTrafficPolicy: 'Local' }), slices: [sliceFixture('mixed', [local(podA), { ip: podB, node: 'other-node' }])] };
    const none = { service: serviceFixture('none', { clusterIP: '10.96.0.18', internalTrafficPolicy: 'Local' }), slices: [sliceFixture('none', [{ ip: podB, node: 'other-node' }])] };
    await sync([mixed, none]);
    assert.deepEqual(servers(await lab.connect('10.96.0.17', 80, { count: 15 })), new Set([podA]));
    const [dropped] = await lab.connect('10.96.0.18', 80, { timeoutMs: 700 });
    assert.deepEqual(dropped?.ok === false ? dropped.error : dropped, 'timeout');
  });

  test('a LoadBalancer port is served on the node addresses and on its ingress address', async () => {
    const lb = { service: serviceFixture('lb', { clusterIP: '10.96.0.19', type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', protocol: 'TCP', port: 8443, targetPort: 8080, nodePort: 30089 }] }, { loadBalancer: { ingress: [{ ip: nodeClientSide }] } }), slices: [sliceFixture('lb', [local(podC)])] };
    await sync([lb]);
    for (const [host, from] of [[nodeClientSide, lab.client], ['127.0.0.1', lab.node], [nodePodSide, lab.node]] as const) {
      const [attempt] = await lab.connect(host, 8443, { from });
      assert.ok(attempt?.ok && attempt.server === podC, `${host}: ${JSON.stringify(attempt)}`);
    }
  });

  test('an incremental sync adds a new endpoint, and deleting a service removes its chains and rules', async () => {
    const grow = (ips: string[]) => ({ service: serviceFixture('grow', { clusterIP: '10.96.0.20' }), slices: [sliceFixture('grow', ips.map((ip) => local(ip)))] });
    const other = { service: serviceFixture('other', { clusterIP: '10.96.0.21' }), slices: [sliceFixture('other', [local(podA)])] };
    await sync([grow([podA]), other], true);
    assert.deepEqual(servers(await lab.connect('10.96.0.20', 80, { count: 5 })), new Set([podA]));
    const added = await sync([grow([podA, podB]), other]);
    assert.equal(added.kind, 'incremental');
    assert.deepEqual(servers(await lab.connect('10.96.0.20', 80, { count: 30 })), new Set([podA, podB]));

    const before = await lab.iptablesSave();
    assert.match(before, /default\/grow:http/);
    assert.equal((await sync([other])).kind, 'incremental');
    const saved = await lab.iptablesSave();
    assert.doesNotMatch(saved, /default\/grow/);
    assert.doesNotMatch(saved, /10\.96\.0\.20/);
    const [gone] = await lab.connect('10.96.0.20', 80, { timeoutMs: 500 });
    assert.equal(gone?.ok, false);
    assert.deepEqual(servers(await lab.connect('10.96.0.21', 80)), new Set([podA]));
  });

  test('a full sync deletes chains an earlier run left, orphaned agents\' chains are collected, and cleanup removes every rule of the prefix but not those of another agent', async () => {
    const web = { service: serviceFixture('web', { clusterIP: '10.96.0.10' }), slices: [sliceFixture('web', [local(podA)])] };
    const neighbour = new IptablesApplier(lab.runner(lab.node), 'SKIFF-nbr', `pid=${process.pid} node=neighbour`);
    await neighbour.fullSync(buildIptablesRules(ports([web]), node, 'SKIFF-nbr'));
    const ghost = new IptablesApplier(lab.runner(lab.node), 'SKIFF-ghost', 'pid=999999999 node=ghost');
    await ghost.fullSync(buildIptablesRules(ports([web]), node, 'SKIFF-ghost'));
    await runIn(lab, ['-t', 'nat', '-N', `${prefix}-SVC-LEFTOVER`]);
    await sync([web], true);
    assert.doesNotMatch(await lab.iptablesSave(), /LEFTOVER/);
    assert.deepEqual(await removeOrphanedRules(lab.runner(lab.node), prefix), ['SKIFF-ghost']);
    const afterCollect = await lab.iptablesSave();
    assert.doesNotMatch(afterCollect, /SKIFF-ghost/);
    assert.match(afterCollect, /-A SKIFF-nbr-OWNER -m comment --comment "skiff agent pid=\d+ node=neighbour" -j RETURN/);

    assert.ok((await applier.cleanup()) > 0);
    const saved = await lab.iptablesSave();
    assert.doesNotMatch(saved, new RegExp(`${prefix}-`));
    assert.match(saved, /SKIFF-nbr-SERVICES/);
    assert.deepEqual(servers(await lab.connect('10.96.0.10', 80)), new Set([podA]), 'the other agent still routes its services');
    // The one-shot cleanup removes what any skiff agent made.
    assert.ok((await cleanupAllProxyRules(lab.runner(lab.node), [])) > 0);
    assert.doesNotMatch(await lab.iptablesSave(), /SKIFF/);
  });
});

async function runIn(lab: NetnsLab, args: string[]): Promise<void> {
  const result = await lab.runner(lab.node).run('iptables', args);
  assert.equal(result.code, 0, result.stderr);
}
