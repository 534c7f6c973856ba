/** Golden rule texts of the iptables builder: traffic policies, LoadBalancer and external IPs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceFixture as service, serviceRuleLines as lines, sliceFixture as slice, testNode } from './fixtures.ts';

const SVC = 'SKIFF-t-SVC-PK5WNJDG7QFF';
const SVL = 'SKIFF-t-SVL-PK5WNJDG7QFF';
const EXT = 'SKIFF-t-EXT-PK5WNJDG7QFF';
const SEP5 = 'SKIFF-t-SEP-H7V6MUSBXBDM';
const SEP15 = 'SKIFF-t-SEP-GGZHDQHLOYWK';
const localAndRemote = [{ ip: '10.42.0.5', node: 'n1' }, { ip: '10.42.1.5', node: 'n2' }];
const nodePortLocal = { clusterIP: '10.43.0.10', type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] };
const clusterIpJump = (target: string, port = 80) => `-A SKIFF-t-SERVICES -d 10.43.0.10/32 -p tcp -m tcp --dport ${port} -m comment --comment "default/web:http cluster IP" -j ${target}`;
const masquerade = (chain: string, port = 80) => `-A ${chain} -d 10.43.0.10/32 -p tcp -m tcp --dport ${port} ! -s 10.42.0.0/24 -m comment --comment "default/web:http cluster IP" -j SKIFF-t-MARK-MASQ`;
const pick = (chain: string, ip: string, target: string, probability = '') =>
  `-A ${chain} -m comment --comment "default/web:http -> ${ip}:8080"${probability ? ` -m statistic --mode random --probability ${probability}` : ''} -j ${target}`;
const sep = (chain: string, ip: string) => [
  `-A ${chain} -s ${ip}/32 -m comment --comment "default/web:http" -j SKIFF-t-MARK-MASQ`,
  `-A ${chain} -p tcp -m tcp -m comment --comment "default/web:http" -j DNAT --to-destination ${ip}:8080`,
];
const localExtRules = [
  `-A ${EXT} -s 10.42.0.0/24 -m comment --comment "pod traffic for default/web:http external destinations" -j ${SVC}`,
  `-A ${EXT} -m addrtype --src-type LOCAL -m comment --comment "masquerade LOCAL traffic for default/web:http external destinations" -j SKIFF-t-MARK-MASQ`,
  `-A ${EXT} -m addrtype --src-type LOCAL -m comment --comment "route LOCAL traffic for default/web:http external destinations" -j ${SVC}`,
];
const clusterExtRules = [
  `-A ${EXT} -m comment --comment "masquerade traffic for default/web:http external destinations" -j SKIFF-t-MARK-MASQ`,
  `-A ${EXT} -j ${SVC}`,
];

test('externalTrafficPolicy Local sends outside traffic to local endpoints unmasqueraded; pods and the node itself use all endpoints', () => {
  assert.deepEqual(lines(service('web', nodePortLocal), [slice('web', localAndRemote)]), [
    `:${SVC} - [0:0]`, `:${SVL} - [0:0]`, `:${EXT} - [0:0]`, `:${SEP5} - [0:0]`, `:${SEP15} - [0:0]`,
    clusterIpJump(SVC),
    `-A SKIFF-t-NODEPORTS -p tcp -m tcp --dport 30080 -m comment --comment "default/web:http node port" -j ${EXT}`,
    masquerade(SVC),
    pick(SVC, '10.42.0.5', SEP5, '0.5000000000'),
    pick(SVC, '10.42.1.5', SEP15),
    pick(SVL, '10.42.0.5', SEP5),
    ...localExtRules,
    `-A ${EXT} -j ${SVL}`,
    ...sep(SEP5, '10.42.0.5'),
    ...sep(SEP15, '10.42.1.5'),
  ]);
});

test('externalTrafficPolicy Local without a local endpoint drops outside traffic in the filter table and keeps the short-circuit rules', () => {
  assert.deepEqual(lines(service('web', nodePortLocal), [slice('web', [{ ip: '10.42.1.5', node: 'n2' }])]), [
    '-A SKIFF-t-EXTERNAL -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -m comment --comment "default/web:http has no local endpoints" -j DROP',
    `:${SVC} - [0:0]`, `:${EXT} - [0:0]`, `:${SEP15} - [0:0]`,
    clusterIpJump(SVC),
    `-A SKIFF-t-NODEPORTS -p tcp -m tcp --dport 30080 -m comment --comment "default/web:http node port" -j ${EXT}`,
    masquerade(SVC),
    pick(SVC, '10.42.1.5', SEP15),
    ...localExtRules,
    ...sep(SEP15, '10.42.1.5'),
  ]);
});

test('internalTrafficPolicy Local sends cluster IP traffic to the local endpoints only', () => {
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10', internalTrafficPolicy: 'Local' }), [slice('web', localAndRemote)]), [
    `:${SVL} - [0:0]`, `:${SEP5} - [0:0]`,
    clusterIpJump(SVL),
    masquerade(SVL),
    pick(SVL, '10.42.0.5', SEP5),
    ...sep(SEP5, '10.42.0.5'),
  ]);
});

test('internalTrafficPolicy Local without a local endpoint drops (not rejects) cluster IP traffic', () => {
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10', internalTrafficPolicy: 'Local' }), [slice('web', [{ ip: '10.42.1.5', node: 'n2' }])]), [
    '-A SKIFF-t-SERVICES -d 10.43.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web:http has no local endpoints" -j DROP',
  ]);
});

const loadBalancer = { clusterIP: '10.43.0.10', type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', protocol: 'TCP', port: 443, targetPort: 8080, nodePort: 30443 }] };

test('a LoadBalancer service is served on its ingress addresses, its node port, and its own port on node addresses', () => {
  const lb = service('web', loadBalancer, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }, { ip: '192.0.2.2' }] } });
  assert.deepEqual(lines(lb, [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])]), [
    `:${SVC} - [0:0]`, `:${EXT} - [0:0]`, `:${SEP5} - [0:0]`,
    clusterIpJump(SVC, 443),
    `-A SKIFF-t-SERVICES -d 192.0.2.1/32 -p tcp -m tcp --dport 443 -m comment --comment "default/web:http loadbalancer IP" -j ${EXT}`,
    `-A SKIFF-t-SERVICES -d 192.0.2.2/32 -p tcp -m tcp --dport 443 -m comment --comment "default/web:http loadbalancer IP" -j ${EXT}`,
    `-A SKIFF-t-NODEPORTS -p tcp -m tcp --dport 30443 -m comment --comment "default/web:http node port" -j ${EXT}`,
    `-A SKIFF-t-NODEPORTS -p tcp -m tcp --dport 443 -m comment --comment "default/web:http loadbalancer port" -j ${EXT}`,
    masquerade(SVC, 443),
    pick(SVC, '10.42.0.5', SEP5),
    ...clusterExtRules,
    ...sep(SEP5, '10.42.0.5'),
  ]);
});

test('a node that does not serve load balancers keeps the ingress addresses and the node port but not the port on its addresses', () => {
  const lb = service('web', loadBalancer, { loadBalancer: { ingress: [{ ip: '192.0.2.2' }] } });
  const text = lines(lb, [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])], { ...testNode, servesLoadBalancers: false });
  assert.ok(text.includes(`-A SKIFF-t-SERVICES -d 192.0.2.2/32 -p tcp -m tcp --dport 443 -m comment --comment "default/web:http loadbalancer IP" -j ${EXT}`));
  assert.ok(text.includes(`-A SKIFF-t-NODEPORTS -p tcp -m tcp --dport 30443 -m comment --comment "default/web:http node port" -j ${EXT}`));
  assert.ok(!text.some((line) => line.includes('loadbalancer port')));
});

test('a LoadBalancer service without endpoints rejects its ingress addresses and its port on node addresses', () => {
  const lb = service('web', loadBalancer, { loadBalancer: { ingress: [{ ip: '192.0.2.2' }] } });
  assert.deepEqual(lines(lb, []), [
    '-A SKIFF-t-SERVICES -d 10.43.0.10/32 -p tcp -m tcp --dport 443 -m comment --comment "default/web:http has no endpoints" -j REJECT',
    '-A SKIFF-t-EXTERNAL -d 192.0.2.2/32 -p tcp -m tcp --dport 443 -m comment --comment "default/web:http has no endpoints" -j REJECT',
    '-A SKIFF-t-EXTERNAL -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30443 -m comment --comment "default/web:http has no endpoints" -j REJECT',
    '-A SKIFF-t-EXTERNAL -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 443 -m comment --comment "default/web:http has no endpoints" -j REJECT',
  ]);
});

test('an external IP is captured like a load-balancer address', () => {
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10', externalIPs: ['198.51.100.7'] }), [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])]), [
    `:${SVC} - [0:0]`, `:${EXT} - [0:0]`, `:${SEP5} - [0:0]`,
    clusterIpJump(SVC),
    `-A SKIFF-t-SERVICES -d 198.51.100.7/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web:http external IP" -j ${EXT}`,
    masquerade(SVC),
    pick(SVC, '10.42.0.5', SEP5),
    ...clusterExtRules,
    ...sep(SEP5, '10.42.0.5'),
  ]);
});
